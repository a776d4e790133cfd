//! The command line. `shequ` with no command runs the default demo (the baseline scenario).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::experiment::{self, RunResult};
use crate::io::output::{self, RunInfo};
use crate::io::scenario::{self, Scenario};
use crate::model::metrics::M;
use crate::model::params::Params;

/// Exit code for a refused scenario or bad arguments.
pub const EXIT_INPUT: i32 = 2;
/// Exit code for a failure while running or writing.
pub const EXIT_RUN: i32 = 1;

/// The default demo's scenario.
pub const DEFAULT_SCENARIO: &str = "scenarios/baseline.toml";

#[derive(Parser, Debug)]
#[command(
    name = "shequ",
    version,
    about = "shequ (社区): agent-based simulator of urban community governance",
    long_about = "Simulates residents, property-management firms and community workers month by month.\n\
                  Without a command, runs the default demo: scenarios/baseline.toml."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario's replications and write timeseries.csv, summary.csv and manifest.json.
    Run(RunArgs),
    /// Compare scenarios with a base: same seed and replications (common random numbers),
    /// paired differences with 95 % CIs in comparison.csv, each run in its own subdirectory.
    Compare(crate::io::compare::CompareArgs),
    /// Sweep keys of a scenario over a grid (--vary KEY=LO:HI:STEPS) or a Latin hypercube
    /// (--lhs N --vary KEY=LO:HI); end states per point and replication in sweep.csv.
    Sweep(crate::io::compare::SweepArgs),
    /// Re-draw the plots (DIR/plots/, PNG and SVG) and DIR/report.html of an earlier output directory.
    Plot {
        /// Output directory of `shequ run` (timeseries.csv), `shequ compare` (comparison.csv)
        /// or `shequ sweep` (sweep.csv).
        dir: PathBuf,
    },
    /// Measure speed and memory: one replication at city scale (prints, writes nothing).
    Bench {
        /// Scenario to measure (default: the baseline).
        #[arg(default_value = DEFAULT_SCENARIO)]
        scenario: PathBuf,
        /// Households to simulate (communities of the scenario's size, none oversized).
        #[arg(long, default_value_t = 2_000_000)]
        households: u64,
        /// Run 0.25, 0.5, 1, 2 and 4 million households to show time grows linearly.
        #[arg(long)]
        scaling: bool,
        /// Also run on one thread and check the output is identical.
        #[arg(long)]
        check_threads: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Explain a scenario key (meaning, unit, range, default, source), or list every key.
    Explain {
        /// A key such as property.guided_price, or a section such as owners.
        key: Option<String>,
        /// Print the full table as Markdown (the source of docs/parameters.md).
        #[arg(long)]
        markdown: bool,
    },
    /// List the scenario files of a directory (default scenarios/), one line each: name and description.
    Scenarios {
        /// Directory of scenario files.
        dir: Option<PathBuf>,
    },
    /// Run every validation case (textbook cases, accounting invariants, the essay's stylised
    /// facts, reform directions) and print a table; exit code 1 if any fails.
    Validate(ValidateArgs),
}

