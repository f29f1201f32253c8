//! cloudprep: a terminal study app for the AWS Certified CloudOps Engineer - Associate exam.
//!
//! Map of the modules, cut so that each outside thing has one owner:
//! - [`model`]: the domain types (exam blueprint, questions). Pure.
//! - [`content`]: loading and validating packs. The only module that knows YAML.
//! - [`store`]: the SQLite database. The only module that knows rusqlite; `store::anki` writes
//!   the Anki collection of an `.apkg` too, so that stays true.
//! - [`srs`]: FSRS-6 scheduling through the `fsrs` crate. Pure; time is a parameter.
//! - [`mastery`]: per-skill mastery estimates. Pure.
//! - [`session`]: which questions a session serves (practice, review, drill). Pure.
//! - [`mock`]: mock exams: assembly by the blueprint, scoring, the clock. Pure; time is a parameter.
//! - [`anki`]: the bank as an Anki deck (fields, HTML, tags, decks, stable ids). Pure.
//! - [`readiness`]: predicted scaled score and pass probability with its uncertainty, per-domain
//!   evidence, repeats and forgetting. Pure.
//! - [`plan`]: the plan to the exam date (new questions and reviews a day, mock days). Pure.
//! - [`study`]: the study service over the store, the content and the scheduler: dashboard and
//!   stats views, the queues of review, practice and drill, saving, re-rating and undoing an
//!   answer, mock exams from assembly to their stored result, mastery, readiness, bookmarks and
//!   notes. Returns data; the TUI makes screens of it.
//! - [`tui`]: the terminal UI. `tui` itself is the runtime (the loop, the terminal guard,
//!   signals); `tui::shell`: the [`tui::Shell`], which carries out effects through the service
//!   and answers each with actions. `tui::app`: the app's state, `Action`, `Effect` and the pure `update`,
//!   the only writer of that state, dispatching to the screens. `tui::screens::*`: one file per
//!   screen (home, picker, study, summary, notice, search, exam, exam_intro, resume, report,
//!   history, stats), each with its state, its key table (`bindings`), `update`, `render` and
//!   `title`; `tui::bindings`: the table type, from which the keys, the footer and the `?` help
//!   are all generated; `tui::keys`: raw events to actions (through the tables, text boxes,
//!   the mouse); `tui::question`: the question and its feedback, shared by every screen that
//!   shows one; `tui::input`: the text box; `tui::list`: the list cursor; `tui::view`: the
//!   frame, the theme and the help overlay.
//! - [`cli`]: the command line (clap). [`commands`]: the non-interactive commands.
//! - [`dev`]: the hidden development commands (`dev-generate`, `dev-generate-bank`,
//!   `dev-answer-loop`), kept out of the commands a learner runs.
//! - [`error`]: the one error type, [`Error`]: each module's own error (config, store, the
//!   content's list, flags) gathered, and the one place errors map to exit codes. Every module
//!   returns it, the interactive shell too; nothing uses `anyhow`.
//!
//! `main.rs` only parses arguments and prints an error's [`Error::report`], exiting with its
//! [`Error::exit_code`].

pub mod anki;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod dev;
pub mod error;
pub mod mastery;
pub mod mock;
pub mod model;
pub mod plan;
pub mod readiness;
pub mod session;
pub mod srs;
pub mod store;
pub mod study;
pub mod tui;

use chrono::Utc;

use cli::{Cli, Command};
pub use error::{Error, Result};

/// Writes to standard output. A closed pipe (`cloudprep stats | head`) is not an error: the
/// reader has what it wanted.
pub(crate) fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The config file, validated the same way for every command that reads settings.
fn load_config(g: &cli::Global) -> Result<config::Config> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(config::load(g.config.as_deref(), no_color)?)
}

/// Opens what the study commands need: config, content, store, scheduler.
pub(crate) fn shell(g: &cli::Global) -> Result<(tui::Shell, config::Config)> {
    let (svc, cfg) = service(g)?;
    Ok((tui::Shell::new(svc), cfg))
}

/// The study service every command that reads or writes the learner's data works through:
/// the config, the content, the database and the scheduler, opened once.
fn service(g: &cli::Global) -> Result<(study::Service, config::Config)> {
    let cfg = load_config(g)?;
    let pack = commands::load_pack(g)?;
    build_service(g, cfg, pack)
}

