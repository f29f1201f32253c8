//! Study data through the store and the binary: export, optimize, retired questions.

use chrono::{Duration, TimeZone, Utc};
use cloudprep::srs::{Card, Rating, Scheduler};
use cloudprep::store::{ReviewRow, Store};

use crate::util::{fixtures, run, stderr, stdout};

const CODE: &str = "TST-C01";

/// Simulates a learner answering `questions` over `days` days with FSRS scheduling; returns the
/// number of reviews written.
pub fn simulate(store: &mut Store, questions: &[String], days: i64, recall: f64) -> usize {
    let sched = Scheduler::default_params();
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).single().expect("date");
    let mut cards: Vec<Card> = questions.iter().map(|q| Card::new(q, start)).collect();
    let mut n = 0;
    let mut x: u64 = 12345;
    for day in 0..days {
        let now = start + Duration::days(day) + Duration::hours(1);
        for c in cards.iter_mut() {
            if c.due > now && c.reps > 0 {
                continue;
            }
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let ok = ((x >> 33) as f64 / (1u64 << 31) as f64) < recall;
            let rating = if ok { Rating::Good } else { Rating::Again };
            let next = sched.answer(c, rating, now);
            let row = ReviewRow {
                question_id: c.question_id.clone(),
                skill: "1.1.1".into(),
                difficulty: 2,
                reviewed_at: now,
                rating,
                correct: ok,
                mode: cloudprep::model::Mode::Review,
                elapsed_ms: 5000,
                chosen: vec![0],
                exam_id: None,
                phase: Some(c.phase),
            };
            store.record_answer(CODE, &row, &next).expect("save");
            *c = next;
            n += 1;
        }
    }
    n
}

fn args<'a>(db: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let content = Box::leak(fixtures().join("valid").to_string_lossy().into_owned().into_boxed_str());
    let mut v = vec!["--db", db, "--content", content, "--exam", CODE];
    v.extend_from_slice(rest);
    v
}

