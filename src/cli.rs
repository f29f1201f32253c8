//! The command line (clap). Parsing only; [`crate::run`] carries the commands out.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cloudprep",
    version,
    about = "Study for the AWS Certified CloudOps Engineer - Associate exam (SOA-C03) in your terminal",
    long_about = "cloudprep: practice questions with full feedback, FSRS-6 spaced repetition, weak-area drills \
                  and timed mock exams for SOA-C03. Run without a command to open the home screen."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// SQLite database file [default: <data dir>/cloudprep/cloudprep.db]
    #[arg(long, global = true, env = "CLOUDPREP_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Load content from this folder instead of the built-in bank
    #[arg(long, global = true, env = "CLOUDPREP_CONTENT", value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Exam pack to use
    #[arg(long, global = true, default_value = "SOA-C03", value_name = "CODE")]
    pub exam: String,
    /// Config file [default: <config dir>/cloudprep/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Practice session with immediate feedback
    Practice(PracticeArgs),
    /// Spaced-repetition review of what is due
    Review,
    /// Practice aimed at your weakest skills
    Drill {
        /// Number of questions [default: drill_count of the config, 10]
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=500))]
        count: Option<u32>,
    },
    /// Timed mock exam (65 questions, 130 minutes)
    Exam(ExamArgs),
    /// Past mock exams, each with its full report
    History,
    /// Progress without the TUI
    Stats {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Check the content and print its coverage against the blueprint
    Validate {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Export what you did (JSON), your review history (CSV) or the bank as an Anki deck (apkg)
    Export {
        /// json: everything you did; csv: your review history; apkg: the question bank as an Anki deck (needs -o)
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Output file [default: standard output]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Fit FSRS parameters to your own reviews
    Optimize,
    /// The effective settings and where each came from
    Config,
    /// Your plan to the exam date: new questions and reviews a day, mock-exam days, on track or not
    Plan {
        /// Set the exam date (year-month-day, e.g. 2027-01-20); saved for the next runs
        #[arg(long, value_name = "DATE", conflicts_with = "clear")]
        date: Option<String>,
        /// Forget the saved exam date
        #[arg(long)]
        clear: bool,
    },
    /// Questions you reported as wrong or unclear
    Reports,
    /// Write a question of your own in $EDITOR
    NewQuestion {
        /// The skill the question tests, e.g. 1.1.3 (`cloudprep validate` lists them)
        #[arg(long, value_name = "ID")]
        skill: String,
    },
    /// Shell completions on standard output
    Completions {
        /// bash, zsh, fish, elvish or powershell
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// The man page (roff) on standard output
    Man,
    /// (development) Answer questions in a loop through the app's own save paths, printing
    /// `ack review N` / `ack exam N` once each answer is committed; for crash tests
    #[command(hide = true)]
    DevAnswerLoop {
        /// Answers to give (review answers and exam answers alternate)
        #[arg(long, default_value_t = 1000)]
        answers: u64,
        /// Milliseconds to sleep between answers
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
    },
    /// (development) Write a synthetic bank of N questions (copies of the pack's, new ids) as a
    /// content tree, for benchmarks
    #[command(hide = true)]
    DevGenerateBank {
        #[arg(long, default_value_t = 10_000)]
        questions: usize,
        /// Output folder (created); it receives <pack>/exam.yaml and <pack>/questions/*.yaml
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// (development) Fill the database with a simulated learner's history
    #[command(hide = true)]
    DevGenerate {
        /// Reviews to write
        #[arg(long, default_value_t = 2000)]
        reviews: u64,
        /// Spread over this many days, ending today
        #[arg(long, default_value_t = 60)]
        days: u32,
        /// Finished mock exams to write
        #[arg(long, default_value_t = 3)]
        exams: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Args, Clone, Default)]
pub struct PracticeArgs {
    /// Only this domain (e.g. 1)
    #[arg(long, value_name = "ID")]
    pub domain: Option<String>,
    /// Only this task (e.g. 1.2)
    #[arg(long, value_name = "ID")]
    pub task: Option<String>,
    /// Only this skill (e.g. 1.2.3)
    #[arg(long, value_name = "ID")]
    pub skill: Option<String>,
    /// Number of questions [default: practice_count of the config, 10]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: Option<u32>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ExamArgs {
    /// Resume the unfinished exam directly
    #[arg(long)]
    pub resume: bool,
    /// No clock
    #[arg(long)]
    pub untimed: bool,
    // Checked by the exam command, not clap, so that a bad value exits 1 with one line.
    /// Extra minutes on the clock, 0-120 (AWS grants 30 to non-native English speakers)
    #[arg(long, value_name = "N")]
    pub extra_minutes: Option<String>,
    /// Draw the same exam again: the same seed gives the same questions and order
    #[arg(long, value_name = "N")]
    pub seed: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Apkg,
}

impl ExamArgs {
    /// `--extra-minutes`, checked: 0 to 120.
    pub fn extra_minutes(&self) -> Result<u32, ArgError> {
        match &self.extra_minutes {
            None => Ok(0),
            Some(s) => match s.trim().parse::<u32>() {
                Ok(n) if n <= 120 => Ok(n),
                _ => Err(ArgError::ExtraMinutes(s.clone())),
            },
        }
    }

    /// `--seed`, checked: a whole number.
    pub fn seed(&self) -> Result<Option<u64>, ArgError> {
        match &self.seed {
            None => Ok(None),
            Some(s) => s.trim().parse::<u64>().map(Some).map_err(|_| ArgError::Seed(s.clone())),
        }
    }
}

/// A flag value the command checks itself (so that it exits 1 with one line): the value as
/// given and what to give instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    #[error("--extra-minutes {0:?}: give a whole number of minutes from 0 to 120")]
    ExtraMinutes(String),
    #[error("--seed {0:?}: give a whole number from 0 to {max}", max = u64::MAX)]
    Seed(String),
}
