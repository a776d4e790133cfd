//! `shequ slurm` on a real one-node Slurm cluster: tests/slurm/cluster.sh starts munged,
//! slurmctld and slurmd in a temporary folder (root and the Debian packages slurm-wlm and
//! munge needed: .ci/run installs them), `submit.sh` submits the job array of 3 tasks and
//! the merge job chained with --dependency=afterok, for a sweep and a sensitivity study at
//! once, and each merged folder must equal the same command run on one machine. Where
//! Slurm cannot start, the test fails: it does not skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::plan::{SWEEP, assert_same_output};
use crate::util::{
    OWNERS_SPACE, ROOT, make_plan, path_str as s, run_ok, sensitivity_args, text, with,
};

/// Stops the cluster's daemons by their pid files when the test ends, even on failure.
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn script() -> PathBuf {
        Path::new(ROOT).join("tests/slurm/cluster.sh")
    }

    fn start(dir: &Path) -> Cluster {
        let c = Cluster {
            dir: dir.to_path_buf(),
        };
        let o = Command::new("bash")
            .arg(Self::script())
            .args(["start", s(dir)])
            .output()
            .expect("cannot run tests/slurm/cluster.sh");
        assert!(
            o.status.success(),
            "a one-node Slurm cluster could not start (this test needs root and `apt-get install slurm-wlm munge`, as .ci/run does):\n{}\n{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        c
    }

    fn conf(&self) -> PathBuf {
        self.dir.join("slurm.conf")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(Self::script())
            .args(["stop", s(&self.dir)])
            .status();
    }
}

#[test]
fn a_real_slurm_array_and_merge_job_give_the_one_machine_sweep_and_sensitivity_run() {
    let d = tempfile::tempdir().unwrap();
    // munged runs as user munge: its folder must be reachable.
    std::fs::set_permissions(
        d.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let cluster = Cluster::start(&d.path().join("cluster"));
    let space = d.path().join("space.toml");
    std::fs::write(&space, OWNERS_SPACE).unwrap();
    let sens = sensitivity_args(s(&space), &["--method", "sobol", "--n", "4"]);
    // A sweep and a sensitivity study, each planned and submitted as an array of tasks
    // and a merge job; both run on the cluster at once.
    let studies: [(&str, &[&str], &[&str], usize); 2] = [
        ("sweep", &["sweep"], &SWEEP, 3),
        ("sensitivity", &["sensitivity", "run"], &sens, 2),
    ];
    let mut plans = Vec::new();
    for (kind, command, args, tasks) in studies {
        let one = d.path().join(format!("one-{kind}"));
        run_ok(&with(command, &with(args, &["--out", s(&one)])));
        let plan = d.path().join(format!("plan-{kind}"));
        make_plan(kind, args, &plan);
        run_ok(&[
            "slurm",
            s(&plan),
            "--tasks",
            &tasks.to_string(),
            "--max-running",
            "2",
            "--time",
            "5:00",
        ]);
        let o = Command::new("sh")
            .arg(plan.join("submit.sh"))
            .env("SLURM_CONF", cluster.conf())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "submit.sh: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        assert!(
            text(&o.stdout).contains("submitted job array"),
            "{}",
            text(&o.stdout)
        );
        plans.push((one, plan, tasks));
    }
    let started = Instant::now();
    for (one, plan, tasks) in plans {
        let manifest = plan.join("result").join("manifest.json");
        while !manifest.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(180),
                "the merge job of {} did not finish in 180 s; squeue:\n{}\nlogs: {:?}",
                plan.display(),
                Command::new("squeue")
                    .env("SLURM_CONF", cluster.conf())
                    .output()
                    .map(|o| text(&o.stdout))
                    .unwrap_or_default(),
                std::fs::read_dir(plan.join("logs")).map(|r| r.count())
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        for task in 1..=tasks {
            assert!(plan.join("logs").join(format!("task-{task}.out")).exists());
        }
        assert_same_output(&one, &plan.join("result"));
    }
}