/// Options of `shequ validate`.
#[derive(Args, Debug, Clone, Default)]
pub struct ValidateArgs {
    /// Replications of every scenario (default 10, or 5 with --quick).
    #[arg(long)]
    pub reps: Option<u32>,
    /// 5 replications, and 10 years for the levers whose `[lever]` says `runs = "short"`:
    /// the same cases and tolerances, fast enough for `cargo test`.
    #[arg(long)]
    pub quick: bool,
    /// Master seed of every run (default: run.seed of the baseline).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The scenario library.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Worker threads (default: all cores). Never changes the results.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Also write the cases to DIR/validate.csv.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options every simulating command takes.
#[derive(Args, Debug, Clone, Default)]
pub struct CommonArgs {
    /// Replications (overrides run.replications).
    #[arg(long)]
    pub reps: Option<u32>,
    /// Master seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Years to simulate (overrides run.years).
    #[arg(long)]
    pub years: Option<u32>,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS). Never changes results.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override any key: --set property.guided_price=2.0 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Output directory (default: output/<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Loads the scenario and applies command-line overrides.
pub fn resolve(path: &Path, c: &CommonArgs) -> Result<Scenario, scenario::ScenarioError> {
    let mut s = scenario::load(path)?;
    let mut sets = Vec::new();
    if let Some(r) = c.reps {
        sets.push(("--reps", format!("run.replications={r}")));
    }
    if let Some(seed) = c.seed {
        sets.push(("--seed", format!("run.seed={seed}")));
    }
    if let Some(y) = c.years {
        sets.push(("--years", format!("run.years={y}")));
    }
    sets.extend(c.sets.iter().map(|x| ("--set", x.clone())));
    scenario::apply_overrides(&mut s, &sets)?;
    Ok(s)
}

/// Runs the binary with `args`; returns the process exit code.
pub fn main_with(args: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_INPUT } else { 0 };
        }
    };
    match cli.command {
        None => {
            let a = RunArgs {
                scenario: PathBuf::from(DEFAULT_SCENARIO),
                common: CommonArgs::default(),
            };
            if !a.scenario.is_file() {
                eprintln!(
                    "error: the default demo needs {DEFAULT_SCENARIO}; run shequ from the project folder or name a scenario: shequ run FILE"
                );
                return EXIT_INPUT;
            }
            run_command(&a, &args, true)
        }
        Some(Command::Run(a)) => run_command(&a, &args, false),
        Some(Command::Compare(a)) => crate::io::compare::compare_command(&a, &args),
        Some(Command::Sweep(a)) => crate::io::compare::sweep_command(&a, &args),
        Some(Command::Explain { key, markdown }) => explain(key.as_deref(), markdown),
        Some(Command::Bench {
            scenario,
            households,
            scaling,
            check_threads,
            common,
        }) => {
            crate::io::bench::bench_command(&scenario, households, scaling, check_threads, &common)
        }
        Some(Command::Plot { dir }) => plot_command(&dir),
        Some(Command::Scenarios { dir }) => {
            scenarios_command(&dir.unwrap_or_else(|| PathBuf::from("scenarios")))
        }
        Some(Command::Validate(a)) => validate_command(&a),
    }
}

/// `shequ scenarios [DIR]`: every scenario file of DIR with its name and description.
fn scenarios_command(dir: &Path) -> i32 {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return EXIT_INPUT;
        }
    };
    files.sort();
    let mut code = 0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} scenario(s) in {} (run one with `shequ run {}/NAME.toml`):",
        files.len(),
        dir.display(),
        dir.display()
    );
    for f in &files {
        match scenario::load(f) {
            Ok(s) => {
                let _ = writeln!(out, "  {:<28} {}", s.name, s.description);
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_INPUT;
            }
        }
    }
    emit(&out);
    code
}

