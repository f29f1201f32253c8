//! Fitting in: your own questions, new-question in $EDITOR, completions, man page, config,
//! question reports.

use std::path::Path;

use crate::util::{bin, fixtures, stderr, stdout};

const Q: &str = "questions:
  - id: my-own-question
    skill: \"2.1.1\"
    kind: single
    difficulty: 2
    stem: |
      My own scenario. Which option meets the requirement?
    options:
      - text: The right one
        correct: true
        why: Because it is right.
      - text: Wrong one
        why: Because it is wrong.
      - text: Another wrong one
        why: Also wrong.
      - text: A third wrong one
        why: Wrong as well.
    explanation: |
      The reasoning.
    references:
      - title: Some AWS page
";

fn with_data(data: &Path, args: &[&str]) -> std::process::Output {
    bin().env("XDG_DATA_HOME", data).args(args).output().expect("runs")
}

fn content_args(rest: &[&str]) -> Vec<String> {
    let mut v = vec![
        "--content".to_string(),
        fixtures().join("valid").display().to_string(),
        "--exam".into(),
        "TST-C01".into(),
    ];
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

#[test]
fn own_questions_merge_with_the_bank_and_clashes_name_both_files() {
    let data = tempfile::tempdir().expect("tempdir");
    let qdir = data.path().join("cloudprep/content/tst-c01/questions");
    std::fs::create_dir_all(&qdir).expect("mkdir");
    std::fs::write(qdir.join("mine.yaml"), Q).expect("write");
    let args = content_args(&["validate", "--json"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = with_data(data.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["questions"], 6, "5 built in + 1 of mine");
    // The same id as a built-in question is an error naming both files.
    std::fs::write(qdir.join("clash.yaml"), Q.replace("my-own-question", "alarm-basic")).expect("write");
    let o = with_data(data.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let msg = v["errors"][0].to_string();
    assert!(
        msg.contains("clash.yaml") && msg.contains("one.yaml") && msg.contains("already used"),
        "{msg}"
    );
    // Bad own content stops study commands with the list, like bad built-in content.
    let args = content_args(&["stats"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = with_data(data.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("clash.yaml"));
}

#[test]
fn new_question_opens_the_editor_and_reopens_it_with_the_problems() {
    let data = tempfile::tempdir().expect("tempdir");
    let work = tempfile::tempdir().expect("tempdir");
    let good = work.path().join("good.yaml");
    std::fs::write(&good, Q).expect("write");
    let bad = work.path().join("bad.yaml");
    std::fs::write(&bad, Q.replace("difficulty: 2", "difficulty: 7")).expect("write");
    let seen = work.path().join("seen.txt");
    // A fake editor: first round writes a broken question, second round records what it was
    // shown and writes a good one.
    let editor = work.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nif [ -f {count} ]; then cp \"$1\" {seen}; cp {good} \"$1\"; else touch {count}; cp {bad} \"$1\"; fi\n",
            count = work.path().join("count").display(),
            seen = seen.display(),
            good = good.display(),
            bad = bad.display()
        ),
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let args = content_args(&["new-question", "--skill", "2.1.1"]);
    let o = bin()
        .env("XDG_DATA_HOME", data.path())
        .env("EDITOR", &editor)
        .env_remove("VISUAL")
        .args(&args)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let shown = std::fs::read_to_string(&seen).expect("the editor was reopened");
    assert!(shown.starts_with("# ! cloudprep found problems"), "{shown}");
    assert!(shown.contains("difficulty is 7"), "{shown}");
    let saved = data
        .path()
        .join("cloudprep/content/tst-c01/questions/my-own-question.yaml");
    assert!(saved.exists(), "{}", stdout(&o));
    assert!(!std::fs::read_to_string(&saved).expect("read").contains("# !"));
    // An unknown skill is refused before any editor opens.
    let args = content_args(&["new-question", "--skill", "9.9.9"]);
    let o = bin()
        .env("XDG_DATA_HOME", data.path())
        .env("EDITOR", "false")
        .args(&args)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("valid: 1.1.1, 1.1.2, 2.1.1"), "{}", stderr(&o));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = bin().args(["completions", shell]).output().expect("runs");
        assert_eq!(o.status.code(), Some(0), "{shell}");
        assert!(stdout(&o).contains("new-question"), "{shell}");
    }
    assert_eq!(
        bin()
            .args(["completions", "tcsh"])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(2)
    );
    let o = bin().arg("man").output().expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(
        man.starts_with(".ie") || man.contains(".TH"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(man.contains("cloudprep"));
}

#[test]
fn config_prints_the_effective_settings_and_rejects_bad_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "new_cards_per_day = 7\n").expect("write");
    let o = bin()
        .args(["--config", cfg.to_str().expect("utf8"), "config"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("new_cards_per_day    7") && out.contains("config.toml"),
        "{out}"
    );
    assert!(out.contains("desired_retention    0.90     (default)"), "{out}");
    std::fs::write(&cfg, "new_cards_per_day = 7\nshiny = true\n").expect("write");
    let o = bin()
        .args(["--config", cfg.to_str().expect("utf8"), "config"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("config.toml:2") && err.contains("shiny"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn reports_are_listed_and_exported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db");
    {
        let s = cloudprep::store::Store::open(&db).expect("store");
        // Shown as D, C, B, A; the learner had chosen the option shown as C (original 1).
        s.add_report(
            "TST-C01",
            "logs-retention",
            "Option B is also right",
            chrono::Utc::now(),
            &[3, 2, 1, 0],
            &[1],
        )
        .expect("report");
    }
    let args = content_args(&["--db", db.to_str().expect("utf8"), "reports"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = bin().args(&args).output().expect("runs");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("logs-retention") && stdout(&o).contains("Option B is also right"));
    let args = content_args(&["--db", db.to_str().expect("utf8"), "export"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let v: serde_json::Value = serde_json::from_str(&stdout(&bin().args(&args).output().expect("runs"))).expect("json");
    assert_eq!(v["reports"][0]["question_id"], "logs-retention");
    // What the learner saw: the options by their text in the order shown, and the choice.
    let pack = cloudprep::content::load(
        &cloudprep::content::ContentSource::Dir(crate::util::fixtures().join("valid")),
        "TST-C01",
    )
    .pack
    .expect("pack");
    let q = pack.question("logs-retention").expect("question");
    let shown: Vec<String> = [3, 2, 1, 0]
        .iter()
        .map(|&i| q.options[i].text.trim().to_string())
        .collect();
    assert_eq!(v["reports"][0]["options_shown"], serde_json::json!(shown));
    assert_eq!(v["reports"][0]["chosen"], serde_json::json!([q.options[1].text.trim()]));
    assert_eq!(v["reports"][0]["shown_order"], serde_json::json!([3, 2, 1, 0]));
    let args = content_args(&["--db", db.to_str().expect("utf8"), "reports"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = stdout(&bin().args(&args).output().expect("runs"));
    assert!(out.contains("C. [chosen] "), "{out}");
    assert!(
        out.contains("A. [      ] ") && out.contains(q.options[3].text.trim()),
        "{out}"
    );
}
