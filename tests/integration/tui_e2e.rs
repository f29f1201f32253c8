//! The real binary in a real terminal (tmux): practice three questions, quit, and check the
//! store and the terminal.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::{fixtures, run, stdout};

/// A tmux session that is killed when dropped.
pub struct Tmux {
    pub name: String,
}

fn timeout() -> Duration {
    let s = std::env::var("CLOUDPREP_TMUX_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(s)
}

impl Tmux {
    /// Starts `command` in a detached 100x30 session. After the command exits the pane prints
    /// `EXIT=<status>` and stays, so that the status and the screen can be read.
    pub fn start(name: &str, command: &str) -> Tmux {
        let command = format!("{command}; echo EXIT=$?; sleep 600");
        let name = format!("{name}-{}", std::process::id());
        let _ = Command::new("tmux").args(["kill-session", "-t", &name]).output();
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-x",
                "100",
                "-y",
                "30",
                "-s",
                &name,
                "sh",
                "-c",
                &command,
            ])
            .status()
            .expect("tmux runs (install tmux to run the terminal tests)")
            .success();
        assert!(ok, "tmux new-session failed");
        Tmux { name }
    }

    pub fn capture(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let ok = Command::new("tmux")
                .args(["send-keys", "-t", &self.name, k])
                .status()
                .expect("send-keys");
            assert!(ok.success());
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Waits until the screen contains `text`; panics with the screen after the timeout.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.capture();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn display(&self, format: &str) -> String {
        let o = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.name, format])
            .output()
            .expect("display");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    /// Waits for the app to exit; returns its status.
    pub fn wait_exit(&self) -> i32 {
        let screen = self.wait_for("EXIT=");
        screen
            .lines()
            .find_map(|l| l.trim().strip_prefix("EXIT="))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(-1)
    }
}

impl Tmux {
    /// The pid of the app: the child of the pane's shell.
    pub fn app_pid(&self) -> String {
        let shell = self.display("#{pane_pid}");
        let o = Command::new("pgrep").args(["-P", &shell]).output().expect("pgrep runs");
        let pid = String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        assert!(!pid.is_empty(), "no app process under the pane's shell {shell}");
        pid
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.name]).output();
    }
}

pub fn app_command(db: &Path, args: &str) -> String {
    format!(
        "NO_COLOR=1 {} --db {} --content {} --exam TST-C01 {args}",
        env!("CARGO_BIN_EXE_cloudprep"),
        db.display(),
        fixtures().join("valid").display()
    )
}

#[test]
fn practice_three_questions_in_tmux_then_quit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("e2e.db");
    // Skill 1.1.1 has three single-answer questions.
    let t = Tmux::start("cloudprep-e2e", &app_command(&db, "practice --skill 1.1.1 --count 3"));
    for n in 1..=3 {
        t.wait_for(&format!("question {n} of 3"));
        t.wait_for("Enter submit");
        t.keys(&["a", "Enter"]);
        t.wait_for("saved");
        t.keys(&["Enter"]);
    }
    t.wait_for("3 answered");
    t.keys(&["Enter"]);
    t.wait_for("Review due cards");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0, "{}", t.capture());
    assert_eq!(
        t.display("#{alternate_on}"),
        "0",
        "the terminal left the alternate screen"
    );
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
    let t = Tmux::start("cloudprep-sig", &app_command(&db, ""));
    t.wait_for("Review due cards");
    let target = t.app_pid();
    assert!(
        Command::new("kill")
            .args(["-TERM", &target])
            .status()
            .expect("kill")
            .success()
    );
    t.wait_exit();
    assert_eq!(t.display("#{alternate_on}"), "0");
}

#[test]
fn exam_survives_sigkill_and_resumes_with_every_answer_and_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("exam.db");
    let cmd = |args: &str| {
        format!(
            "NO_COLOR=1 {} --db {} {args}",
            env!("CARGO_BIN_EXE_cloudprep"),
            db.display()
        )
    };
    let t = Tmux::start("cloudprep-exam", &cmd("exam --seed 42"));
    t.wait_for("65 items, of which 50 are scored");
    t.keys(&["Enter"]);
    t.wait_for("Question 1 of 65");
    t.keys(&["a", "n"]);
    t.wait_for("Question 2 of 65");
    t.keys(&["b", "m", "n"]);
    t.wait_for("Question 3 of 65");
    t.keys(&["m"]);
    t.wait_for("answered 2 · marked 2");
    let pid = t.app_pid();
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .expect("kill")
            .success()
    );
    t.wait_for("EXIT=137");
    drop(t);

    let o = run(&["--db", db.to_str().expect("utf8"), "stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["exam_in_progress"]["answered"], 2, "{v}");
    assert_eq!(v["exam_in_progress"]["flagged"], 2);
    assert!(v["exam_in_progress"]["remaining_seconds"].as_i64().expect("secs") > 129 * 60);

    let t = Tmux::start("cloudprep-exam2", &cmd("exam"));
    t.wait_for("You have an unfinished mock exam");
    t.wait_for("2 of 65 answered · 2 marked");
    t.keys(&["y"]);
    let screen = t.wait_for("Question 3 of 65");
    assert!(screen.contains("answered 2 · marked 2 · ⚑ marked"), "{screen}");
    t.keys(&["p"]);
    let screen = t.wait_for("Question 2 of 65");
    assert!(screen.contains("(•) B.") || screen.contains("[x] B."), "{screen}");
    t.keys(&["q"]);
    t.wait_for("Exam in progress");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(), 0);
    drop(t);
    // --resume goes straight back in.
    let t = Tmux::start("cloudprep-exam3", &cmd("exam --resume"));
    t.wait_for("Question 2 of 65");
}

#[test]
fn a_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("panic.db");
    let t = Tmux::start(
        "cloudprep-panic",
        &format!("CLOUDPREP_DEV_PANIC_AFTER_MS=700 {}", app_command(&db, "")),
    );
    let screen = t.wait_for("EXIT=");
    assert!(screen.contains("deliberate panic"), "{screen}");
    assert_eq!(t.display("#{alternate_on}"), "0", "{screen}");
}