/// [`shell`] for the TUI: while the content loads (tens of milliseconds for a large bank), the
/// dashboard's facts are read from an existing database through a read-only connection, which
/// cannot touch the file, so content with errors still never touches the database. Nothing is
/// read when there is no database yet; a failed read is simply redone after.
fn shell_for_tui(g: &cli::Global) -> Result<(tui::Shell, config::Config, Option<commands::DashboardFacts>)> {
    let cfg = load_config(g)?;
    let db = commands::db_path(g)?;
    let code = g.exam.to_uppercase();
    let now = Utc::now();
    let (pack, facts) = std::thread::scope(|s| {
        let loading = s.spawn(|| commands::load_pack(g));
        let facts = db
            .is_file()
            .then(|| store::Store::open_read_only(&db).ok())
            .flatten()
            .and_then(|st| commands::dashboard_facts(&st, &code, now, cfg.exam_date.value).ok());
        let pack = loading
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("loading the content failed".into())));
        (pack, facts)
    });
    let (svc, cfg) = build_service(g, cfg, pack?)?;
    Ok((tui::Shell::new(svc), cfg, facts))
}

/// [`service`] for the commands that never schedule a card (the exports, `optimize`,
/// `reports`): they do not read the learner's FSRS parameters, so that unreadable ones can
/// still be exported and fitted again.
fn data_service(g: &cli::Global) -> Result<study::Service> {
    let cfg = load_config(g)?;
    let pack = commands::load_pack(g)?;
    let store = commands::open_store(g)?;
    let sched = srs::Scheduler::default_params();
    Ok(study::Service::new(
        store,
        std::rc::Rc::new(pack),
        sched,
        settings(&cfg),
        0,
    ))
}

/// The study settings of the config file.
fn settings(cfg: &config::Config) -> study::StudySettings {
    study::StudySettings {
        new_per_day: cfg.new_cards_per_day.value,
        retention: cfg.desired_retention.value,
        color: cfg.theme.value != config::Theme::None,
        light: cfg.theme.value == config::Theme::Light,
        practice_count: cfg.practice_count.value,
        drill_count: cfg.drill_count.value,
        keys: cfg.keys.clone(),
        exam_untimed: cfg.exam_untimed.value,
        exam_extra_minutes: cfg.exam_extra_minutes.value,
        exam_date: cfg.exam_date.value,
    }
}

fn build_service(g: &cli::Global, cfg: config::Config, pack: model::Pack) -> Result<(study::Service, config::Config)> {
    let store = commands::open_store(g)?;
    let params = commands::fsrs_params(&store)?;
    let sched = srs::Scheduler::new(&params, cfg.desired_retention.value)?;
    let settings = settings(&cfg);
    let seed = Utc::now().timestamp_subsec_nanos() as u64;
    let svc = study::Service::new(store, std::rc::Rc::new(pack), sched, settings, seed);
    Ok((svc, cfg))
}

