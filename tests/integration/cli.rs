//! The real binary: help, usage errors, the database, stats.

use crate::util::{assert_no_panic, run, stderr, stdout};

#[test]
fn help_lists_every_subcommand() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for cmd in [
        "practice",
        "review",
        "drill",
        "exam",
        "history",
        "stats",
        "validate",
        "export",
        "optimize",
        "config",
        "reports",
        "new-question",
        "completions",
        "man",
    ] {
        assert!(out.contains(cmd), "--help lacks {cmd}");
    }
    assert!(run(&["--version"]).status.success());
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let o = run(&["--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["stats", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stats_json_on_a_new_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("deep/er/c.db");
    let o = run(&["--db", db.to_str().expect("utf8"), "stats", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["exam"], "SOA-C03");
    assert!(v["questions"].as_u64().expect("n") >= 25);
    assert_eq!(v["seen"], 0);
    assert_eq!(v["reviews"], 0);
    assert_eq!(v["due_now"], 0);
    assert!(v["readiness"].is_null());
    assert!(v["exam_in_progress"].is_null());
    assert_eq!(v["exams"].as_array().map(|a| a.len()), Some(0));
    let d = &v["domains"];
    assert_eq!(d.as_array().expect("domains").len(), 5);
    assert_eq!(d[3]["weight"], 16);
    assert_eq!(d[0]["answered"], 0);
    assert_eq!(d[0]["mastery"], 0.0);
    // No answers: every domain listed without a time, and no true retention yet.
    let t = v["time_by_domain"].as_array().expect("time_by_domain");
    assert_eq!(t.len(), 5);
    assert!(t.iter().all(|x| x["median_ms"].is_null() && x["answers"] == 0), "{t:?}");
    assert_eq!(v["exam_pace_ms"], 120_000);
    assert_eq!(v["true_retention"]["answers"], 0);
    assert!(v["true_retention"]["rate"].is_null());
    assert_eq!(v["true_retention"]["desired"], 0.9);
    assert!(db.exists());
    // The environment variable works too.
    let o = crate::util::bin()
        .env("CLOUDPREP_DB", &db)
        .args(["stats"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("reviews 0"));
    assert!(text.contains("Domain 5  —\n"), "{text}");
    assert!(
        text.contains("True retention: no due reviews answered in 30 days (target 90 %)"),
        "{text}"
    );
}

fn assert_one_line_error(o: &std::process::Output, needle: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    assert_no_panic(o);
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{err}");
}

#[test]
fn unusable_db_paths_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A parent that is a file.
    let file = dir.path().join("afile");
    std::fs::write(&file, "x").expect("write");
    let bad = file.join("c.db");
    assert_one_line_error(
        &run(&["--db", bad.to_str().expect("utf8"), "stats"]),
        "cannot create the database folder",
    );
    // A file that is not a database.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'z'; 4096]).expect("write");
    assert_one_line_error(
        &run(&["--db", junk.to_str().expect("utf8"), "stats"]),
        "is not a cloudprep database",
    );
    // A directory.
    assert_one_line_error(
        &run(&["--db", dir.path().to_str().expect("utf8"), "stats"]),
        "is a directory",
    );
}

#[test]
fn newer_database_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    assert!(run(&["--db", db.to_str().expect("utf8"), "stats"]).status.success());
    assert!(set_user_version(&db, 42), "could not set user_version");
    let before = std::fs::read(&db).expect("read");
    assert_one_line_error(&run(&["--db", db.to_str().expect("utf8"), "stats"]), "newer cloudprep");
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

/// Sets `PRAGMA user_version` by patching the header (offset 60, big-endian), as SQLite stores it.
fn set_user_version(db: &std::path::Path, v: u32) -> bool {
    let Ok(mut bytes) = std::fs::read(db) else { return false };
    if bytes.len() < 64 {
        return false;
    }
    bytes[60..64].copy_from_slice(&v.to_be_bytes());
    std::fs::write(db, bytes).is_ok()
}

#[test]
fn bad_exam_flags_exit_1_with_a_clear_line() {
    assert_one_line_error(&run(&["exam", "--seed", "abc"]), "--seed \"abc\"");
    assert_one_line_error(&run(&["exam", "--extra-minutes", "121"]), "--extra-minutes \"121\"");
}

/// `cloudprep ... | head` closes the pipe early: no panic, no error.
#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("p.db");
    for args in [vec!["validate"], vec!["man"], vec!["stats", "--json"]] {
        let mut child = crate::util::bin()
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        assert_no_panic(&o);
        assert!(
            o.status.success() || o.status.code() == Some(141),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// Without a terminal (cron, `ssh host cmd`, a pipe) the study commands exit 1 with one line,
/// no panic and no stray escape sequence; `history` prints a plain list.
#[test]
fn study_commands_need_a_terminal_and_history_prints_a_list_without_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("t.db");
    let dbs = db.to_str().expect("utf8");
    for cmd in [vec!["review"], vec!["practice"], vec![]] {
        let mut args = vec!["--db", dbs];
        args.extend(cmd.iter());
        let o = run(&args);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("needs a terminal") && err.contains("cloudprep stats"),
            "{err}"
        );
        assert!(!stdout(&o).contains('\x1b'), "no escape sequence on stdout");
    }
    let o = run(&["--db", dbs, "dev-generate", "--reviews", "100", "--exams", "2"]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["--db", dbs, "history"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().filter(|l| l.starts_with('#')).count(), 2, "{out}");
    assert!(out.contains("score") && !out.contains('\x1b'), "{out}");
}

/// Every flag and argument a user can see has a one-line help written for a user (issue 14).
#[test]
fn every_visible_flag_has_help_for_a_user() {
    use clap::CommandFactory;
    let cli = cloudprep::cli::Cli::command();
    let mut missing = Vec::new();
    let check = |cmd: &clap::Command, missing: &mut Vec<String>| {
        for a in cmd.get_arguments() {
            if a.is_hide_set() || matches!(a.get_id().as_str(), "help" | "version") {
                continue;
            }
            match a.get_help().map(|h| h.to_string()) {
                Some(h) if !h.trim().is_empty() && !h.contains("spec") && !h.contains("exits 1") => {}
                other => missing.push(format!("{} --{}: {other:?}", cmd.get_name(), a.get_id())),
            }
        }
    };
    check(&cli, &mut missing);
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        assert!(sub.get_about().is_some(), "{} has no description", sub.get_name());
        check(sub, &mut missing);
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// Every command that reads settings checks the config file the same way (issue 14): `stats`
/// rejects an unknown key as `config` does.
#[test]
fn a_bad_config_file_is_reported_by_every_command_that_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "new_cards_per_dya = 5\n").expect("write");
    let db = dir.path().join("c.db");
    for cmd in [
        ["config"].as_slice(),
        ["stats"].as_slice(),
        ["stats", "--json"].as_slice(),
        ["plan"].as_slice(),
    ] {
        let mut args = vec![
            "--config",
            cfg.to_str().expect("utf8"),
            "--db",
            db.to_str().expect("utf8"),
        ];
        args.extend(cmd);
        let o = run(&args);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains("bad.toml") && err.contains("new_cards_per_dya"),
            "{cmd:?}: {err}"
        );
    }
}