/// `shequ validate`: runs every case of `experiment::validate` and prints the table.
fn validate_command(a: &ValidateArgs) -> i32 {
    use crate::experiment::validate;
    let load = |name: &str| -> Result<Params, String> {
        scenario::load(&a.scenarios.join(name))
            .map(|s| s.params)
            .map_err(|e| e.to_string())
    };
    let seed = match a.seed {
        Some(s) => s,
        None => match load("baseline.toml") {
            Ok(p) => p.run.seed,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_INPUT;
            }
        },
    };
    let mut o = if a.quick {
        validate::Options::quick(seed)
    } else {
        validate::Options::full(seed)
    };
    if let Some(r) = a.reps {
        o.reps = r.max(1);
    }
    let levers = match scenario::library_levers(&a.scenarios) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let lib = validate::Library {
        load: &load,
        levers,
    };
    eprintln!(
        "shequ validate: {} scenario files of {}, {} replication(s), {} years ({} for short-run levers), seed {}",
        lib.files().len(),
        a.scenarios.display(),
        o.reps,
        o.years,
        o.short_years,
        o.seed
    );
    let started = Instant::now();
    let go = || validate::run(&o, &lib);
    let results = match a.threads {
        Some(t) => match rayon::ThreadPoolBuilder::new().num_threads(t).build() {
            Ok(pool) => pool.install(go),
            Err(e) => {
                eprintln!("error: cannot start {t} threads: {e}");
                return EXIT_INPUT;
            }
        },
        None => go(),
    };
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    emit(&validate::table(&results));
    if let Some(dir) = &a.out {
        if let Err(e) = output::write_validate(dir, &results) {
            eprintln!("error: {e}");
            return EXIT_RUN;
        }
    }
    eprintln!("({:.1} s)", started.elapsed().as_secs_f64());
    if results.iter().any(|r| r.verdict == validate::Verdict::Fail) {
        EXIT_RUN
    } else {
        0
    }
}

