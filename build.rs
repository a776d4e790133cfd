//! Records the git commit the binary was built from, for run manifests.
//!
//! Cargo reruns a build script whose watched file does not exist on every build, so only
//! files that exist are watched: the git HEAD, the ref it points to, and packed-refs. Outside
//! a checkout only this script is watched (the commit is then empty).
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn watch(path: &Path) {
    if path.is_file() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_default();
    if let Some(dir) = git(&["rev-parse", "--git-dir"]).map(PathBuf::from) {
        let head = dir.join("HEAD");
        watch(&head);
        if let Some(target) = std::fs::read_to_string(&head)
            .ok()
            .and_then(|h| h.strip_prefix("ref: ").map(|r| r.trim().to_string()))
        {
            watch(&dir.join(&target));
            // A worktree keeps its refs in the common directory.
            if let Some(common) = git(&["rev-parse", "--git-common-dir"]).map(PathBuf::from) {
                watch(&common.join(&target));
                watch(&common.join("packed-refs"));
            }
        }
        watch(&dir.join("packed-refs"));
    }
    println!("cargo:rustc-env=SHEQU_GIT_COMMIT={commit}");
}
