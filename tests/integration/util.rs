//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cloudprep"));
    c.env("NO_COLOR", "1")
        .env_remove("CLOUDPREP_DB")
        .env_remove("CLOUDPREP_CONTENT")
        // Keep the developer's own data and config (user content, config file) out of tests.
        .env("XDG_DATA_HOME", "/nonexistent/cloudprep-tests/data")
        .env("XDG_CONFIG_HOME", "/nonexistent/cloudprep-tests/config")
        .env("XDG_CACHE_HOME", "/nonexistent/cloudprep-tests/cache");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Asserts there is no sign of a panic or a backtrace in the output.
pub fn assert_no_panic(o: &Output) {
    let all = format!("{}{}", stdout(o), stderr(o));
    assert!(
        !all.contains("panicked") && !all.contains("RUST_BACKTRACE") && !all.contains("stack backtrace"),
        "{all}"
    );
}

/// Starts a study session the way the shell does: by the action it answers with.
pub fn start_study(
    a: &mut cloudprep::tui::app::App,
    mode: cloudprep::model::Mode,
    title: String,
    queue: Vec<String>,
    now: chrono::DateTime<chrono::Utc>,
) {
    let study = cloudprep::tui::app::Action::Study {
        mode,
        title,
        queue,
        new_ids: Default::default(),
    };
    cloudprep::tui::app::update(a, study, now);
}

/// Tells the app its answer is saved, as the shell does (no rating previews).
pub fn answer_saved(
    a: &mut cloudprep::tui::app::App,
    review_id: i64,
    at: chrono::DateTime<chrono::Utc>,
    card_before: cloudprep::srs::Card,
    card_after: &cloudprep::srs::Card,
) {
    let saved = cloudprep::study::SavedAnswer {
        review_id,
        at,
        card_before,
        card_after: card_after.clone(),
        previews: Vec::new(),
        recall: None,
    };
    cloudprep::tui::app::update(a, cloudprep::tui::app::Action::AnswerSaved(Box::new(saved)), at);
}
