//! The `shequ` binary: a thin shell over the library's command line.
fn main() {
    std::process::exit(shequ::io::cli::main_with(std::env::args().collect()));
}
