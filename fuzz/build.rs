//! Embeds `../scenarios/*.toml` (the library the fuzz target's inputs may extend).
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    let mut out = String::from("[\n");
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        out.push_str(&format!(
            "({name:?}, include_str!({:?})),\n",
            p.canonicalize().unwrap().display().to_string()
        ));
    }
    out.push(']');
    std::fs::write(
        Path::new(&std::env::var("OUT_DIR").unwrap()).join("library.rs"),
        out,
    )
    .unwrap();
}
