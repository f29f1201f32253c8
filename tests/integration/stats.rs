//! Stats and readiness: the JSON and text output, readiness through the real store, and the
//! stats screen's four pages.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use cloudprep::commands;
use cloudprep::content::{self, ContentSource};
use cloudprep::srs::{Card, Rating};
use cloudprep::store::{ReviewRow, Store};
use cloudprep::tui::app::{App, Screen};
use cloudprep::tui::stats::StatsScreen;
use cloudprep::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::util::{run, stderr, stdout};

#[test]
fn readiness_is_null_until_enough_data_then_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let dbs = db.to_str().expect("utf8");
    let o = run(&[
        "--db",
        dbs,
        "dev-generate",
        "--reviews",
        "20",
        "--days",
        "3",
        "--exams",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    assert!(v["readiness"].is_null(), "20 answers are not enough: {v}");
    let o = run(&[
        "--db",
        dbs,
        "dev-generate",
        "--reviews",
        "2000",
        "--days",
        "60",
        "--exams",
        "3",
        "--seed",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    let r = &v["readiness"];
    let p = r["pass_probability"].as_f64().expect("p");
    let lo = r["pass_probability_low"].as_f64().expect("lo");
    let hi = r["pass_probability_high"].as_f64().expect("hi");
    assert!((0.0..=1.0).contains(&p) && lo <= p && p <= hi, "{r}");
    let s = r["predicted_score"].as_i64().expect("score");
    assert!((100..=1000).contains(&s));
    assert_eq!(v["exams"].as_array().expect("exams").len(), 3);
    assert_eq!(v["reviews"], 2020);
    let text = stdout(&run(&["--db", dbs, "stats"]));
    assert!(
        text.contains("pass probability") && text.contains("Last mock exam"),
        "{text}"
    );
}

fn answer(store: &mut Store, qid: &str, skill: &str, correct: bool, at: chrono::DateTime<Utc>) {
    let row = ReviewRow {
        question_id: qid.into(),
        skill: skill.into(),
        difficulty: 2,
        reviewed_at: at,
        rating: Rating::auto(correct),
        correct,
        mode: "practice".into(),
        elapsed_ms: 30_000,
        chosen: vec![0],
        exam_id: None,
    };
    store.record_answer("SOA-C03", &row, &Card::new(qid, at)).expect("save");
}

#[test]
fn more_right_answers_raise_readiness_and_wrong_ones_lower_it() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let mut store = Store::open_in_memory().expect("store");
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).single().expect("date");
    let skills = ["1.1.1", "2.1.1", "3.1.1", "4.1.1", "5.1.1"];
    for i in 0..40 {
        answer(
            &mut store,
            &format!("q{i}"),
            skills[i % 5],
            i % 4 != 0,
            now - Duration::hours(i as i64),
        );
    }
    let base = commands::readiness(&store, &pack, now)
        .expect("r")
        .expect("enough data");
    for i in 0..20 {
        answer(&mut store, &format!("r{i}"), skills[i % 5], true, now);
    }
    let up = commands::readiness(&store, &pack, now).expect("r").expect("data");
    assert!(
        up.pass_probability > base.pass_probability,
        "{} -> {}",
        base.pass_probability,
        up.pass_probability
    );
    assert!(up.predicted_score >= base.predicted_score);
    for i in 0..40 {
        answer(&mut store, &format!("w{i}"), skills[i % 5], false, now);
    }
    let down = commands::readiness(&store, &pack, now).expect("r").expect("data");
    assert!(down.pass_probability < up.pass_probability);
    assert!(down.predicted_score < up.predicted_score);
}

fn sample_stats() -> StatsScreen {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    StatsScreen {
        page: 0,
        code: "SOA-C03".into(),
        passing_score: 720,
        score_min: 100,
        score_max: 1000,
        scored_items: 50,
        exams: vec![
            (today - Duration::days(20), 640, false),
            (today - Duration::days(9), 705, false),
            (today, 760, true),
        ],
        readiness: Some(cloudprep::readiness::Readiness {
            predicted_score: 742,
            pass_probability: 0.62,
            pass_low: 0.45,
            pass_high: 0.77,
            expected_correct: 37.4,
            domains: vec![
                ("1".into(), 0.8),
                ("2".into(), 0.74),
                ("3".into(), 0.7),
                ("4".into(), 0.69),
                ("5".into(), 0.71),
            ],
        }),
        domains: vec![
            (
                "1".into(),
                "Monitoring, Logging, Analysis, Remediation, and Performance Optimization".into(),
                22,
                0.7,
            ),
            ("2".into(), "Reliability and Business Continuity".into(), 22, 0.64),
            ("3".into(), "Deployment, Provisioning, and Automation".into(), 22, 0.5),
            ("4".into(), "Security and Compliance".into(), 16, 0.42),
            ("5".into(), "Networking and Content Delivery".into(), 18, 0.3),
        ],
        tasks: (1..=13)
            .map(|i| {
                (
                    format!("{}.{}", (i - 1) / 3 + 1, (i - 1) % 3 + 1),
                    format!("Task number {i}"),
                    7.7,
                    i as f64 / 14.0,
                )
            })
            .collect(),
        reviews_per_day: (0..84).map(|i| (i * 7 % 23) as u64).collect(),
        today,
        due_forecast: (0..30).map(|i| (30 - i) as u64 % 9).collect(),
        by_difficulty: [(40, 35), (300, 220), (120, 70)],
        median_ms: Some(64_000),
        answered: 460,
        correct: 325,
    }
}

#[test]
fn the_stats_screen_pages_at_80x24() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let mut a = App::new(std::rc::Rc::new(pack), 1, false);
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("date");
    for page in 0..4 {
        let mut s = sample_stats();
        s.page = page;
        a.screen = Screen::Stats(Box::new(s));
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        t.draw(|f| view::render_at(&a, f, now)).expect("draw");
        insta::assert_snapshot!(format!("stats_page_{}", page + 1), t.backend());
        for (w, h) in [(1, 1), (20, 5), (80, 24), (120, 40), (300, 100)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            t.draw(|f| view::render_at(&a, f, now)).expect("draw");
        }
    }
}
