//! The command line: clap's declaration of every command and option, and the one dispatch
//! that turns a command's [`Error`] into an exit code. `shequ` with no command runs the
//! default demo (the baseline scenario). Each command lives in `io::commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::io::commands::calibrate::CalibrateArgs;
use crate::io::commands::compare::CompareArgs;
use crate::io::commands::plan::{MergeArgs, PlanCommand, RunPlanArgs, SlurmArgs};
use crate::io::commands::run::RunArgs;
use crate::io::commands::sensitivity::SensitivityCommand;
use crate::io::commands::sweep::SweepArgs;
use crate::io::commands::teach::TeachArgs;
use crate::io::commands::validate::ValidateArgs;
use crate::io::commands::{
    bench, calibrate, compare, explain, plan, plot, run, sensitivity, sweep, teach, validate,
};
use crate::io::error::{self, EXIT_INPUT, Error, Result};
use crate::io::i18n::{self, Lang};

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
    /// Language of plots, report and terminal tables (run, compare, sweep, plot, validate,
    /// explain) and the language teach's page opens in: en or zh (Chinese, drawn with the embedded WenQuanYi Micro Hei subset).
    #[arg(long, global = true, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Zoom the axes of shares and indices over time to the data instead of starting them
    /// at 0 (run, compare, plot).
    #[arg(long, global = true)]
    pub zoom: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario's replications and write timeseries.csv, summary.csv and manifest.json.
    Run(RunArgs),
    /// Compare scenarios with a base: same seed and replications (common random numbers),
    /// paired differences with 95 % CIs in comparison.csv, each run in its own subdirectory.
    Compare(CompareArgs),
    /// Sweep keys of a scenario over a grid (--vary KEY=LO:HI:STEPS or KEY=A,B,C, any type),
    /// a Latin hypercube (--lhs N --vary KEY=LO:HI) or the points of a CSV file (--design);
    /// each metric over --window per point and replication in sweep.csv.
    Sweep(SweepArgs),
    /// Write the units of a sweep, comparison or sensitivity run to a plan folder (--out
    /// PLANDIR), to run anywhere in shards (run-plan, slurm) and merge into the one-machine
    /// result.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Run shard I of N of a plan's units (--shard I/N); units already done are skipped, so
    /// it may be run again, and several shards may run at once on a shared file system.
    RunPlan(RunPlanArgs),
    /// Merge a plan whose units are all done into the folder the planned sweep, compare or
    /// sensitivity run would have written on one machine (default PLANDIR/result).
    Merge(MergeArgs),
    /// Write a Slurm job array (PLANDIR/submit.sbatch), its merge job and submit.sh for a plan.
    Slurm(SlurmArgs),
    /// Calibrate a scenario's keys (--space SPACE.toml) against external targets
    /// (--targets targets.toml) by history matching: a Latin hypercube of --n points with
    /// common random numbers; accepted.csv, all_points.csv, calibrated.toml and a report.
    Calibrate(CalibrateArgs),
    /// Re-draw the plots (DIR/plots/, PNG and SVG) and DIR/report.html of an earlier output directory.
    Plot {
        /// Output directory of `shequ run` (timeseries.csv), `shequ compare` (comparison.csv)
        /// or `shequ sweep` (sweep.csv).
        dir: PathBuf,
    },
    /// Measure speed and memory: one replication at city scale, or --reps N in parallel
    /// (prints household-months per wall- and CPU-second and bytes per household; writes nothing).
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
        /// Run the hot loops compiled for the baseline processor instead of AVX2 (same results).
        #[arg(long)]
        baseline_kernels: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Explain a scenario key (meaning, unit, range, default, source), or list every key;
    /// with --metrics, every output column (name, unit, Chinese term, meaning).
    Explain {
        /// A key such as property.guided_price, or a section such as owners.
        key: Option<String>,
        /// Print the full table as Markdown (the source of docs/parameters.md).
        #[arg(long)]
        markdown: bool,
        /// List the output metrics (the columns of timeseries.csv) instead of the keys.
        #[arg(long, conflicts_with_all = ["key", "markdown"])]
        metrics: bool,
    },
    /// List the scenario files of a directory (default scenarios/), one line each: name and description.
    Scenarios {
        /// Directory of scenario files.
        dir: Option<PathBuf>,
    },
    /// Run every validation case (textbook cases, accounting invariants, the essay's stylised
    /// facts, reform directions) and print a table; exit code 1 if any fails.
    Validate(ValidateArgs),
    /// Global sensitivity analysis: sample a design from a space of factors, analyse a
    /// design's results (Sobol' indices or Morris screening), or run both on a scenario.
    Sensitivity {
        #[command(subcommand)]
        command: SensitivityCommand,
    },
    /// Write one self-contained, bilingual web page (--out class.html) that runs the model in
    /// the browser, offline: lever sliders, presets from the library, A/B comparison, a lesson.
    Teach(TeachArgs),
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
    /// Run even when the estimated memory exceeds what this machine has available.
    #[arg(long)]
    pub allow_large: bool,
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
    i18n::set(cli.lang);
    crate::io::plot::style::set_zoom(cli.zoom);
    match dispatch(cli.command, &args) {
        Ok(()) => 0,
        Err(e) => error::report(&e),
    }
}

fn dispatch(command: Option<Command>, args: &[String]) -> Result {
    match command {
        None => {
            let a = RunArgs {
                scenario: PathBuf::from(DEFAULT_SCENARIO),
                common: CommonArgs::default(),
            };
            if !a.scenario.is_file() {
                return Err(Error::Input(format!(
                    "the default demo needs {DEFAULT_SCENARIO}; run shequ from the project folder or name a scenario: shequ run FILE"
                )));
            }
            run::run(&a, args, true)
        }
        Some(Command::Run(a)) => run::run(&a, args, false),
        Some(Command::Compare(a)) => compare::compare(&a, args),
        Some(Command::Sweep(a)) => sweep::sweep(&a, args),
        Some(Command::Plan { command }) => plan::plan(&command, args),
        Some(Command::RunPlan(a)) => plan::run_plan(&a),
        Some(Command::Merge(a)) => plan::merge(&a, args),
        Some(Command::Slurm(a)) => plan::slurm(&a),
        Some(Command::Calibrate(a)) => calibrate::calibrate(&a, args),
        Some(Command::Explain { metrics: true, .. }) => explain::metrics(),
        Some(Command::Explain { key, markdown, .. }) => explain::explain(key.as_deref(), markdown),
        Some(Command::Bench {
            scenario,
            households,
            scaling,
            check_threads,
            baseline_kernels,
            common,
        }) => bench::bench(
            &scenario,
            households,
            scaling,
            check_threads,
            baseline_kernels,
            &common,
        ),
        Some(Command::Plot { dir }) => plot::plot(&dir),
        Some(Command::Scenarios { dir }) => {
            explain::scenarios(&dir.unwrap_or_else(|| PathBuf::from("scenarios")))
        }
        Some(Command::Validate(a)) => validate::validate(&a),
        Some(Command::Sensitivity { command }) => sensitivity::sensitivity(&command, args),
        Some(Command::Teach(a)) => teach::teach(&a),
    }
}
