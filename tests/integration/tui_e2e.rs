//! The real binary in a real terminal (a pseudo-terminal the test drives): practice three
//! questions and quit, signals, a kill in the middle of an exam, a panic.

use rustix::process::Signal;

use crate::pty::{Pty, fixture_args};
use crate::util::{fixtures, run, stdout};

#[test]
fn practice_three_questions_in_a_terminal_then_quit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("e2e.db");
    // Skill 1.1.1 has three single-answer questions.
    let mut t = Pty::start(&fixture_args(&db, &["practice", "--skill", "1.1.1", "--count", "3"]));
    for n in 1..=3 {
        t.wait_for(&format!("question {n} of 3"));
        t.wait_for("Enter submit");
        t.keys(&["a", "Enter"]);
        t.wait_for("saved");
        t.keys(&["Enter"]);
    }
    t.wait_for("3 answered");
    // Esc leaves the summary for home (Enter would open a missed question, if any).
    t.keys(&["Escape"]);
    t.wait_for("Review due cards");
    t.keys(&["q"]);
    let exit = t.wait_exit();
    assert_eq!(exit.code, 0, "{exit:?} {}", t.screen());
    assert!(!t.alternate_on(), "the terminal left the alternate screen");
    let o = run(&[
        "--db",
        db.to_str().expect("utf8"),
        "--content",
        fixtures().join("valid").to_str().expect("utf8"),
        "--exam",
        "TST-C01",
        "stats",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["reviews"], 3, "{v}");
    assert_eq!(v["seen"], 3);
    assert_eq!(v["domains"][0]["answered"], 3);
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("sig.db");
    let mut t = Pty::start(&fixture_args(&db, &[]));
    t.wait_for("Review due cards");
    assert!(t.alternate_on(), "the app is on the alternate screen");
    t.signal(Signal::TERM);
    t.wait_exit();
    assert!(!t.alternate_on(), "the terminal left the alternate screen");
}

#[test]
fn exam_survives_sigkill_and_resumes_with_every_answer_and_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("exam.db");
    let cmd = |args: &[&str]| {
        let mut v = vec!["--db".to_string(), db.display().to_string()];
        v.extend(args.iter().map(|s| s.to_string()));
        v
    };
    let mut t = Pty::start(&cmd(&["exam", "--seed", "42"]));
    t.wait_for("65 items, of which 50 are scored");
    t.keys(&["Enter"]);
    t.wait_for("Question 1 of 65");
    t.keys(&["a", "n"]);
    t.wait_for("Question 2 of 65");
    t.keys(&["b", "m", "n"]);
    t.wait_for("Question 3 of 65");
    t.keys(&["m"]);
    t.wait_for("answered 2 · marked 2");
    t.signal(Signal::KILL);
    let exit = t.wait_exit();
    assert!(exit.signal.is_some(), "killed by a signal: {exit:?}");
    drop(t);

    let o = run(&["--db", db.to_str().expect("utf8"), "stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["exam_in_progress"]["answered"], 2, "{v}");
    assert_eq!(v["exam_in_progress"]["flagged"], 2);
    assert!(v["exam_in_progress"]["remaining_seconds"].as_i64().expect("secs") > 129 * 60);

    let mut t = Pty::start(&cmd(&["exam"]));
    t.wait_for("You have an unfinished mock exam");
    t.wait_for("2 of 65 answered · 2 marked");
    t.keys(&["y"]);
    let screen = t.wait_for("Question 3 of 65");
    assert!(screen.contains("answered 2 · marked 2 · ⚑ marked"), "{screen}");
    t.keys(&["p"]);
    let screen = t.wait_for("Question 2 of 65");
    assert!(screen.contains("(•) B.") || screen.contains("[x] B."), "{screen}");
    // Opened straight from the command line: q pauses the exam and goes back to the shell.
    t.keys(&["q"]);
    assert_eq!(t.wait_exit().code, 0);
    drop(t);
    // --resume goes straight back in.
    let t = Pty::start(&cmd(&["exam", "--resume"]));
    t.wait_for("Question 2 of 65");
}

#[test]
fn a_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("panic.db");
    let mut t = Pty::start_with(
        &fixture_args(&db, &[]),
        &[("CLOUDPREP_DEV_PANIC_AFTER_MS", "700")],
        100,
        30,
    );
    t.wait_for("Review due cards");
    let exit = t.wait_exit();
    let screen = t.wait_for("deliberate panic");
    assert_ne!(exit.code, 0, "{exit:?}");
    assert!(!t.alternate_on(), "{screen}");
}

/// Input that arrives in a burst (a paste) is handled at once, not one event per tick: a
/// 40-character search appears well before the four events a second it used to take (10 s).
#[test]
fn a_pasted_search_appears_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("paste.db");
    let mut t = Pty::start(&fixture_args(&db, &[]));
    t.wait_for("Review due cards");
    t.keys(&["/"]);
    t.wait_for("Search");
    let query = "alarm notify email address on call team x";
    assert_eq!(query.len(), 41);
    let start = std::time::Instant::now();
    t.send(query.as_bytes());
    t.wait_for(query);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "the paste took {:?} to appear",
        start.elapsed()
    );
}
