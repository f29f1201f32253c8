//! Benchmarks of the hot paths (figures in the README).
//! - update + render of the question screen at 120×40 (target ≤ 1 ms)
//! - picking the next due card among 10,000 (target ≤ 1 ms)
//! - the shipped bank to the first frame: load + validate, open the store, the dashboard,
//!   one render (target ≤ 30 ms)
//! - loading and validating a 10,000-question bank (target ≤ 130 ms)
//! - `stats --json` over 1,000,000 reviews (target ≤ 100 ms)

use std::hint::black_box;
use std::rc::Rc;

use chrono::{Duration, TimeZone, Utc};
use cloudprep::content::{self, ContentSource};
use cloudprep::model::Mode;
use cloudprep::srs::{Card, Rating, Scheduler};
use cloudprep::store::{ReviewRow, Store};
use cloudprep::tui::app::{self, Action, App};
use cloudprep::tui::view;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn question_screen(c: &mut Criterion) {
    let pack = Rc::new(content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack"));
    let now = Utc::now();
    let mut a = App::new(pack.clone(), 1, true);
    let ids: Vec<String> = pack.questions.iter().map(|q| q.id.clone()).collect();
    a.start_study(Mode::Practice, "all".into(), ids, now);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut down = true;
    c.bench_function("update+render question 120x40", |b| {
        b.iter(|| {
            let action = if down { Action::Down } else { Action::Up };
            down = !down;
            black_box(app::update(&mut a, action, now));
            term.draw(|f| view::render_at(&a, f, now)).expect("draw");
        })
    });
    // The feedback screen is the longest one to lay out.
    app::update(&mut a, Action::Toggle(0), now);
    app::update(&mut a, Action::Enter, now);
    c.bench_function("update+render feedback 120x40", |b| {
        b.iter(|| {
            black_box(app::update(&mut a, Action::ScrollDown, now));
            term.draw(|f| view::render_at(&a, f, now)).expect("draw");
        })
    });
}

fn next_due(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
    let sched = Scheduler::default_params();
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("date");
    for i in 0..10_000 {
        let at = t0 + Duration::minutes(i);
        let card = sched.answer(&Card::new(&format!("q{i}"), at), Rating::Good, at);
        let row = ReviewRow {
            question_id: format!("q{i}"),
            skill: "1.1.1".into(),
            difficulty: 2,
            reviewed_at: at,
            rating: Rating::Good,
            correct: true,
            mode: "review".into(),
            elapsed_ms: 1000,
            chosen: vec![0],
            exam_id: None,
        };
        store.record_answer("SOA-C03", &row, &card).expect("save");
    }
    let now = t0 + Duration::days(30);
    c.bench_function("next due card among 10,000", |b| {
        b.iter(|| black_box(store.due_cards("SOA-C03", now, 1).expect("due")))
    });
}

fn first_frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ff.db");
    drop(Store::open(&db).expect("store"));
    let mut group = c.benchmark_group("startup");
    group.sample_size(20);
    group.bench_function("shipped bank to first frame", |b| {
        b.iter(|| {
            let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
            let shell = cloudprep::tui::Shell {
                store: Store::open(&db).expect("store"),
                pack: Rc::new(pack),
                sched: Scheduler::default_params(),
                settings: cloudprep::tui::StudySettings {
                    new_per_day: 20,
                    retention: 0.9,
                    color: true,
                    light: false,
                    practice_count: 10,
                    drill_count: 10,
                    keys: Vec::new(),
                    exam_untimed: false,
                    exam_extra_minutes: 0,
                },
            };
            let now = Utc::now();
            let mut a = App::new(shell.pack.clone(), 1, true);
            a.dash = shell.dashboard(now).expect("dashboard");
            let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
            term.draw(|f| view::render_at(&a, f, now)).expect("draw");
            black_box(term);
        })
    });
    group.finish();
}

fn big_bank(c: &mut Criterion) {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let dir = tempfile::tempdir().expect("tempdir");
    content::write_synthetic_bank(&pack, 10_000, dir.path()).expect("bank");
    let src = ContentSource::Dir(dir.path().to_path_buf());
    let mut group = c.benchmark_group("content");
    group.sample_size(10);
    group.bench_function("load+validate 10,000 questions", |b| {
        b.iter(|| {
            let l = content::load(&src, "SOA-C03");
            assert!(l.errors.is_empty());
            black_box(l)
        })
    });
    let cache = tempfile::tempdir().expect("tempdir");
    assert!(content::load_cached(&src, "SOA-C03", None, Some(cache.path())).ok());
    group.bench_function("load 10,000 questions unchanged (cache)", |b| {
        b.iter(|| {
            let l = content::load_cached(&src, "SOA-C03", None, Some(cache.path()));
            assert!(l.ok());
            black_box(l)
        })
    });
    group.finish();
}

fn stats_1m(c: &mut Criterion) {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("big.db")).expect("store");
    let now = Utc::now();
    cloudprep::commands::dev_generate(&mut store, &pack, 1_000_000, 365, 20, 7, now).expect("history");
    let mut group = c.benchmark_group("stats");
    group.sample_size(20);
    group.bench_function("stats --json over 1,000,000 reviews", |b| {
        b.iter(|| {
            let s = cloudprep::commands::stats(&store, &pack, now).expect("stats");
            black_box(serde_json::to_string(&s).expect("json"))
        })
    });
    group.finish();
}

criterion_group!(benches, question_screen, next_due, first_frame, big_bank, stats_1m);
criterion_main!(benches);