/// `shequ plot DIR`: the plots and report of an earlier output directory.
fn plot_command(dir: &Path) -> i32 {
    if !crate::io::report::is_output_dir(dir) {
        eprintln!(
            "error: {} has no timeseries.csv, comparison.csv or sweep.csv: name the output directory of `shequ run`, `shequ compare` or `shequ sweep`",
            dir.display()
        );
        return EXIT_INPUT;
    }
    match crate::io::report::render_dir(dir) {
        Ok(r) => {
            eprintln!(
                "{} plots in {}, report in {} ({:.2} s)",
                r.figures.len(),
                r.plots_dir.display(),
                r.report.display(),
                r.seconds
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            EXIT_RUN
        }
    }
}

fn run_command(a: &RunArgs, args: &[String], demo: bool) -> i32 {
    let s = match resolve(&a.scenario, &a.common) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let out = a
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    let p = &s.params;
    let quiet = a.common.quiet;
    if !quiet {
        eprintln!(
            "shequ: {} - {} replication(s) x {} years, {} communities, seed {}",
            s.name, p.run.replications, p.run.years, p.world.communities, p.run.seed
        );
    }
    let started = Instant::now();
    let bar =
        crate::io::compare::progress_bar(u64::from(p.run.replications), quiet, "replications");
    let result = experiment::run(p, a.common.threads, &|| bar.inc(1));
    bar.finish_and_clear();
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start {:?} threads: {e}", a.common.threads);
            return EXIT_INPUT;
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let info = RunInfo {
        command_line: args.to_vec(),
        wall_seconds: wall,
        threads: a.common.threads.unwrap_or_else(rayon::current_num_threads),
    };
    if let Err(e) = output::write_run(&out, &s, &result, &info) {
        eprintln!("error: {e}");
        return EXIT_RUN;
    }
    if !quiet {
        let hh = result.reps.first().map_or(0, |r| r.households);
        let hm = hh as f64 * f64::from(result.months) * result.reps.len() as f64;
        eprintln!(
            "done in {wall:.2} s ({:.1} million household-months/s); results in {}",
            hm / wall.max(1e-9) / 1e6,
            out.display()
        );
        print_glance(&result, demo);
    }
    // Plots and report, drawn from the finished directory; the CSVs stay if this fails.
    match crate::io::report::render_dir(&out) {
        Ok(r) if !quiet => eprintln!(
            "plots in {}, report in {} ({:.2} s)",
            r.plots_dir.display(),
            r.report.display(),
            r.seconds
        ),
        Ok(_) => {}
        Err(e) => {
            eprintln!(
                "error: {e:#}\n(the results are in {}; `shequ plot {}` retries the plots)",
                out.display(),
                out.display()
            );
            return EXIT_RUN;
        }
    }
    0
}

/// Writes to stdout, ignoring a closed pipe (`shequ explain | head` must not panic).
fn emit(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// A small table of key metrics by year (mean over replications), for the terminal.
fn print_glance(r: &RunResult, demo: bool) {
    emit(&glance(r, demo));
}

fn glance(r: &RunResult, demo: bool) -> String {
    let mut s = String::new();
    let cols = [
        ("fee_collection_rate", "collection"),
        ("service_quality", "quality"),
        ("owner_satisfaction", "satisfaction"),
        ("managed_share", "managed"),
        ("firm_exits", "exits/yr"),
    ];
    let years = (r.months / 12) as usize;
    let mut marks: Vec<usize> = [1, 5, 10, 15, 20, 30, 40, 50]
        .into_iter()
        .filter(|y| *y <= years)
        .collect();
    if marks.last() != Some(&years) {
        marks.push(years);
    }
    let _ = write!(s, "{:>5}", "year");
    for (_, label) in cols {
        let _ = write!(s, " {label:>12}");
    }
    s.push('\n');
    for y in marks {
        let _ = write!(s, "{y:>5}");
        for (name, _) in cols {
            let i = M::from_name(name).map(M::index).expect("known metric");
            let months = (y - 1) * 12..y * 12;
            let mut sum = 0.0;
            for rep in &r.reps {
                let s: f64 = rep.months[months.clone()].iter().map(|row| row[i]).sum();
                sum += if name == "firm_exits" { s } else { s / 12.0 };
            }
            let _ = write!(s, " {:>12.3}", sum / r.reps.len() as f64);
        }
        s.push('\n');
    }
    if demo {
        s.push_str(
            "(means over replications and over each year; every month is in timeseries.csv)\n",
        );
    }
    s
}

fn explain(key: Option<&str>, markdown: bool) -> i32 {
    let specs = Params::specs();
    if markdown {
        emit(&parameters_markdown());
        return 0;
    }
    let chosen: Vec<_> = match key {
        None => specs.iter().collect(),
        Some(k) => specs
            .iter()
            .filter(|s| s.key == k || s.key.starts_with(&format!("{k}.")))
            .collect(),
    };
    if chosen.is_empty() {
        eprintln!(
            "error: no key or section `{}`; `shequ explain` lists them all",
            key.unwrap_or("")
        );
        return EXIT_INPUT;
    }
    let one = chosen.len() == 1;
    let mut out = String::new();
    for s in chosen {
        if one {
            let _ = writeln!(
                out,
                "{}\n  meaning: {}\n  unit:    {}\n  allowed: {}\n  default: {}\n  source:  {}",
                s.key, s.doc, s.unit, s.domain, s.default, s.source
            );
        } else {
            let _ = writeln!(
                out,
                "{:<42} {:>10}  {}",
                s.key,
                s.default.to_string(),
                s.doc
            );
        }
    }
    emit(&out);
    0
}

/// Every key as a Markdown table, grouped by section: the text of docs/parameters.md.
pub fn parameters_markdown() -> String {
    let mut md = String::from(
        "# Scenario parameters\n\n\
         Generated from the declarations in `src/model/params.rs` by `shequ explain --markdown`; \
         a test keeps this file identical to them. A scenario file sets only what differs from \
         these defaults (or from the file it `extends`). Sections `new_estate`, `old_compound` \
         and `resettlement` share their keys; their defaults differ by kind and are listed per kind.\n",
    );
    let mut section = String::new();
    for s in Params::specs() {
        let (sec, field) = s.key.split_once('.').unwrap_or(("", &s.key));
        if sec != section {
            section = sec.to_string();
            md.push_str(&format!(
                "\n## [{sec}]\n\n| key | meaning | unit | allowed | default | source |\n|---|---|---|---|---|---|\n"
            ));
        }
        md.push_str(&format!(
            "| `{field}` | {} | {} | {} | {} | {} |\n",
            s.doc.replace('|', "\\|"),
            s.unit,
            s.domain,
            s.default,
            s.source.replace('|', "\\|")
        ));
    }
    md
}
