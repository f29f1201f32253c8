//! Benchmarks of the hot paths (figures in the README).
//! - update + render of the question screen at 120×40 (target ≤ 1 ms)
//! - picking the next due card among 10,000 (target ≤ 1 ms)
//! - the shipped bank to the first frame: load + validate, open the store, the dashboard,
//!   one render (target ≤ 30 ms)
//! - loading and validating a 10,000-question bank (target ≤ 130 ms)
//! - `stats --json` over 1,000,000 reviews (target ≤ 100 ms)
//! - at 10,000 questions × 1,000,000 reviews: `stats`, the dashboard, building the review queue
//!   and the stats screen in-process; and as whole processes with a warm content cache,
//!   `cloudprep stats --json` (target ≤ 100 ms) and the dashboard's first frame in a
//!   pseudo-terminal (target ≤ 100 ms)
//! - rejecting a question file of 100,000 nested brackets, flow and block style (target < 1 s)
//!
//! `CLOUDPREP_BENCH_REVIEWS` lowers the 1,000,000 reviews of the scale benches for a quick run.

use cloudprep::study::{Service, StudySettings};
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
use rand::SeedableRng;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn question_screen(c: &mut Criterion) {
    let pack = Rc::new(content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack"));
    let now = Utc::now();
    let mut a = App::new(pack.clone(), 1, true);
    let ids: Vec<String> = pack.questions.iter().map(|q| q.id.clone()).collect();
    let study = cloudprep::tui::app::Action::Study {
        mode: Mode::Practice,
        title: "all".into(),
        queue: ids,
        new_ids: Default::default(),
    };
    cloudprep::tui::app::update(&mut a, study, now);
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
            mode: Mode::Review,
            elapsed_ms: 1000,
            chosen: vec![0],
            exam_id: None,
            phase: Some(cloudprep::srs::CardPhase::New),
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
            let shell = Service::new(
                Store::open(&db).expect("store"),
                Rc::new(pack),
                Scheduler::default_params(),
                settings(),
                1,
            );
            let now = Utc::now();
            let mut a = App::new(shell.pack.clone(), 1, true);
            let dash = shell.dashboard(now).expect("dashboard");
            cloudprep::tui::app::update(&mut a, cloudprep::tui::app::Action::Dashboard(Box::new(dash)), now);
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
    cloudprep::dev::generate_history(&mut store, &pack, 1_000_000, 365, 20, 7, now).expect("history");
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

fn settings() -> StudySettings {
    StudySettings {
        new_per_day: 20,
        retention: 0.9,
        color: true,
        light: false,
        practice_count: 10,
        drill_count: 10,
        keys: Vec::new(),
        exam_untimed: false,
        exam_extra_minutes: 0,
        exam_date: None,
    }
}

/// 10,000 questions × 1,000,000 reviews over a year: in-process paths, then whole processes.
fn scale(c: &mut Criterion) {
    let reviews: u64 = std::env::var("CLOUDPREP_BENCH_REVIEWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let shipped = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let dir = tempfile::tempdir().expect("tempdir");
    let bank = dir.path().join("content");
    content::write_synthetic_bank(&shipped, 10_000, &bank).expect("bank");
    let pack = content::load(&ContentSource::Dir(bank.clone()), "SOA-C03")
        .pack
        .expect("big pack");
    assert_eq!(pack.questions.len(), 10_000);
    let db = dir.path().join("scale.db");
    let now = Utc::now();
    let mut store = Store::open(&db).expect("store");
    cloudprep::dev::generate_history(&mut store, &pack, reviews, 365, 20, 7, now).expect("history");
    let shell = Service::new(store, Rc::new(pack), Scheduler::default_params(), settings(), 1);
    let mut group = c.benchmark_group("scale 10k x 1M");
    group.sample_size(10);
    group.bench_function("stats --json (in-process)", |b| {
        b.iter(|| {
            let s = cloudprep::commands::stats(&shell.store, &shell.pack, now).expect("stats");
            black_box(serde_json::to_string(&s).expect("json"))
        })
    });
    group.bench_function("dashboard", |b| {
        b.iter(|| black_box(shell.dashboard(now).expect("dashboard")))
    });
    group.bench_function("review queue", |b| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        b.iter(|| {
            let code = &shell.pack.exam.code;
            let due = shell.store.due_cards(code, now, 10_000).expect("due");
            let seen: std::collections::HashSet<String> =
                shell.store.seen_ids(code).expect("seen").into_iter().collect();
            black_box(cloudprep::session::review_queue(&shell.pack, &due, &seen, 20, &mut rng))
        })
    });
    group.bench_function("stats screen", |b| {
        b.iter(|| black_box(shell.stats_view(now).expect("stats view")))
    });

    // Whole processes, with the content cache warm (one run first fills it).
    let cache = dir.path().join("cache");
    let args = [
        "--db",
        db.to_str().expect("utf8"),
        "--content",
        bank.to_str().expect("utf8"),
    ];
    let cmd = |extra: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cloudprep"));
        c.args(args)
            .args(extra)
            .env("XDG_CACHE_HOME", &cache)
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .env("NO_COLOR", "1");
        c
    };
    let warm = cmd(&["stats", "--json"]).output().expect("stats runs");
    assert!(warm.status.success(), "{}", String::from_utf8_lossy(&warm.stderr));
    group.bench_function("process: cloudprep stats --json", |b| {
        b.iter(|| {
            let o = cmd(&["stats", "--json"]).output().expect("stats runs");
            assert!(o.status.success());
            black_box(o.stdout.len())
        })
    });
    // Timed from the spawn to the dashboard on screen; opening the pty and reaping the killed
    // app are left out.
    group.bench_function("process: dashboard first frame in a terminal", |b| {
        b.iter_custom(|n| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..n {
                total += first_frame_in_pty(&args, &cache, &dir.path().join("no-config"));
            }
            total
        })
    });
    group.finish();
}

/// Starts the app in a pseudo-terminal and returns how long the dashboard took to appear; the
/// app is killed after.
fn first_frame_in_pty(args: &[&str], cache: &std::path::Path, config: &std::path::Path) -> std::time::Duration {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_cloudprep"));
    cmd.args(args);
    cmd.env("XDG_CACHE_HOME", cache);
    cmd.env("XDG_CONFIG_HOME", config);
    cmd.env("NO_COLOR", "1");
    cmd.env("TERM", "xterm-256color");
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let nz = |n: u16| std::num::NonZeroU16::new(n).expect("size");
    let mut screen = vt100::Parser::new(nz(30), nz(100), 0);
    let mut buf = [0u8; 16384];
    let start = std::time::Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    loop {
        let n = reader.read(&mut buf).expect("read");
        assert!(n > 0, "the app ended before its first frame");
        screen.process(&buf[..n]);
        if screen.screen().contents().contains("Review due cards") {
            break;
        }
    }
    let took = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    drop(pair.slave);
    took
}

/// A question file of 100,000 nested brackets, flow and block style, is rejected at once.
fn deep_nesting(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut group = c.benchmark_group("hostile content");
    group.sample_size(10);
    for case in ["deeply-nested-100k-flow", "deeply-nested-100k-block"] {
        let src = ContentSource::Dir(root.join(case));
        group.bench_function(format!("reject {case}"), |b| {
            b.iter(|| {
                let l = content::load(&src, "TST-C01");
                assert!(!l.errors.is_empty());
                black_box(l)
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    question_screen,
    next_due,
    first_frame,
    big_bank,
    stats_1m,
    scale,
    deep_nesting
);
criterion_main!(benches);