#[test]
fn optimize_needs_enough_reviews_then_fits_and_stores_parameters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("opt.db");
    let dbs = db.to_str().expect("utf8");
    let mut store = Store::open(&db).expect("open");
    let few: Vec<String> = (0..5).map(|i| format!("q{i}")).collect();
    simulate(&mut store, &few, 3, 0.9);
    drop(store);
    let o = run(&args(dbs, &["optimize"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("more needed"), "{}", stderr(&o));

    let mut store = Store::open(&db).expect("open");
    let many: Vec<String> = (0..60).map(|i| format!("m{i}")).collect();
    let n = simulate(&mut store, &many, 120, 0.85);
    assert!(n >= 400, "{n} reviews");
    drop(store);
    let o = run(&args(dbs, &["optimize"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Old parameters") && out.contains("New parameters") && out.contains("log loss"),
        "{out}"
    );
    assert!(out.contains("Saved"), "{out}");
    let store = Store::open(&db).expect("open");
    let saved = store.setting("fsrs_params").expect("read");
    let p: Vec<f32> = serde_json::from_str(&saved.expect("stored")).expect("json");
    assert_eq!(p.len(), 21);
    // The scheduler accepts them, and the next run starts from them.
    assert!(Scheduler::new(&p, 0.9).is_ok());
    drop(store);
    let o = run(&args(dbs, &["optimize"]));
    assert!(!stdout(&o).contains("FSRS-6 defaults"), "{}", stdout(&o));
}

#[test]
fn export_json_and_csv_hold_reviews_and_cards() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("exp.db");
    let dbs = db.to_str().expect("utf8");
    let mut store = Store::open(&db).expect("open");
    let n = simulate(
        &mut store,
        &["alarm-basic".to_string(), "logs-retention".to_string()],
        5,
        0.7,
    );
    drop(store);
    let o = run(&args(dbs, &["export", "--format", "json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["exam"], CODE);
    assert_eq!(v["reviews"].as_array().expect("reviews").len(), n);
    let r = &v["reviews"][0];
    for k in ["question_id", "reviewed_at", "rating", "correct", "mode", "elapsed_ms"] {
        assert!(!r[k].is_null(), "review lacks {k}");
    }
    assert!(r["reviewed_at"].as_str().expect("time").ends_with('Z'));
    let c = &v["cards"][0];
    for k in [
        "question_id",
        "state",
        "stability",
        "difficulty",
        "due",
        "reps",
        "lapses",
        "last_review",
    ] {
        assert!(!c[k].is_null(), "card lacks {k}");
    }
    assert!(v["exams"].as_array().is_some());
    // To a file, and CSV.
    let out = dir.path().join("h.csv");
    let o = run(&args(
        dbs,
        &["export", "--format", "csv", "-o", out.to_str().expect("utf8")],
    ));
    assert_eq!(o.status.code(), Some(0));
    let csv = std::fs::read_to_string(&out).expect("csv");
    assert!(csv.starts_with("question_id,skill,reviewed_at,rating,correct,mode,elapsed_ms,chosen\n"));
    assert_eq!(csv.lines().count(), n + 1);
    // An unwritable destination is a clear error.
    let o = run(&args(dbs, &["export", "-o", "/nonexistent-dir/x.json"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot write /nonexistent-dir/x.json"),
        "{}",
        stderr(&o)
    );
}

/// The JSON export holds the bookmarks and notes (RFC 3339 times), each answer's card phase
/// and the time spent on each exam item.
#[test]
fn export_json_holds_bookmarks_notes_phases_and_item_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bn.db");
    let dbs = db.to_str().expect("utf8");
    let mut store = Store::open(&db).expect("open");
    simulate(&mut store, &["alarm-basic".to_string()], 3, 1.0);
    let at = |min: i64| Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).single().expect("date") + Duration::minutes(min);
    store
        .set_bookmark(CODE, "logs-retention", true, at(1))
        .expect("bookmark");
    store.set_bookmark(CODE, "alarm-basic", true, at(0)).expect("bookmark");
    store.set_bookmark(CODE, "dropped", true, at(2)).expect("bookmark");
    store.set_bookmark(CODE, "dropped", false, at(3)).expect("unbookmark");
    store
        .set_note(
            CODE,
            "alarm-basic",
            " Composite alarm = AND/OR of alarms, \"ALARM\" state ✓ \n",
            at(4),
        )
        .expect("note");
    store
        .set_note(CODE, "logs-retention", "gone soon", at(5))
        .expect("note");
    store
        .set_note(CODE, "logs-retention", "", at(6))
        .expect("an empty note deletes it");
    let item = cloudprep::store::ExamItemRow {
        position: 0,
        question_id: "alarm-basic".into(),
        domain: "1".into(),
        skill: "1.1.1".into(),
        scored: true,
        option_order: vec![0, 1, 2, 3],
        chosen: Vec::new(),
        flagged: false,
        correct: None,
        time_ms: 0,
    };
    let id = store
        .create_exam(CODE, 1, at(10), Some(1_200_000), &[item])
        .expect("exam");
    store.add_exam_item_time(id, 0, 73_000).expect("time");
    drop(store);
    let o = run(&args(dbs, &["export", "--format", "json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        v["bookmarks"],
        serde_json::json!([
            {"question_id": "alarm-basic", "created_at": "2026-02-01T09:00:00Z"},
            {"question_id": "logs-retention", "created_at": "2026-02-01T09:01:00Z"},
        ])
    );
    assert_eq!(
        v["notes"],
        serde_json::json!([{
            "question_id": "alarm-basic",
            "text": "Composite alarm = AND/OR of alarms, \"ALARM\" state ✓",
            "updated_at": "2026-02-01T09:04:00Z",
        }])
    );
    let phases: Vec<&str> = v["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .map(|r| r["phase"].as_str().expect("a phase"))
        .collect();
    assert_eq!(phases.first(), Some(&"new"), "{phases:?}");
    assert!(phases[1..].iter().all(|p| *p != "new"), "{phases:?}");
    assert_eq!(v["exams"][0]["items"][0]["time_ms"], 73_000);
}

#[test]
fn retired_questions_keep_their_history_and_break_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ret.db");
    let dbs = db.to_str().expect("utf8");
    let mut store = Store::open(&db).expect("open");
    simulate(
        &mut store,
        &["alarm-basic".to_string(), "gone-question".to_string()],
        3,
        0.8,
    );
    drop(store);
    let o = run(&args(dbs, &["stats", "--json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["retired"], 1);
    assert_eq!(v["seen"], 1);
    assert!(v["reviews"].as_u64().expect("n") >= 2);
    // The export keeps the retired history.
    let o = run(&args(dbs, &["export"]));
    assert!(stdout(&o).contains("gone-question"));
}
