//! The one error type of the library, and the one place that maps errors to exit codes.
//!
//! Each outside thing keeps its own small error where it is met — [`ConfigError`] in
//! `config`, [`StoreError`] and [`ApkgError`] in `store`, [`BankError`] in `content`,
//! [`SchedulerError`] in `srs`, [`FilterError`] in `session`, [`ArgError`] in `cli` — and
//! [`Error`] gathers them, with the content's list of errors and the few messages the
//! commands make themselves. Every user error is one line (the content's list: one line per
//! error, then a summary) that names the file, the line or the flag, and what to do.
//!
//! `main.rs` prints [`Error::report`] after `cloudprep: ` and exits with [`Error::exit_code`].
//! The interactive shell returns these errors too: a failure of the terminal itself (drawing,
//! reading keys) is an [`Error::Io`] with its causes.

use std::fmt::Write as _;

use crate::cli::ArgError;
use crate::config::ConfigError;
use crate::content::{BankError, ContentError};
use crate::session::FilterError;
use crate::srs::SchedulerError;
use crate::store::StoreError;
use crate::store::anki::ApkgError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // ----- the user's to fix: one line (or the content's list), no causes -----
    /// The config file: unreadable, not TOML, an unknown key or a bad value.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The content has errors: one line each, then how many and what to do.
    #[error("{}", content_lines(.0))]
    Content(Vec<ContentError>),
    /// The content gave no pack and no error: names where it was read from.
    #[error("{0}: the exam pack could not be loaded")]
    NoPack(String),
    /// The database: cannot be created or opened, not ours, too new, busy, read-only.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The Anki deck could not be written.
    #[error(transparent)]
    Apkg(#[from] ApkgError),
    /// The synthetic bank (`dev-generate-bank`) could not be written.
    #[error(transparent)]
    Bank(#[from] BankError),
    /// The FSRS parameters or the desired retention are unusable.
    #[error(transparent)]
    Scheduler(#[from] SchedulerError),
    /// A flag value checked by the command rather than clap (`--extra-minutes`, `--seed`).
    #[error(transparent)]
    Arg(#[from] ArgError),
    /// `--domain`, `--task` or `--skill` names no part of the blueprint.
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// The command cannot do what was asked: a missing option, a bad `--date`, nothing to
    /// resume, too few reviews to optimize, the editor of `new-question` failing.
    #[error("{0}")]
    Usage(String),
    /// A file or folder the command writes or must find: the message names it.
    #[error("{0}")]
    File(String),
    /// The command needs a terminal and standard input or output is not one.
    #[error(
        "cloudprep needs a terminal for this command; try `cloudprep stats` (or `cloudprep history`, which prints a list when piped)"
    )]
    NeedsTerminal,
    /// The interactive shell failed (drawing, reading keys, signals): the message with its
    /// causes.
    #[error("{0}")]
    Terminal(String),

    // ----- failures underneath: printed with their causes -----
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A library call that should not fail, or a worker thread that died.
    #[error("{0}")]
    Internal(String),
}

/// The content's errors as the commands print them: one per line, then the count and what to
/// do.
fn content_lines(errors: &[ContentError]) -> String {
    let mut s = String::new();
    for e in errors {
        let _ = writeln!(s, "{e}");
    }
    let _ = write!(
        s,
        "{} content error{}: fix them, then run `cloudprep validate`",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    s
}

impl Error {
    /// The process exit code for this error: the one place they are chosen. Every error exits
    /// 1 today; clap's own usage errors exit 2 before any of this runs, and `validate` returns
    /// 1 as a result (the content has errors), not as an error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_)
            | Error::Content(_)
            | Error::NoPack(_)
            | Error::Store(_)
            | Error::Apkg(_)
            | Error::Bank(_)
            | Error::Scheduler(_)
            | Error::Arg(_)
            | Error::Filter(_)
            | Error::Usage(_)
            | Error::File(_)
            | Error::NeedsTerminal
            | Error::Terminal(_)
            | Error::Io(_)
            | Error::Json(_)
            | Error::Internal(_) => 1,
        }
    }

    /// What `main` prints after `cloudprep: `. A user error is its own message; a failure
    /// underneath gets its causes too, joined by ": " on the same line.
    pub fn report(&self) -> String {
        match self {
            Error::Io(_) | Error::Json(_) | Error::Internal(_) => {
                let mut s = self.to_string();
                let mut cause = std::error::Error::source(self);
                while let Some(c) = cause {
                    let _ = write!(s, ": {c}");
                    cause = c.source();
                }
                s
            }
            _ => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_errors_are_listed_then_counted() {
        let e = |m: &str| ContentError {
            file: "q.yaml".into(),
            line: Some(3),
            question: None,
            message: m.into(),
        };
        assert_eq!(
            Error::Content(vec![e("bad")]).report(),
            "q.yaml:3: bad\n1 content error: fix them, then run `cloudprep validate`"
        );
        assert_eq!(
            Error::Content(vec![e("a"), e("b")]).report(),
            "q.yaml:3: a\nq.yaml:3: b\n2 content errors: fix them, then run `cloudprep validate`"
        );
    }

    #[test]
    fn a_user_error_is_one_line_without_its_cause_repeated() {
        let e = Error::from(StoreError::CreateDir {
            path: "/x".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        });
        assert_eq!(
            e.report(),
            "cannot create the database folder /x: gone; pass --db with a writable path"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn a_failure_underneath_keeps_its_causes() {
        #[derive(Debug, thiserror::Error)]
        #[error("inner")]
        struct Inner;
        let io = std::io::Error::other(anyhow::Error::new(Inner).context("outer"));
        // anyhow's `{:#}` is what main printed before: the same line.
        let before = format!(
            "{:#}",
            anyhow::Error::new(std::io::Error::other(anyhow::Error::new(Inner).context("outer"),))
        );
        assert_eq!(Error::Io(io).report(), before);
    }
}