fn run_tui(g: &cli::Global, start: impl FnOnce(&tui::Shell, &config::Config) -> Result<tui::Start>) -> Result<i32> {
    let (shell, cfg, facts) = shell_for_tui(g)?;
    let start = start(&shell, &cfg)?;
    // Checked after the content and the flags, whose errors say more.
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(Error::NeedsTerminal);
    }
    let seed = Utc::now().timestamp_nanos_opt().unwrap_or(0) as u64;
    tui::run(shell, start, seed, facts)
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let g = &cli.global;
    let now = Utc::now();
    match cli.command {
        Some(Command::Validate { json }) => {
            let mut out = String::new();
            let code = commands::validate(g, json, &mut out)?;
            emit(&out)?;
            Ok(code)
        }
        Some(Command::Stats { json }) => {
            let (svc, _) = service(g)?;
            let s = svc.stats(now)?;
            if json {
                emit(&(serde_json::to_string_pretty(&s)? + "\n"))?;
            } else {
                emit(&commands::stats_text(&s, &svc.pack))?;
            }
            Ok(0)
        }
        Some(Command::Plan { date, clear }) => {
            let (svc, cfg) = service(g)?;
            emit(&commands::plan_command(
                &svc.store,
                &svc.pack,
                &cfg,
                date.as_deref(),
                clear,
                now,
            )?)?;
            Ok(0)
        }
        Some(Command::Config) => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let cfg = config::load(g.config.as_deref(), no_color)?;
            emit(&cfg.describe())?;
            Ok(0)
        }
        None => run_tui(g, |_, _| Ok(tui::Start::Home)),
        Some(Command::Practice(a)) => run_tui(g, |sh, cfg| {
            let filter = session::Filter::from_flags(
                &sh.pack.exam,
                a.domain.as_deref(),
                a.task.as_deref(),
                a.skill.as_deref(),
            )?;
            let count = a.count.map(|c| c as usize).unwrap_or(cfg.practice_count.value);
            Ok(tui::Start::Practice(filter, count))
        }),
        Some(Command::Review) => run_tui(g, |_, _| Ok(tui::Start::Review)),
        Some(Command::Drill { count }) => run_tui(g, |_, cfg| {
            Ok(tui::Start::Drill(
                count.map(|c| c as usize).unwrap_or(cfg.drill_count.value),
            ))
        }),
        Some(Command::Exam(args)) => {
            let extra = args.extra_minutes()?;
            let seed = args.seed()?;
            let opts = tui::app::ExamOptions {
                seed,
                untimed: args.untimed.then_some(true),
                extra_minutes: args.extra_minutes.is_some().then_some(extra),
                resume: args.resume,
            };
            run_tui(g, move |sh, _| {
                if opts.resume && sh.store.exam_in_progress(&sh.pack.exam.code)?.is_none() {
                    return Err(Error::Usage("there is no unfinished mock exam to resume".into()));
                }
                Ok(tui::Start::Exam(opts))
            })
        }
        Some(Command::History) if !std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            // Not a terminal (a pipe, cron, `ssh host cmd`): a plain list.
            let (svc, _) = service(g)?;
            emit(&commands::history_text(&svc.store, &svc.pack)?)?;
            Ok(0)
        }
        Some(Command::History) => run_tui(g, |_, _| Ok(tui::Start::History)),
        Some(Command::Export { format, output }) => {
            let text = match format {
                cli::ExportFormat::Apkg => {
                    // The bank, not the learner's data: no database is opened.
                    let path = output.ok_or_else(|| {
                        Error::Usage("export --format apkg needs -o FILE.apkg (an Anki deck is a binary file)".into())
                    })?;
                    let pack = commands::load_pack(g)?;
                    store::anki::write_apkg(&anki::build(&pack), &path, now)?;
                    return Ok(0);
                }
                cli::ExportFormat::Json => {
                    let svc = data_service(g)?;
                    commands::export_json(&svc.store, svc.code(), Some(&svc.pack))?
                }
                cli::ExportFormat::Csv => {
                    let svc = data_service(g)?;
                    commands::export_csv(&svc.store, svc.code())?
                }
            };
            commands::write_output(output.as_deref(), &text)?;
            Ok(0)
        }
        Some(Command::Optimize) => {
            let svc = data_service(g)?;
            let mut out = String::new();
            commands::optimize(&svc.store, svc.code(), &mut out)?;
            emit(&out)?;
            Ok(0)
        }
        Some(Command::Reports) => {
            let svc = data_service(g)?;
            emit(&commands::reports_text(&svc.store, &svc.pack)?)?;
            Ok(0)
        }
        Some(Command::NewQuestion { skill }) => {
            emit(&commands::new_question(g, &skill)?)?;
            Ok(0)
        }
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "cloudprep", &mut buf);
            emit(&String::from_utf8_lossy(&buf))?;
            Ok(0)
        }
        Some(Command::DevAnswerLoop { answers, pause_ms }) => dev::answer_loop_command(g, answers, pause_ms),
        Some(Command::DevGenerateBank { questions, out }) => dev::generate_bank_command(g, questions, &out),
        Some(Command::DevGenerate {
            reviews,
            days,
            exams,
            seed,
        }) => dev::generate_command(g, reviews, days, exams, seed, now),
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            let mut out = Vec::new();
            man.render(&mut out)?;
            emit(&String::from_utf8_lossy(&out))?;
            Ok(0)
        }
    }
}
