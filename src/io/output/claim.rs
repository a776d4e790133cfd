//! Whose folder `--out` names, and publishing a result whole.
//!
//! [`claim`] runs before anything is simulated. It accepts a new folder, an empty folder or
//! an earlier shequ result (its `manifest.json` has `shequ_version` and `command` or
//! `scenario`, and it holds nothing shequ did not write) and refuses anything else with
//! [`Error::Input`] (exit 2) before touching anything. It then locks `.NAME.lock` beside the
//! folder (a second run into the same folder stops with [`Error::Run`], exit 1), removes
//! leftovers of killed runs and creates the temporary folder `.NAME.tmp-PID-NONCE` (marked by
//! [`MARKER`]) where the whole result is built. [`Claim::publish`] swaps it in whole.

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::io::error::Error;
use crate::io::output::{split, swap_in};

/// The file a temporary folder holds from its creation until it is published: what makes a
/// leftover of a killed run recognisably shequ's.
pub const MARKER: &str = ".shequ-temporary";

/// Bytes shequ adds to a folder's name for the siblings it writes (`.NAME.tmp-PID-NONCE`).
pub const SIBLING_EXTRA: usize = 32;

/// The entries an output folder of `shequ run`, `compare`, `sweep`, `validate --out` or
/// `sensitivity run` holds.
const SHEQU_ENTRIES: [&str; 16] = [
    "manifest.json",
    "timeseries.csv",
    "summary.csv",
    "events.csv",
    "scenario.toml",
    "comparison.csv",
    "sweep.csv",
    "sweep_points.csv",
    "validate.csv",
    "plots",
    "report.html",
    "design.csv",
    "results.csv",
    "indices.csv",
    "space.toml",
    "convergence.csv",
];

/// The entries an output folder of `shequ calibrate` holds besides the common ones.
const CALIBRATE_ENTRIES: [&str; 4] = [
    "all_points.csv",
    "accepted.csv",
    "targets_fit.csv",
    "calibrated.toml",
];

/// An output folder claimed by this process: locked, with a temporary folder to fill.
/// Dropped unpublished, it removes its temporary folder and leaves the output as it was.
#[derive(Debug)]
pub struct Claim {
    out: PathBuf,
    tmp: PathBuf,
    lock_path: PathBuf,
    lock: Option<fs::File>,
}

impl Claim {
    /// The temporary folder to fill.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Puts the filled temporary folder in place of the output folder in one atomic step
    /// and removes the earlier result. On failure the earlier result is left as it was.
    pub fn publish(self) -> io::Result<()> {
        let (parent, name) = split(&self.out)?;
        let marker = self.tmp.join(MARKER);
        fs::remove_file(&marker).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot remove {}: {e}", marker.display()))
        })?;
        swap_in(&self.tmp, &self.out, &parent, &name)?;
        // The earlier result (if any) is now at `tmp`; Drop removes it, then the lock.
        Ok(())
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if fs::symlink_metadata(&self.tmp).is_ok() {
            remove_marked(&self.tmp);
        }
        if self.lock.take().is_some() {
            // Unlinked while still locked (the file closes after this): see `lock`.
            let _ = fs::remove_file(&self.lock_path);
        }
    }
}

/// Removes a folder of shequ's: writes [`MARKER`] into it first and removes it last, so a
/// kill part-way leaves a folder the next run still recognises. Errors are ignored.
fn remove_marked(dir: &Path) {
    let marker = dir.join(MARKER);
    let _ = fs::write(&marker, b"");
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p == marker {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let _ = fs::remove_dir_all(&p);
                }
                _ => {
                    let _ = fs::remove_file(&p);
                }
            }
        }
    }
    let _ = fs::remove_file(&marker);
    let _ = fs::remove_dir(dir);
}

