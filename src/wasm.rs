//! The exports of the WebAssembly module that `shequ teach`'s page runs in a Web Worker
//! (feature `wasm`, built by `scripts/build-wasm.sh` into `assets/web/shequ.wasm`).
//!
//! No imports and no wasm-bindgen: the page writes a JSON request into memory it got from
//! [`shequ_alloc`], calls [`shequ_run`], and reads the JSON answer at [`shequ_result_ptr`]
//! for [`shequ_result_len`] bytes. The request is
//! `{"scenario": TOML, "library": {"baseline.toml": TOML, …}, "seed": S, "reps": N,
//! "years": Y, "set": ["key=value", …], "rep": R}` (all but `scenario` optional; `rep` runs
//! only replication R, as numbered in a whole run); the scenario is read
//! as the file `scenario.toml` beside the library's files, so `extends = "baseline.toml"`
//! finds the library's baseline. The answer is `{"ok": true, "name": …, "timeseries": CSV}`
//! with the CSV text of `timeseries.csv` (the same writer, so the same digits), or
//! `{"ok": false, "error": …}` with the scenario error as `shequ run` would print it.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::experiment;
use crate::io::scenario::{self, Memory};
use crate::io::series::{write_timeseries, write_timeseries_from};

/// The file name the page's scenario text is read as.
const SCENARIO_FILE: &str = "scenario.toml";

#[derive(Deserialize)]
struct Request {
    scenario: String,
    #[serde(default)]
    library: HashMap<String, String>,
    seed: Option<u64>,
    reps: Option<u32>,
    years: Option<u32>,
    #[serde(default)]
    set: Vec<String>,
    /// Run only this replication (numbered as in a whole run), not `0..reps`.
    rep: Option<u64>,
}

/// Runs a request (JSON text) and returns the answer (JSON text).
pub fn answer(request: &str) -> String {
    let result = (|| -> Result<(String, String), String> {
        let r: Request =
            serde_json::from_str(request).map_err(|e| format!("not a valid request: {e}"))?;
        let mut files = Memory(r.library);
        files.0.insert(SCENARIO_FILE.into(), r.scenario);
        let mut s =
            scenario::load_from(&files, Path::new(SCENARIO_FILE)).map_err(|e| e.to_string())?;
        let mut sets = scenario::run_overrides(r.reps, r.seed, r.years);
        sets.extend(r.set.into_iter().map(|x| ("set", x)));
        scenario::apply_overrides_from(&files, &mut s, &sets).map_err(|e| e.to_string())?;
        let mut csv = Vec::new();
        let written = match r.rep {
            Some(rep) => {
                let one = experiment::run_replication(&s.params, s.params.run.seed, rep);
                write_timeseries_from(&mut csv, rep as usize, &[one])
            }
            None => {
                // No pool size: rayon runs on the calling thread where there are no threads.
                let result = experiment::run(&s.params, None, &|| {}).map_err(|e| e.to_string())?;
                write_timeseries(&mut csv, &result)
            }
        };
        written.map_err(|e| e.to_string())?;
        Ok((s.name, String::from_utf8_lossy(&csv).into_owned()))
    })();
    let json = match result {
        Ok((name, csv)) => serde_json::json!({"ok": true, "name": name, "timeseries": csv}),
        Err(e) => serde_json::json!({"ok": false, "error": e}),
    };
    json.to_string()
}

/// The exports (only in the `wasm` build: a native library has no use for them).
#[cfg(feature = "wasm")]
mod exports {
    use std::cell::RefCell;

    use super::answer;

    thread_local! {
        static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }

    /// Memory for a request of `len` bytes; the page writes it there and passes it to
    /// [`shequ_run`], which frees it.
    #[unsafe(no_mangle)]
    pub extern "C" fn shequ_alloc(len: usize) -> *mut u8 {
        let mut v = vec![0u8; len];
        let p = v.as_mut_ptr();
        std::mem::forget(v);
        p
    }

    /// Runs the request at `ptr` (`len` bytes from [`shequ_alloc`]); 0 when the answer is a
    /// result, 1 when it is an error. The answer stays until the next call.
    ///
    /// # Safety
    /// `ptr` and `len` must be exactly what [`shequ_alloc`] returned and was given.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn shequ_run(ptr: *mut u8, len: usize) -> u32 {
        // SAFETY: the caller passes a buffer of `len` bytes allocated by `shequ_alloc(len)`.
        let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
        let text = String::from_utf8_lossy(&bytes);
        let out = answer(&text);
        let failed = out.starts_with("{\"ok\":false");
        RESULT.with(|r| *r.borrow_mut() = out.into_bytes());
        u32::from(failed)
    }

    /// Where the last answer starts.
    #[unsafe(no_mangle)]
    pub extern "C" fn shequ_result_ptr() -> *const u8 {
        RESULT.with(|r| r.borrow().as_ptr())
    }

    /// The last answer's length in bytes.
    #[unsafe(no_mangle)]
    pub extern "C" fn shequ_result_len() -> usize {
        RESULT.with(|r| r.borrow().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> HashMap<String, String> {
        let base = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
        HashMap::from([("baseline.toml".to_string(), base)])
    }

    #[test]
    fn a_request_runs_the_scenario_it_extends_with_its_overrides() {
        let req = serde_json::json!({
            "scenario": "extends = \"baseline.toml\"\nname = \"mine\"\n[world]\ncommunities = 1\n",
            "library": library(), "seed": 7, "reps": 2, "years": 1,
            "set": ["world.households_per_community=200"],
        });
        let a: serde_json::Value = serde_json::from_str(&answer(&req.to_string())).unwrap();
        assert_eq!(a["ok"], true, "{a}");
        assert_eq!(a["name"], "mine");
        let csv = a["timeseries"].as_str().unwrap();
        // Header and one row per (rep, month): 2 reps x 12 months.
        assert_eq!(csv.lines().count(), 1 + 24);
        assert!(csv.starts_with("rep,month,"));
        // Replication 1 alone is the second half of the whole run, numbered 1.
        let mut one = req.clone();
        one["rep"] = 1.into();
        let b: serde_json::Value = serde_json::from_str(&answer(&one.to_string())).unwrap();
        let rows: Vec<&str> = csv.lines().collect();
        let mut expected = vec![rows[0]];
        expected.extend(&rows[13..]);
        assert_eq!(
            b["timeseries"]
                .as_str()
                .unwrap()
                .lines()
                .collect::<Vec<_>>(),
            expected
        );
    }

    #[test]
    fn a_refused_scenario_is_an_error_naming_the_key() {
        let req = serde_json::json!({
            "scenario": "extends = \"baseline.toml\"\n[world]\ncommunitees = 1\n",
            "library": library(),
        });
        let a: serde_json::Value = serde_json::from_str(&answer(&req.to_string())).unwrap();
        assert_eq!(a["ok"], false);
        let e = a["error"].as_str().unwrap();
        assert!(
            e.contains("scenario.toml") && e.contains("communitees"),
            "{e}"
        );
        let req = serde_json::json!({"scenario": "extends = \"nowhere.toml\"\n"});
        let a: serde_json::Value = serde_json::from_str(&answer(&req.to_string())).unwrap();
        assert!(a["error"].as_str().unwrap().contains("nowhere.toml"), "{a}");
    }
}
