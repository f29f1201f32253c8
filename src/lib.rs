//! cloudprep: a terminal study app for the AWS Certified CloudOps Engineer - Associate exam.
//!
//! Map of the modules, cut so that each outside thing has one owner:
//! - [`model`]: the domain types (exam blueprint, questions). Pure.
//! - [`content`]: loading and validating packs. The only module that knows YAML.
//! - [`store`]: the SQLite database. The only module that knows rusqlite.
//! - [`srs`]: FSRS-6 scheduling through the `fsrs` crate. Pure; time is a parameter.
//! - [`mastery`]: per-skill mastery estimates. Pure.
//! - [`readiness`]: predicted scaled score and pass probability with its uncertainty. Pure.
//! - [`cli`]: the command line (clap). [`commands`]: the non-interactive commands.
//!
//! `main.rs` only parses arguments and maps errors to exit codes.

pub mod cli;
pub mod commands;
pub mod content;
pub mod mastery;
pub mod model;
pub mod readiness;
pub mod srs;
pub mod store;

use anyhow::Result;
use chrono::Utc;

use cli::{Cli, Command};
use commands::UserError;

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let g = &cli.global;
    let now = Utc::now();
    match cli.command {
        Some(Command::Validate { json }) => {
            let mut out = String::new();
            let code = commands::validate(g, json, &mut out)?;
            print!("{out}");
            Ok(code)
        }
        Some(Command::Stats { json }) => {
            let pack = commands::load_pack(g)?;
            let store = commands::open_store(g)?;
            let s = commands::stats(&store, &pack, now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                print!("{}", commands::stats_text(&s, &pack));
            }
            Ok(0)
        }
        Some(Command::Exam(args)) => {
            args.extra_minutes().map_err(UserError)?;
            args.seed().map_err(UserError)?;
            commands::not_built("exam")
        }
        Some(Command::Practice(_)) => commands::not_built("practice"),
        Some(Command::Review) => commands::not_built("review"),
        Some(Command::Drill { .. }) => commands::not_built("drill"),
        Some(Command::History) => commands::not_built("history"),
        Some(Command::Export { .. }) => commands::not_built("export"),
        Some(Command::Optimize) => commands::not_built("optimize"),
        Some(Command::Config) => commands::not_built("config"),
        Some(Command::Reports) => commands::not_built("reports"),
        Some(Command::NewQuestion { .. }) => commands::not_built("new-question"),
        Some(Command::Completions { .. }) => commands::not_built("completions"),
        Some(Command::Man) => commands::not_built("man"),
        None => commands::not_built("(the TUI)"),
    }
}
