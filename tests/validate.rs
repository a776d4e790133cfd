//! `shequ validate --quick`: every validation case runs, none fails, and the table names
//! every case. The same cases and tolerances as the full `shequ validate`, with fewer
//! replications (see `src/experiment/validate.rs`). Also `shequ scenarios`.

use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn shequ(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shequ"))
        .current_dir(ROOT)
        .args(args)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("cannot start shequ")
}

/// Every case, by group. A case that disappears from the table fails this test.
const CASES: [&str; 61] = [
    // textbook
    "threshold_cascade_uniform",
    "threshold_cascade_one_changed",
    "bass_curve",
    "constant_hazard_survival",
    "constant_hazard_annual_leaving",
    "visit_queue_makespan",
    // accounting
    "households_conserved",
    "fees_paid_equal_fee_revenue",
    "worker_stock_flow_balance",
    "rates_within_unit_interval",
    // pattern
    "spiral_collection_falls",
    "spiral_quality_falls",
    "spiral_satisfaction_follows",
    "compounds_left_unmanaged",
    "withdrawals_rise",
    "collection_passes_national_average",
    "worker_turnover_18pct",
    "first_year_leaving_29pct",
    "workforce_male_share",
    "workforce_local_share",
    "workforce_college_share",
    "workforce_certified_share",
    "new_estates_slowest_to_warn",
    "old_compounds_slowest_to_help",
    "unhelped_lose_trust",
    // reform
    "pay_floor_lowers_turnover",
    "certificate_allowance_raises_certified",
    "workers_per_250_lowers_workload",
    "localisation_raises_local_share",
    "career_path_fewer_quits",
    "career_path_lowers_turnover",
    "career_path_keeps_talent",
    "work_admission_cuts_admin_load",
    "info_platform_cuts_admin_load",
    "owners_committees_vote_price_rises",
    "owners_committees_keep_firms",
    "three_in_one_raises_mediation",
    "three_in_one_raises_satisfaction",
    "star_rating_raises_quality",
    "purchased_services_raise_managed_share",
    "quasi_property_raises_basic_service",
    "volunteers_10pct_raises_volunteers",
    "split_oversized_lowers_span",
    "reform_grid_moves_fees",
    "reform_workforce_lowers_turnover",
    "reform_workforce_raises_collection",
    "professional_firms_raise_collection",
    "reform_package_raises_collection",
    "grid_250_speeds_warning",
    "drills_command_speeds_warning",
    "info_platform_speeds_warning",
    "reform_grid_speeds_warning",
    "grid_250_helps_vulnerable",
    "volunteers_10pct_help_vulnerable",
    "party_members_help_vulnerable",
    "reform_package_helps_vulnerable",
    "certificate_allowance_reaches_35pct",
    "volunteers_10pct_holds_target",
    "reform_package_reaches_90pct_coverage",
    "reform_workforce_stops_spiral",
    "budget_matched_costs_equal",
];

#[test]
fn validate_quick_passes_every_case() {
    let o = shequ(&["validate", "--quick"]);
    let table = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(0),
        "shequ validate --quick failed\n{table}\n{stderr}"
    );
    for line in table.lines() {
        assert!(!line.contains("FAIL"), "a case failed: {line}\n\n{table}");
    }
    let names: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for case in CASES {
        assert_eq!(
            names.iter().filter(|n| **n == case).count(),
            1,
            "case {case} should appear once in the table:\n{table}"
        );
    }
    let rows = table
        .lines()
        .filter(|l| l.ends_with("pass") || l.ends_with("finding") || l.ends_with("FAIL"))
        .count();
    assert_eq!(rows, CASES.len(), "one row per case:\n{table}");
    assert!(
        table.contains(&format!("{} cases:", CASES.len())),
        "the count line:\n{table}"
    );
    // The header names the columns the issue asks for.
    let header = table.lines().next().unwrap_or("");
    for col in [
        "case",
        "expected",
        "source",
        "simulated",
        "tolerance",
        "result",
    ] {
        assert!(header.contains(col), "column {col} in {header}");
    }
}

#[test]
fn validate_refuses_a_missing_library() {
    let d = tempfile::tempdir().unwrap();
    let o = shequ(&[
        "validate",
        "--quick",
        "--scenarios",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("baseline.toml"));
    assert!(o.stdout.is_empty());
}

#[test]
fn scenarios_lists_the_library_one_line_each() {
    let o = shequ(&["scenarios"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let files: Vec<String> = std::fs::read_dir(format!("{ROOT}/scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml").then(|| p.file_stem().unwrap().to_string_lossy().into())
        })
        .collect();
    assert!(files.len() >= 25, "{files:?}");
    assert_eq!(text.lines().count(), files.len() + 1, "{text}");
    for f in &files {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(f.as_str()))
            .unwrap_or_else(|| panic!("{f} not listed:\n{text}"));
        // Every scenario file of the library has a description.
        assert!(line.trim().len() > f.len() + 10, "no description: {line}");
    }
    // Every file in the library loads, and every reform file names its essay section.
    for f in &files {
        let body = std::fs::read_to_string(format!("{ROOT}/scenarios/{f}.toml")).unwrap();
        assert!(body.starts_with('#'), "{f}.toml has no header comment");
        if f != "baseline" {
            assert!(
                body.contains("extends = \"baseline.toml\""),
                "{f}.toml extends the baseline"
            );
        }
    }
    // A directory that does not exist is refused.
    let o = shequ(&["scenarios", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
}