/// Whether `dir/manifest.json` was written by shequ: a JSON object with `shequ_version`
/// and `command` or `scenario`.
pub fn shequ_manifest(dir: &Path) -> Option<serde_json::Value> {
    let text = fs::read_to_string(dir.join("manifest.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let is_str = |k: &str| v.get(k).is_some_and(serde_json::Value::is_string);
    (is_str("shequ_version") && (is_str("command") || is_str("scenario"))).then_some(v)
}

/// The entries of `dir` that shequ did not write, as paths relative to `dir`: not an output
/// file, not a leftover temporary file of an earlier version (`*.tmp-*`), not a plot in
/// `plots/`, and not a compare's scenario folder, which is checked the same way in turn
/// (a result is removed whole when it is replaced, so nothing of the user's may be inside).
pub fn foreign_entries(dir: &Path, manifest: &serde_json::Value) -> io::Result<Vec<String>> {
    let subdirs: Vec<&str> = manifest
        .get("scenarios")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.get("directory").and_then(|d| d.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut foreign = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if name.contains(".tmp-") {
            continue;
        }
        if name == "plots" && is_dir {
            for p in fs::read_dir(e.path())? {
                let plot = p?.file_name().to_string_lossy().into_owned();
                let drawn = [".png", ".svg"].iter().any(|x| plot.ends_with(x));
                if !(drawn || plot.contains(".tmp-")) {
                    foreign.push(format!("plots/{plot}"));
                }
            }
        } else if subdirs.contains(&name.as_str()) && is_dir {
            let inner = shequ_manifest(&e.path()).unwrap_or(serde_json::Value::Null);
            for f in foreign_entries(&e.path(), &inner)? {
                foreign.push(format!("{name}/{f}"));
            }
        } else if !(SHEQU_ENTRIES.contains(&name.as_str())
            || CALIBRATE_ENTRIES.contains(&name.as_str()))
            || (name == "plots")
        {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(foreign)
}

fn c_path(p: &Path) -> Option<CString> {
    CString::new(p.as_os_str().as_bytes()).ok()
}

/// Whether this process may create entries in directory `p` (`access(W_OK | X_OK)`, which
/// reports a read-only file system even to root).
fn writable(p: &Path) -> io::Result<()> {
    let Some(c) = c_path(p) else {
        return Err(io::Error::other("NUL in the path"));
    };
    // SAFETY: a NUL-terminated path that outlives the call.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The longest file name the file system of directory `p` allows (255 where it does not say).
fn name_max(p: &Path) -> usize {
    let Some(c) = c_path(p) else { return 255 };
    // SAFETY: a NUL-terminated path that outlives the call.
    let n = unsafe { libc::pathconf(c.as_ptr(), libc::_PC_NAME_MAX) };
    usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(255)
}

/// Checks and claims output folder `out` before anything is simulated (see the module).
pub fn claim(out: &Path) -> Result<Claim, Error> {
    let refuse = |why: &str| {
        Error::Input(format!(
            "--out {}: {why}. --out must name a new folder, an empty folder or an earlier shequ result; nothing was changed",
            out.display()
        ))
    };
    let Ok((parent, name)) = split(out) else {
        return Err(refuse(
            "not a folder name (`.`, `..` and `/` are not allowed)",
        ));
    };
    let target = parent.join(&name);
    match fs::symlink_metadata(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(refuse(&format!("cannot read it ({e})"))),
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse("is a symbolic link; name the folder itself"));
        }
        Ok(m) if !m.is_dir() => return Err(refuse("is a file, not a folder")),
        Ok(_) => {
            let entries = fs::read_dir(&target)
                .map_err(|e| refuse(&format!("cannot read it ({e})")))?
                .count();
            if entries > 0 {
                let Some(manifest) = shequ_manifest(&target) else {
                    return Err(refuse(&format!(
                        "is a folder holding {entries} entr{} and no manifest.json written by shequ, so it is not an earlier shequ result",
                        if entries == 1 { "y" } else { "ies" }
                    )));
                };
                let foreign = foreign_entries(&target, &manifest)
                    .map_err(|e| refuse(&format!("cannot read it ({e})")))?;
                if !foreign.is_empty() {
                    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
                    return Err(refuse(&format!(
                        "is an earlier shequ result but also holds what shequ did not write ({}{}); move that away first",
                        shown.join(", "),
                        if foreign.len() > 5 { ", ..." } else { "" }
                    )));
                }
            }
            writable(&target).map_err(|e| refuse(&format!("cannot be replaced ({e})")))?;
        }
    }
    // The nearest existing folder: the parent, or where the missing parents would be made.
    let mut existing = parent.as_path();
    while fs::symlink_metadata(existing).is_err() {
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
    }
    if !existing.is_dir() {
        return Err(refuse(&format!(
            "{} is a file, so no folder can be made in it",
            existing.display()
        )));
    }
    writable(existing).map_err(|e| {
        refuse(&format!(
            "cannot write in {} ({e})",
            if existing == Path::new(".") {
                "the current folder".to_string()
            } else {
                existing.display().to_string()
            }
        ))
    })?;
    let limit = name_max(existing);
    if name.len() + SIBLING_EXTRA > limit {
        return Err(refuse(&format!(
            "the name is {} bytes long; this file system allows {limit} and shequ needs {SIBLING_EXTRA} more for its temporary folder beside it, so at most {} bytes",
            name.len(),
            limit.saturating_sub(SIBLING_EXTRA)
        )));
    }
    let absolute = std::path::absolute(&target).unwrap_or_else(|_| target.clone());
    // Room for the temporary name and the files inside (plots/NAME.svg) within PATH_MAX.
    let path_limit = usize::try_from(libc::PATH_MAX).unwrap_or(4096) - 2 * SIBLING_EXTRA - 64;
    if absolute.as_os_str().len() > path_limit {
        return Err(refuse(&format!(
            "the path is {} bytes long; at most {path_limit} bytes",
            absolute.as_os_str().len()
        )));
    }
    fs::create_dir_all(&parent)
        .map_err(|e| refuse(&format!("cannot create {} ({e})", parent.display())))?;
    let lock_path = parent.join(format!(".{name}.lock"));
    let lock = lock(&lock_path, &target, &refuse)?;
    remove_stale(&parent, &name);
    let tmp = parent.join(format!(
        ".{name}.tmp-{}-{:08x}",
        std::process::id(),
        nonce()
    ));
    let mut claim = Claim {
        out: target,
        tmp: tmp.clone(),
        lock_path,
        lock: Some(lock),
    };
    if let Err(e) = fs::create_dir(&tmp) {
        claim.tmp = PathBuf::new();
        return Err(refuse(&format!("cannot create {} ({e})", tmp.display())));
    }
    fs::write(tmp.join(MARKER), b"")
        .map_err(|e| refuse(&format!("cannot write in {} ({e})", tmp.display())))?;
    Ok(claim)
}

/// Takes the lock on `path`, held until the claim is dropped. The file is unlinked while
/// locked when a run ends, so a lock taken on a file that is no longer at `path` is retried.
fn lock(path: &Path, target: &Path, refuse: &dyn Fn(&str) -> Error) -> Result<fs::File, Error> {
    loop {
        let f = fs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| refuse(&format!("cannot create {} ({e})", path.display())))?;
        // flock(LOCK_EX | LOCK_NB), what `File::try_lock` does on Linux (that needs Rust
        // 1.89; this crate builds with 1.85).
        // SAFETY: `f` is an open file for the whole call.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                return Err(Error::Run(format!(
                    "another shequ run is writing {}; try again when it has finished",
                    target.display()
                )));
            }
            return Err(refuse(&format!("cannot lock {} ({e})", path.display())));
        }
        let held = f.metadata().ok().map(|m| (m.dev(), m.ino()));
        let now = fs::metadata(path).ok().map(|m| (m.dev(), m.ino()));
        if held.is_some() && held == now {
            return Ok(f);
        }
    }
}

/// A number that differs between claims of one process.
fn nonce() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    t ^ std::process::id().rotate_left(16)
}

/// Whether process `pid` is alive (`/proc/PID`; taken as alive where there is no /proc).
fn alive(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes `.NAME.tmp-PID…` and `.NAME.old-PID…` folders beside `NAME` left by runs that were
/// killed: their process is gone and they hold [`MARKER`] or a shequ manifest. Nothing else.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes.iter().find_map(|p| file.strip_prefix(p.as_str())) else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(pid) = digits.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && alive(pid) {
            continue;
        }
        let p = e.path();
        let is_dir = fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir());
        if is_dir && (p.join(MARKER).is_file() || shequ_manifest(&p).is_some()) {
            remove_marked(&p);
        }
    }
}
