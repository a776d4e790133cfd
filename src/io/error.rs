//! The one error type of the command line, and the one place it becomes an exit code.

use std::io::Write as _;

use crate::io::scenario::ScenarioError;

/// Exit code for refused input: a bad scenario, argument, option or input file.
pub const EXIT_INPUT: i32 = 2;
/// Exit code for a failure while running or writing, or a failed validation.
pub const EXIT_RUN: i32 = 1;

/// Why a command failed. Its text is printed after `error: `.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused before anything ran: nothing was written. Exit code 2.
    #[error("{0}")]
    Input(String),
    /// Failed while running or writing; an earlier result is left as it was. Exit code 1.
    #[error("{0}")]
    Run(String),
    /// The command ran and printed its verdict (a failed validation case): no message, exit 1.
    #[error("")]
    Verdict,
}

impl Error {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => EXIT_INPUT,
            Error::Run(_) | Error::Verdict => EXIT_RUN,
        }
    }

    /// Refused input, from anything printable.
    pub fn input(e: impl std::fmt::Display) -> Self {
        Error::Input(e.to_string())
    }

    /// A failure while running or writing, from anything printable.
    pub fn run(e: impl std::fmt::Display) -> Self {
        Error::Run(e.to_string())
    }

    /// A thread pool that cannot start: the `--threads` value was refused.
    pub fn threads(threads: Option<usize>, e: impl std::fmt::Display) -> Self {
        match threads {
            Some(t) => Error::Input(format!("cannot start {t} threads: {e}")),
            None => Error::Input(format!("cannot start the thread pool: {e}")),
        }
    }
}

impl From<ScenarioError> for Error {
    fn from(e: ScenarioError) -> Self {
        Error::Input(e.to_string())
    }
}

/// A command's result.
pub type Result<T = ()> = std::result::Result<T, Error>;

/// Prints a failed command's error (if it has a message) and gives its exit code.
pub fn report(e: &Error) -> i32 {
    let text = e.to_string();
    if !text.is_empty() {
        // Not eprintln!: a closed stderr (`shequ … 2>&1 | head -1`) must not panic.
        let _ = writeln!(std::io::stderr(), "error: {text}");
    }
    e.exit_code()
}
