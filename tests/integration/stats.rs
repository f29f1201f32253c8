//! Stats and readiness: the JSON and text output, readiness through the real store, and the
//! stats screen's four pages.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use cloudprep::commands;
use cloudprep::content::{self, ContentSource};
use cloudprep::model::Mode;
use cloudprep::srs::{Card, Rating};
use cloudprep::store::{ReviewRow, Store};
use cloudprep::study::{DomainRow, StatsView, TaskRow};
use cloudprep::tui::app::{App, Screen};
use cloudprep::tui::screens::stats::StatsScreen;
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
        mode: Mode::Practice,
        elapsed_ms: 30_000,
        chosen: vec![0],
        exam_id: None,
        phase: Some(cloudprep::srs::CardPhase::New),
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
    StatsScreen::new(StatsView {
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
            domains: [("1", 0.8), ("2", 0.74), ("3", 0.7), ("4", 0.69), ("5", 0.71)]
                .iter()
                .map(|&(id, m)| cloudprep::readiness::DomainReadiness {
                    id: id.into(),
                    evidence: 40.0,
                    estimated_accuracy: m,
                    low: m - 0.06,
                    high: m + 0.06,
                    missing: false,
                })
                .collect(),
            capped_by_mock: false,
        }),
        domains: [
            (
                "1",
                "Monitoring, Logging, Analysis, Remediation, and Performance Optimization",
                22,
                0.7,
            ),
            ("2", "Reliability and Business Continuity", 22, 0.64),
            ("3", "Deployment, Provisioning, and Automation", 22, 0.5),
            ("4", "Security and Compliance", 16, 0.42),
            ("5", "Networking and Content Delivery", 18, 0.3),
        ]
        .iter()
        .map(|&(id, title, weight, mastery)| DomainRow {
            id: id.into(),
            title: title.into(),
            weight,
            mastery,
        })
        .collect(),
        tasks: (1..=13)
            .map(|i| TaskRow {
                id: format!("{}.{}", (i - 1) / 3 + 1, (i - 1) % 3 + 1),
                title: format!("Task number {i}"),
                share: 7.7,
                mastery: i as f64 / 14.0,
            })
            .collect(),
        reviews_per_day: (0..84).map(|i| (i * 7 % 23) as u64).collect(),
        today,
        due_forecast: (0..30).map(|i| (30 - i) as u64 % 9).collect(),
        by_difficulty: [(40, 35), (300, 220), (120, 70)],
        median_ms: Some(64_000),
        answered: 460,
        correct: 325,
        exam_minutes: 130,
        exam_questions: 65,
        pace_ms: 120_000,
        time_by_domain: [
            ("1", Some(84_000), 312),
            ("2", Some(131_000), 87),
            ("3", Some(59_500), 1),
            ("4", None, 0),
            ("5", Some(120_000), 500),
        ]
        .iter()
        .map(|&(d, m, n)| commands::DomainTimeJson {
            domain: d.into(),
            median_ms: m,
            answers: n,
        })
        .collect(),
        true_retention: commands::TrueRetentionJson {
            window_days: 30,
            answers: 212,
            correct: 184,
            rate: Some(0.868),
            desired: 0.9,
        },
    })
}

/// An app on the shipped bank, and the moment the stats screen tests draw it at.
fn stats_app() -> (App, chrono::DateTime<Utc>) {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("date");
    (App::new(std::rc::Rc::new(pack), 1, false), now)
}

/// The app drawn at 80×24 as of `now`, as text.
fn drawn(a: &App, now: chrono::DateTime<Utc>) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| view::render_at(a, f, now)).expect("draw");
    format!("{:?}", t.backend())
}

#[test]
fn the_stats_screen_pages_at_80x24() {
    let (mut a, now) = stats_app();
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

/// Issue 13's new learner, through the real store and binary: about 40 answers at 75 % in
/// domains 1, 2, 3 and 5, none in 4.
#[test]
fn a_learner_without_domain_4_is_told_so_and_not_likely_to_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("four.db");
    let now = Utc::now();
    {
        let mut store = Store::open(&db).expect("store");
        let skills = ["1.1.1", "2.1.1", "3.1.1", "5.1.1"];
        for i in 0..40 {
            let right = (i / 4 + i % 4) % 4 != 3;
            answer(
                &mut store,
                &format!("q{i}"),
                skills[i % 4],
                right,
                now - Duration::hours(40 - i as i64),
            );
        }
    }
    let dbs = db.to_str().expect("utf8");
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    let r = &v["readiness"];
    assert!(r["pass_probability"].as_f64().expect("p") < 0.5, "{r}");
    assert_eq!(r["missing"], serde_json::json!(["4"]), "{r}");
    let d4 = &r["domains"][3];
    assert_eq!(d4["id"], "4");
    assert_eq!(d4["evidence"], 0.0);
    assert!(
        d4["high"].as_f64().expect("high") - d4["low"].as_f64().expect("low") > 0.25,
        "{d4}"
    );
    let d1 = &r["domains"][0];
    assert!(d1["evidence"].as_f64().expect("evidence") > 5.0, "{d1}");
    let text = stdout(&run(&["--db", dbs, "stats"]));
    assert!(
        text.contains("domain 4: no answers yet — the estimate assumes you have not studied it"),
        "{text}"
    );
}

