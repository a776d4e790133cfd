//! `shequ validate`: every validation case as a table.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::experiment::in_pool;
use crate::io::commands::{claim, emit, note, threads};
use crate::io::error::{Error, Result};
use crate::io::output;
use crate::io::scenario;
use crate::model::params::Params;

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

/// `shequ validate`: runs every case of `experiment::validate` and prints the table.
pub fn validate(a: &ValidateArgs) -> Result {
    use crate::experiment::validate;
    let load = |name: &str| -> std::result::Result<Params, String> {
        scenario::load(&a.scenarios.join(name))
            .map(|s| s.params)
            .map_err(|e| e.to_string())
    };
    let seed = match a.seed {
        Some(s) => s,
        None => load("baseline.toml").map_err(Error::Input)?.run.seed,
    };
    let mut o = if a.quick {
        validate::Options::quick(seed)
    } else {
        validate::Options::full(seed)
    };
    if let Some(r) = a.reps {
        o.reps = r.max(1);
    }
    let levers = scenario::library_levers(&a.scenarios).map_err(Error::input)?;
    let threads = threads(a.threads)?;
    // The output folder is checked and claimed before anything runs.
    let claimed = a.out.as_deref().map(claim).transpose()?;
    let lib = validate::Library {
        load: &load,
        levers,
    };
    note(&crate::io::i18n::fmt(
        crate::io::i18n::VALIDATE_START,
        &[
            ("n", &lib.files().len().to_string()),
            ("dir", &a.scenarios.display().to_string()),
            ("reps", &o.reps.to_string()),
            ("years", &o.years.to_string()),
            ("short", &o.short_years.to_string()),
            ("seed", &o.seed.to_string()),
        ],
    ));
    let started = Instant::now();
    let go = || validate::run(&o, &lib);
    let results = in_pool(threads, go)
        .map_err(|e| Error::threads(threads, e))?
        .map_err(Error::Input)?;
    emit(&crate::io::text::validate_table(&results));
    if let Some(c) = claimed {
        let manifest = serde_json::json!({
            "shequ_version": env!("CARGO_PKG_VERSION"),
            "git_commit": output::git_commit(),
            "command": "validate",
            "scenarios": a.scenarios.display().to_string(),
            "quick": a.quick,
            "replications": o.reps,
            "years": o.years,
            "seed": o.seed,
            "cases": results.len(),
        });
        let dir = c.dir().to_path_buf();
        output::write_file(&dir, "validate.csv", |w| {
            output::write_validate_csv(w, &results)
        })
        .and_then(|()| {
            output::write_file(&dir, "manifest.json", |w| output::write_json(w, &manifest))
        })
        .and_then(|()| c.publish())
        .map_err(Error::run)?;
    }
    note(&format!("({:.1} s)", started.elapsed().as_secs_f64()));
    if results.iter().any(|r| r.verdict == validate::Verdict::Fail) {
        Err(Error::Verdict)
    } else {
        Ok(())
    }
}