/// The same question answered again right after its key was shown is not new evidence.
#[test]
fn repeating_five_questions_does_not_look_ready() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let mut store = Store::open_in_memory().expect("store");
    let now = Utc::now();
    let skills = ["1.1.1", "2.1.1", "3.1.1", "4.1.1", "5.1.1"];
    for round in 0..20 {
        for (k, skill) in skills.iter().enumerate() {
            let at = now - Duration::minutes(200 - round * 8 - k as i64);
            answer(&mut store, &format!("same-{k}"), skill, true, at);
        }
    }
    assert!(
        commands::readiness(&store, &pack, now).expect("r").is_none(),
        "100 answers to five questions are five observations: not enough data"
    );
}

/// A failed mock exam leaves no "likely to pass" behind it.
#[test]
fn a_failed_mock_exam_caps_readiness_on_home() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("mock.db");
    let dbs = db.to_str().expect("utf8");
    // A simulated learner with strong practice and three mock exams; then make the last exam
    // a fail, as if it had just been submitted.
    let o = run(&[
        "--db",
        dbs,
        "dev-generate",
        "--reviews",
        "1500",
        "--days",
        "30",
        "--exams",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    {
        let c = rusqlite::Connection::open(&db).expect("open");
        c.execute(
            "UPDATE exams SET passed = 0, scaled_score = 610, finished_at = ?1
             WHERE id = (SELECT MAX(id) FROM exams)",
            [Utc::now().timestamp_millis() - 60_000],
        )
        .expect("update");
    }
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    let r = &v["readiness"];
    assert!(r["pass_probability"].as_f64().expect("p") <= 0.4, "{r}");
    assert!(r["pass_probability_high"].as_f64().expect("hi") <= 0.4, "{r}");
    assert_eq!(r["capped_by_failed_mock"], true);
}

#[test]
fn a_plan_to_the_exam_date_adds_up_and_is_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("plan.db");
    let dbs = db.to_str().expect("utf8");
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    assert!(v["plan"].is_null(), "no date, no plan: {v}");
    let date = (Utc::now().date_naive() + Duration::days(45)).to_string();
    let o = run(&["--db", dbs, "plan", "--date", &date]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(&format!("Exam on {date}")), "{text}");
    assert!(
        text.contains("new questions") || text.contains("New questions"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    let p = &v["plan"];
    assert_eq!(p["exam_date"], date.as_str(), "{v}");
    let left = p["days_left"].as_i64().expect("days");
    assert!((44..=46).contains(&left), "{p}");
    let bank = v["questions"].as_u64().expect("questions");
    let per_day = p["new_per_day"].as_u64().expect("new");
    // The unseen bank is covered a week before the date.
    assert!(per_day * (left as u64 - 7) >= bank, "{p}");
    assert!(per_day * (left as u64 - 8) < bank + per_day, "{p}");
    assert_eq!(p["on_track"], false, "nothing studied yet");
    let mocks = p["mock_days"].as_array().expect("mocks");
    assert!(mocks.len() >= 6, "weekly, two in the last week: {p}");
    // Clearing forgets it; a bad date is one clear line.
    let o = run(&["--db", dbs, "plan", "--date", "2027-02-30"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not a date"), "{}", stderr(&o));
    let o = run(&["--db", dbs, "plan", "--clear"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    assert!(v["plan"].is_null());
    // The config file's date wins, and plan --date says where to change it.
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, format!("exam_date = \"{date}\"\n")).expect("write");
    let cfgs = cfg.to_str().expect("utf8");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["--db", dbs, "--config", cfgs, "stats", "--json"]))).expect("json");
    assert_eq!(v["plan"]["exam_date"], date.as_str());
    let o = run(&["--db", dbs, "--config", cfgs, "plan", "--date", &date]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("config.toml"), "{}", stderr(&o));
    std::fs::write(&cfg, "exam_date = \"soon\"\n").expect("write");
    let o = run(&["--db", dbs, "--config", cfgs, "stats", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("exam_date"), "{}", stderr(&o));
}

/// A mastery is rounded once, the same way, on home, the stats screen, `stats` and `--json`.
#[test]
fn mastery_is_rounded_the_same_way_everywhere() {
    assert_eq!(cloudprep::model::percent(0.0549), 5);
    assert_eq!(cloudprep::model::percent(0.055), 6);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    let dbs = db.to_str().expect("utf8");
    let o = run(&[
        "--db",
        dbs,
        "dev-generate",
        "--reviews",
        "300",
        "--days",
        "20",
        "--exams",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    let text = stdout(&run(&["--db", dbs, "stats"]));
    for d in v["domains"].as_array().expect("domains") {
        let m = d["mastery"].as_f64().expect("mastery");
        assert_eq!((m * 100.0).round(), m * 100.0, "whole percent in JSON: {m}");
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == d["id"].as_str())
            .expect("a row per domain");
        assert!(
            row.trim_end().ends_with(&format!("{}%", cloudprep::model::percent(m))),
            "{row} vs {m}"
        );
    }
}

/// At 80×24 the mastery page cannot show all 13 tasks: the list scrolls, and says so.
#[test]
fn the_mastery_page_scrolls_when_the_tasks_do_not_fit() {
    let (mut a, now) = stats_app();
    let mut s = sample_stats();
    s.page = 1;
    a.screen = Screen::Stats(Box::new(s));
    let text = |a: &App| drawn(a, now);
    let first = text(&a);
    assert!(!first.contains("Task number 13") && first.contains("↓ more"), "{first}");
    for _ in 0..20 {
        cloudprep::tui::app::update(&mut a, cloudprep::tui::app::Action::Down, now);
    }
    let last = text(&a);
    assert!(last.contains("Task number 13") && last.contains("↑ more"), "{last}");
    assert!(
        matches!(&a.screen, Screen::Stats(s) if s.page == 1),
        "scrolling stays on the page"
    );
}

/// The exam-score chart labels the pass line; with one or two exams the scores are shown
/// plainly instead of a line through a mostly empty box (issue 15).
#[test]
fn the_score_chart_labels_the_pass_line_and_starts_with_three_exams() {
    let (mut a, now) = stats_app();
    let text = |a: &App| drawn(a, now);
    a.screen = Screen::Stats(Box::new(sample_stats()));
    let three = text(&a);
    assert!(three.contains("720 pass"), "{three}");
    let mut one = sample_stats();
    one.view.exams.truncate(1);
    a.screen = Screen::Stats(Box::new(one));
    let one = text(&a);
    assert!(
        one.contains("exam 1") && one.contains("score  640") && one.contains("-80 against the pass mark 720"),
        "{one}"
    );
    assert!(!one.contains("720 pass"), "no chart for one exam: {one}");
}

/// Issue 15: the median time per question of each domain beside the exam's pace, and true
/// retention (due reviews only) against the desired retention — in `stats --json`, `stats` and
/// the stats screen, from a real database file.
#[test]
fn stats_give_the_time_per_domain_beside_the_pace_and_true_retention() {
    use cloudprep::srs::CardPhase;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("time.db");
    let dbs = db.to_str().expect("utf8");
    let now = Utc::now();
    {
        let mut store = Store::open(&db).expect("store");
        let mut save = |qid: &str, skill: &str, mode: Mode, phase: CardPhase, ms: i64, correct: bool, days: i64| {
            let at = now - Duration::days(days) - Duration::minutes(5);
            let row = ReviewRow {
                question_id: qid.into(),
                skill: skill.into(),
                difficulty: 2,
                reviewed_at: at,
                rating: Rating::auto(correct),
                correct,
                mode,
                elapsed_ms: ms,
                chosen: vec![0],
                exam_id: None,
                phase: Some(phase),
            };
            store.record_answer("SOA-C03", &row, &Card::new(qid, at)).expect("save");
        };
        // Domain 1: 60 s, 84 s and 100 s: median 1 min 24 s. Domain 2: one exam answer.
        save("a1", "1.1.1", Mode::Practice, CardPhase::New, 60_000, true, 3);
        save("a2", "1.2.1", Mode::Drill, CardPhase::New, 84_000, false, 2);
        save("a3", "1.1.2", Mode::Practice, CardPhase::New, 100_000, true, 1);
        save("b1", "2.1.1", Mode::Exam, CardPhase::Review, 150_000, true, 1);
        // Domain 3: four due reviews in the last 30 days, three right; one older; one answer
        // in a learning step (review mode, not due: not counted).
        for (i, right) in [true, true, false, true].iter().enumerate() {
            save(
                &format!("c{i}"),
                "3.1.1",
                Mode::Review,
                CardPhase::Review,
                30_000,
                *right,
                2 + i as i64,
            );
        }
        save("c8", "3.1.1", Mode::Review, CardPhase::Review, 30_000, true, 40);
        save("c9", "3.2.1", Mode::Review, CardPhase::Learning, 30_000, false, 1);
    }
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&["--db", dbs, "stats", "--json"]))).expect("json");
    assert_eq!(v["exam_pace_ms"], 120_000, "130 minutes for 65 questions: {v}");
    assert_eq!(
        v["time_by_domain"],
        serde_json::json!([
            {"domain": "1", "median_ms": 84_000, "answers": 3},
            {"domain": "2", "median_ms": 150_000, "answers": 1},
            {"domain": "3", "median_ms": 30_000, "answers": 6},
            {"domain": "4", "median_ms": null, "answers": 0},
            {"domain": "5", "median_ms": null, "answers": 0},
        ])
    );
    assert_eq!(
        v["true_retention"],
        serde_json::json!({"window_days": 30, "answers": 4, "correct": 3, "rate": 0.75, "desired": 0.9})
    );
    let text = stdout(&run(&["--db", dbs, "stats"]));
    for want in [
        "Time per question (median, exam pace 2 min)\n",
        "Domain 1  1 min 24 s  (3 answers)\n",
        "Domain 2  2 min 30 s  (1 answer)\n",
        "Domain 3  30 s        (6 answers)\n",
        "Domain 4  —\n",
        "True retention (30 days): 75 % of 4 due reviews (target 90 %)\n",
    ] {
        assert!(text.contains(want), "wanted {want:?} in\n{text}");
    }
    // The target is the desired retention the scheduler uses: the config file's.
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "desired_retention = 0.85\n").expect("write");
    let cfgs = cfg.to_str().expect("utf8");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["--db", dbs, "--config", cfgs, "stats", "--json"]))).expect("json");
    assert_eq!(v["true_retention"]["desired"], 0.85);
    let text = stdout(&run(&["--db", dbs, "--config", cfgs, "stats"]));
    assert!(text.contains("75 % of 4 due reviews (target 85 %)"), "{text}");

    // The pace comes from the pack's format, not a constant: 180 minutes for 75 questions.
    let mut pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    pack.exam.format.minutes = 180;
    pack.exam.format.questions = 75;
    let store = Store::open(&db).expect("store");
    assert_eq!(
        commands::stats(&store, &pack, now).expect("stats").exam_pace_ms,
        144_000
    );

    // The stats screen shows the same, on its fourth page.
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let mut shell = crate::exam::shell(store, pack);
    shell.sched = cloudprep::srs::Scheduler::new(&[], 0.85).expect("scheduler");
    shell.settings.retention = 0.85;
    let mut s = StatsScreen::new(shell.stats_view(now).expect("stats view"));
    assert_eq!(s.pace_ms, 120_000);
    assert_eq!(s.time_by_domain[0].median_ms, Some(84_000));
    assert_eq!((s.true_retention.answers, s.true_retention.correct), (4, 3));
    assert_eq!(s.true_retention.desired, 0.85);
    s.page = 3;
    let mut a = App::new(shell.pack.clone(), 1, false);
    a.screen = Screen::Stats(Box::new(s));
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| view::render_at(&a, f, now)).expect("draw");
    let screen = format!("{:?}", t.backend());
    for want in [
        "Domain 1  1 min 24 s      3 answers",
        "Domain 2  2 min 30 s      1 answer   slower than the exam's pace",
        "Domain 4  —           no timed answers yet",
        "about 2 min per question (130 minutes for 65)",
        "75 % of 4 due reviews answered right · target 85 %",
    ] {
        assert!(screen.contains(want), "wanted {want:?} in\n{screen}");
    }
}

/// With more domains than the time box holds, its rows scroll and say so; nothing is lost.
#[test]
fn the_time_per_domain_rows_scroll_when_they_do_not_fit() {
    let (mut a, now) = stats_app();
    let mut s = sample_stats();
    s.page = 3;
    s.view.time_by_domain = (1..=12)
        .map(|i| commands::DomainTimeJson {
            domain: i.to_string(),
            median_ms: Some(60_000 + i * 1000),
            answers: i,
        })
        .collect();
    a.screen = Screen::Stats(Box::new(s));
    let text = |a: &App| drawn(a, now);
    let first = text(&a);
    assert!(
        first.contains("Domain 1   1 min 1 s") && !first.contains("Domain 12") && first.contains("↓ more"),
        "{first}"
    );
    for _ in 0..20 {
        cloudprep::tui::app::update(&mut a, cloudprep::tui::app::Action::Down, now);
    }
    let last = text(&a);
    assert!(
        last.contains("Domain 12  1 min 12 s") && last.contains("↑ more") && last.contains("True retention"),
        "{last}"
    );
}
