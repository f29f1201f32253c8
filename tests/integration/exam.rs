//! The mock exam through the shell with a real (in-memory or on-disk) store: intro, answers,
//! marks, the grid, submit, the report, the time-out, resume after a crash, history.

use std::rc::Rc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cloudprep::content::{self, ContentSource};
use cloudprep::model::Pack;
use cloudprep::srs::Scheduler;
use cloudprep::store::Store;
use cloudprep::study::{Service, StudySettings};
use cloudprep::tui::app::{self, Action, App, Effect, ExamOptions, Screen};
use cloudprep::tui::{Shell, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::util::fixtures;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 3, 14, 0, 0).single().expect("date")
}

/// The fixture pack with each question copied four times (ids suffixed), so a 10-item exam
/// (8 scored) can be drawn without shortage.
pub fn exam_pack() -> Pack {
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut p = l.pack.expect("pack");
    let base = p.questions.clone();
    p.questions.clear();
    for k in 1..=4 {
        for q in &base {
            let mut c = q.clone();
            c.id = format!("{}-{k}", q.id);
            p.questions.push(c);
        }
    }
    p
}

pub fn shell(store: Store, pack: Pack) -> Shell {
    Shell::new(Service::new(
        store,
        Rc::new(pack),
        Scheduler::default_params(),
        StudySettings {
            new_per_day: 20,
            retention: 0.9,
            color: false,
            light: false,
            practice_count: 10,
            drill_count: 10,
            keys: Vec::new(),
            exam_untimed: false,
            exam_extra_minutes: 0,
            exam_date: None,
        },
        7,
    ))
}

fn step(sh: &mut Shell, a: &mut App, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let eff = app::update(a, action, now);
    sh.apply_all(a, eff.clone(), now);
    eff
}

fn exam_screen(a: &App) -> &cloudprep::tui::screens::exam::ExamScreen {
    match &a.screen {
        Screen::Exam(e) => e,
        other => panic!("not in an exam: {other:?}"),
    }
}

fn draw(a: &App, now: DateTime<Utc>) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| view::render_at(a, f, now)).expect("draw");
    t
}

fn start_exam(sh: &mut Shell, a: &mut App, seed: u64) {
    sh.run(
        a,
        Effect::OpenExam(ExamOptions {
            seed: Some(seed),
            ..Default::default()
        }),
        t0(),
    )
    .expect("open");
    assert!(matches!(a.screen, Screen::ExamIntro(_)), "{:?}", a.screen);
    step(sh, a, Action::Enter, t0());
}

/// A mock exam of [`exam_pack`] with `seed`, started at [`t0`], on an in-memory store.
fn exam_started(seed: u64) -> (Shell, App) {
    let mut sh = shell(Store::open_in_memory().expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 1, false);
    start_exam(&mut sh, &mut a, seed);
    (sh, a)
}

#[test]
fn exam_runs_like_the_real_one_and_reports() {
    let pack = exam_pack();
    let mut sh = shell(Store::open_in_memory().expect("store"), pack.clone());
    let mut a = App::new(sh.pack.clone(), 1, false);
    start_exam(&mut sh, &mut a, 5);
    let ex = exam_screen(&a);
    assert_eq!(ex.items.len(), 10);
    assert_eq!(ex.items.iter().filter(|i| i.scored).count(), 8);
    assert_eq!(ex.clock.remaining_ms(t0()), Some(20 * 60_000));
    insta::assert_snapshot!("exam_80x24", draw(&a, t0() + Duration::seconds(75)).backend());

    // Answer item 1 right, item 2 wrong, mark item 2, leave the rest.
    let right = |a: &App| {
        let it = &exam_screen(a).items[exam_screen(a).pos];
        let set = it.view.question.correct_set();
        cloudprep::session::to_display(&it.view.order, &set)
    };
    for d in right(&a) {
        step(&mut sh, &mut a, Action::Toggle(d), t0());
    }
    step(&mut sh, &mut a, Action::Next, t0());
    let r = right(&a);
    let wrong = (0..4).find(|d| !r.contains(d)).expect("a wrong option");
    step(&mut sh, &mut a, Action::Toggle(wrong), t0());
    step(&mut sh, &mut a, Action::Mark, t0());
    step(&mut sh, &mut a, Action::Grid, t0());
    insta::assert_snapshot!("grid_80x24", draw(&a, t0() + Duration::seconds(90)).backend());
    step(&mut sh, &mut a, Action::Back, t0());
    step(&mut sh, &mut a, Action::Submit, t0());
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("8 unanswered items and 1 marked"), "{text}");
    step(&mut sh, &mut a, Action::Yes, t0() + Duration::minutes(3));
    let Screen::Report(r) = &a.screen else {
        panic!("no report: {:?}", a.screen)
    };
    assert_eq!(r.items.len(), 10);
    let expect_raw = r.items.iter().filter(|i| i.scored && i.correct).count() as u32;
    assert_eq!(r.report.raw_correct, expect_raw);
    assert_eq!(r.report.scored_total, 8);
    assert!(!r.report.passed);
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "[time]");
    s.bind(|| insta::assert_snapshot!("report_80x24", draw(&a, t0()).backend()));

    // Review the wrong items: the answer, the key and every why.
    step(
        &mut sh,
        &mut a,
        Action::Filter(cloudprep::tui::screens::report::ReviewFilter::Marked),
        t0(),
    );
    step(&mut sh, &mut a, Action::Enter, t0());
    let Screen::Report(r) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    let (_, v) = r.detail.as_ref().expect("an item is open");
    let text: String = cloudprep::tui::question::question_lines(v, view::Theme::plain(), 78)
        .into_iter()
        .map(|l| l.line.to_string() + "\n")
        .collect();
    assert!(
        text.contains("✗ Incorrect — the answer is") && text.contains("Explanation"),
        "{text}"
    );
    assert!(text.contains("References") && !text.contains("Rated"), "{text}");

    // The answered items entered the review log in mode exam; the others did not.
    let st = cloudprep::commands::stats(&sh.store, &sh.pack, t0()).expect("stats");
    assert_eq!(st.reviews, 2);
    assert_eq!(st.exams.len(), 1);
    assert!(st.exam_in_progress.is_none());
    let json = cloudprep::commands::export_json(&sh.store, "TST-C01", Some(&sh.pack)).expect("export");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["reviews"][0]["mode"], "exam");
    assert_eq!(v["exams"][0]["items"].as_array().expect("items").len(), 10);
    assert_eq!(v["exams"][0]["items"][1]["flagged"], true);
}

#[test]
fn at_zero_the_exam_submits_itself() {
    let (mut sh, mut a) = exam_started(9);
    // A tick before the deadline saves the clock but does not submit.
    let eff = step(&mut sh, &mut a, Action::Tick, t0() + Duration::seconds(6));
    assert!(
        matches!(
            eff.as_slice(),
            [
                Effect::AddExamItemTime { ms: 6000, .. },
                Effect::SaveExamProgress { elapsed_ms: 6000, .. }
            ]
        ),
        "{eff:?}"
    );
    let eff = step(&mut sh, &mut a, Action::Tick, t0() + Duration::minutes(20));
    assert!(
        matches!(
            eff.as_slice(),
            [
                Effect::AddExamItemTime { .. },
                Effect::FinishExam { timed_out: true, .. }
            ]
        ),
        "{eff:?}"
    );
    let Screen::Report(r) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert!(r.timed_out);
    assert_eq!(r.elapsed_ms, 20 * 60_000);
    assert!(a.status.as_deref().is_some_and(|s| s.contains("Time is up")));
}

#[test]
fn untimed_and_extra_minutes() {
    let mut sh = shell(Store::open_in_memory().expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 1, false);
    sh.run(
        &mut a,
        Effect::OpenExam(ExamOptions {
            seed: Some(1),
            extra_minutes: Some(30),
            ..Default::default()
        }),
        t0(),
    )
    .expect("open");
    step(&mut sh, &mut a, Action::Enter, t0());
    assert_eq!(exam_screen(&a).clock.remaining_ms(t0()), Some(50 * 60_000));
    step(&mut sh, &mut a, Action::Back, t0());
    let id = exam_screen_id(&sh);
    sh.store.discard_exam(id).expect("discard");
    sh.run(
        &mut a,
        Effect::OpenExam(ExamOptions {
            seed: Some(1),
            untimed: Some(true),
            ..Default::default()
        }),
        t0(),
    )
    .expect("open");
    step(&mut sh, &mut a, Action::Enter, t0());
    assert_eq!(exam_screen(&a).clock.remaining_ms(t0()), None);
    let eff = step(&mut sh, &mut a, Action::Tick, t0() + Duration::hours(5));
    assert!(!eff.iter().any(|e| matches!(e, Effect::FinishExam { .. })));
}

fn exam_screen_id(sh: &Shell) -> i64 {
    sh.store
        .exam_in_progress("TST-C01")
        .expect("q")
        .expect("in progress")
        .id
}

#[test]
fn resume_restores_everything_after_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db");
    let (order, chosen, pos);
    {
        let mut sh = shell(Store::open(&db).expect("store"), exam_pack());
        let mut a = App::new(sh.pack.clone(), 1, false);
        start_exam(&mut sh, &mut a, 3);
        step(&mut sh, &mut a, Action::Toggle(1), t0());
        step(&mut sh, &mut a, Action::Next, t0() + Duration::seconds(30));
        step(&mut sh, &mut a, Action::Next, t0() + Duration::seconds(40));
        step(&mut sh, &mut a, Action::Toggle(2), t0() + Duration::seconds(41));
        step(&mut sh, &mut a, Action::Mark, t0() + Duration::seconds(42));
        step(&mut sh, &mut a, Action::Tick, t0() + Duration::seconds(50));
        let ex = exam_screen(&a);
        order = ex
            .items
            .iter()
            .map(|i| (i.view.question.id.clone(), i.view.order.clone()))
            .collect::<Vec<_>>();
        chosen = ex.items.iter().map(|i| i.view.selected.clone()).collect::<Vec<_>>();
        pos = ex.pos;
        // The process dies here: no quit, no pause.
    }
    let mut sh = shell(Store::open(&db).expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 2, false);
    sh.run(
        &mut a,
        Effect::OpenExam(ExamOptions::default()),
        t0() + Duration::hours(2),
    )
    .expect("open");
    assert!(matches!(a.screen, Screen::ResumePrompt(_)), "{:?}", a.screen);
    step(&mut sh, &mut a, Action::Yes, t0() + Duration::hours(2));
    let ex = exam_screen(&a);
    let order2: Vec<_> = ex
        .items
        .iter()
        .map(|i| (i.view.question.id.clone(), i.view.order.clone()))
        .collect();
    assert_eq!(order2, order, "same items, order and option order");
    let chosen2: Vec<_> = ex.items.iter().map(|i| i.view.selected.clone()).collect();
    assert_eq!(chosen2, chosen, "same answers");
    assert!(ex.items[2].flagged && !ex.items[0].flagged);
    assert_eq!(ex.pos, pos);
    // The clock lost at most the few seconds since its last save (it was saved at 50 s).
    let left = ex.clock.remaining_ms(t0() + Duration::hours(2)).expect("timed");
    assert!(
        (20 * 60_000 - 50_000 - 5_000..=20 * 60_000 - 40_000).contains(&left),
        "{left}"
    );
}

#[test]
fn a_bank_smaller_than_the_exam_is_said_before_it_starts() {
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut sh = shell(Store::open_in_memory().expect("store"), l.pack.expect("pack"));
    let mut a = App::new(sh.pack.clone(), 1, false);
    sh.run(
        &mut a,
        Effect::OpenExam(ExamOptions {
            seed: Some(1),
            ..Default::default()
        }),
        t0(),
    )
    .expect("open");
    let Screen::ExamIntro(i) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!(i.items, 5);
    assert!(!i.warnings.is_empty());
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("! "), "{text}");
}

#[test]
fn history_lists_finished_exams_and_opens_reports() {
    let mut sh = shell(Store::open_in_memory().expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 1, false);
    for seed in [1, 2] {
        start_exam(&mut sh, &mut a, seed);
        step(&mut sh, &mut a, Action::Submit, t0());
        step(&mut sh, &mut a, Action::Yes, t0() + Duration::minutes(1));
        step(&mut sh, &mut a, Action::Back, t0());
    }
    sh.run(&mut a, Effect::OpenHistory, t0()).expect("history");
    let Screen::History(h) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!(h.rows.len(), 2);
    step(&mut sh, &mut a, Action::Enter, t0());
    let Screen::Report(r) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert!(r.from_history);
    step(&mut sh, &mut a, Action::Back, t0());
    assert!(matches!(a.screen, Screen::History(_)));
}

/// Every exam screen renders at sizes from 1×1 to 300×100 without a panic.
#[test]
fn exam_screens_render_at_every_size() {
    let mut sh = shell(Store::open_in_memory().expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 1, true);
    let mut states: Vec<Screen> = Vec::new();
    sh.run(
        &mut a,
        Effect::OpenExam(ExamOptions {
            seed: Some(2),
            ..Default::default()
        }),
        t0(),
    )
    .expect("open");
    states.push(a.screen.clone());
    step(&mut sh, &mut a, Action::Enter, t0());
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    states.push(a.screen.clone());
    step(&mut sh, &mut a, Action::Grid, t0());
    states.push(a.screen.clone());
    step(&mut sh, &mut a, Action::Back, t0());
    step(&mut sh, &mut a, Action::Submit, t0());
    states.push(a.screen.clone());
    step(&mut sh, &mut a, Action::Yes, t0());
    states.push(a.screen.clone());
    step(&mut sh, &mut a, Action::Enter, t0());
    states.push(a.screen.clone());
    step(&mut sh, &mut a, Action::Back, t0());
    step(&mut sh, &mut a, Action::Back, t0());
    sh.run(&mut a, Effect::OpenHistory, t0()).expect("history");
    states.push(a.screen.clone());
    for s in states {
        a.screen = s;
        for w in [1u16, 2, 7, 20, 40, 79, 80, 120, 300] {
            for h in [1u16, 2, 5, 12, 23, 24, 40, 100] {
                let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
                t.draw(|f| view::render_at(&a, f, t0())).expect("draw");
            }
        }
    }
}

/// Ten mock exams started and submitted in a row on a fresh database, with the built-in bank,
/// never repeat a question: never-met questions come first, and the bank holds ten exams'
/// worth per domain (14/14/14/11/12 items).
#[test]
fn ten_mock_exams_in_a_row_never_repeat_a_question() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let mut sh = shell(Store::open_in_memory().expect("store"), pack);
    let mut a = App::new(sh.pack.clone(), 1, false);
    let mut seen = std::collections::HashSet::new();
    for k in 0..10u64 {
        let at = t0() + Duration::days(k as i64);
        sh.run(
            &mut a,
            Effect::OpenExam(ExamOptions {
                seed: Some(1000 + k),
                ..Default::default()
            }),
            at,
        )
        .expect("open");
        assert!(matches!(a.screen, Screen::ExamIntro(_)), "exam {k}: {:?}", a.screen);
        step(&mut sh, &mut a, Action::Enter, at);
        let ids: Vec<String> = exam_screen(&a)
            .items
            .iter()
            .map(|i| i.view.question.id.clone())
            .collect();
        assert_eq!(ids.len(), 65, "exam {k}");
        for id in ids {
            assert!(seen.insert(id.clone()), "exam {k} repeats {id}");
        }
        step(&mut sh, &mut a, Action::Submit, at);
        step(&mut sh, &mut a, Action::Yes, at + Duration::minutes(5));
        assert!(
            matches!(a.screen, Screen::Report(_)),
            "exam {k} submitted: {:?}",
            a.screen
        );
        step(&mut sh, &mut a, Action::Back, at + Duration::minutes(6));
    }
    assert_eq!(seen.len(), 650);
}

/// Defects a new user hit (issue 14): discarding keeps the options asked for, and asks first.
#[test]
fn discarding_an_unfinished_exam_asks_first_and_keeps_the_options_given() {
    let (mut sh, mut a) = exam_started(5);
    // Leave it paused.
    step(&mut sh, &mut a, Action::Back, t0());
    let opts = ExamOptions {
        extra_minutes: Some(30),
        ..Default::default()
    };
    sh.run(&mut a, Effect::OpenExam(opts), t0()).expect("open");
    assert!(matches!(a.screen, Screen::ResumePrompt(_)), "{:?}", a.screen);
    // `d` only asks; `n` keeps the exam.
    step(&mut sh, &mut a, Action::Discard, t0());
    let Screen::ResumePrompt(p) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert!(p.confirm_discard);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("Discard it?"), "{text}");
    step(&mut sh, &mut a, Action::No, t0());
    let Screen::ResumePrompt(p) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert!(!p.confirm_discard);
    assert!(
        sh.store.exam_in_progress("TST-C01").expect("q").is_some(),
        "still there"
    );
    // `d` then `y` discards, and the new exam keeps --extra-minutes 30.
    step(&mut sh, &mut a, Action::Discard, t0());
    step(&mut sh, &mut a, Action::Yes, t0());
    assert!(matches!(a.screen, Screen::ExamIntro(_)), "{:?}", a.screen);
    step(&mut sh, &mut a, Action::Enter, t0());
    let left = exam_screen(&a).clock.remaining_ms(t0()).expect("timed");
    assert_eq!(
        left,
        (20 + 30) * 60_000,
        "the fixture exam's 20 minutes plus the 30 asked for"
    );
}

/// Caps Lock on: capital A-F choose options in the exam too; submitting is confirmed with `y`
/// only, never Enter (which is "next" in the exam).
#[test]
fn exam_keys_take_capitals_and_only_y_submits() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (mut sh, mut a) = exam_started(5);
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    assert_eq!(
        map_key(&a, KeyEvent::new(KeyCode::Char('B'), KeyModifiers::SHIFT)),
        Some(Action::Toggle(1))
    );
    assert_eq!(map_key(&a, key(KeyCode::Char('b'))), Some(Action::Toggle(1)));
    step(&mut sh, &mut a, Action::Submit, t0());
    assert_eq!(map_key(&a, key(KeyCode::Enter)), None, "Enter does not submit");
    assert_eq!(map_key(&a, key(KeyCode::Char('y'))), Some(Action::Yes));
    // Even an Enter that reached the update would not submit.
    step(&mut sh, &mut a, Action::Enter, t0());
    assert!(exam_screen(&a).confirm_submit, "still asking");
    step(&mut sh, &mut a, Action::Yes, t0());
    assert!(matches!(a.screen, Screen::Report(_)), "{:?}", a.screen);
}

/// A review session does not end while a card is due: cards that came due while it ran
/// continue it (issue 14).
#[test]
fn a_review_carries_on_with_cards_that_came_due_meanwhile() {
    use cloudprep::srs::{Card, Rating};
    use cloudprep::store::ReviewRow;
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut store = Store::open_in_memory().expect("store");
    // alarm-basic was answered yesterday and comes due two minutes into today's session.
    let mut card = Card::new("alarm-basic", t0() - Duration::days(1));
    card = Scheduler::default_params().answer(&card, Rating::Good, t0() - Duration::days(1));
    card.due = t0() + Duration::minutes(2);
    let row = ReviewRow {
        question_id: "alarm-basic".into(),
        skill: "1.1.1".into(),
        difficulty: 1,
        reviewed_at: t0() - Duration::days(1),
        rating: Rating::Good,
        correct: true,
        mode: cloudprep::model::Mode::Review,
        elapsed_ms: 1000,
        chosen: vec![0],
        exam_id: None,
        phase: Some(cloudprep::srs::CardPhase::New),
    };
    store.record_answer("TST-C01", &row, &card).expect("save");
    let mut sh = shell(store, l.pack.expect("pack"));
    sh.settings.new_per_day = 1;
    let mut a = App::new(sh.pack.clone(), 1, false);
    sh.run(&mut a, Effect::StartReview, t0()).expect("review");
    let Screen::Study(st) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_ne!(st.current.question.id, "alarm-basic", "not due yet: one new card first");
    step(&mut sh, &mut a, Action::Toggle(0), t0() + Duration::minutes(3));
    step(&mut sh, &mut a, Action::Enter, t0() + Duration::minutes(3));
    step(&mut sh, &mut a, Action::Enter, t0() + Duration::minutes(3));
    let Screen::Study(st) = &a.screen else {
        panic!("the session ended while alarm-basic was due: {:?}", a.screen)
    };
    assert_eq!(st.current.question.id, "alarm-basic");
    assert!(
        a.status.as_deref().is_some_and(|s| s.contains("came due")),
        "{:?}",
        a.status
    );
}

/// After an answer the rating keys show the interval each gives, from the scheduler for this
/// card, as Anki does (issue 15).
#[test]
fn rating_keys_show_the_interval_each_gives() {
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut sh = shell(Store::open_in_memory().expect("store"), l.pack.expect("pack"));
    let mut a = App::new(sh.pack.clone(), 1, false);
    practise_and_answer(&mut sh, &mut a, "alarm-basic", 0);
    let text = format!("{:?}", draw(&a, t0()).backend());
    let footer = text
        .lines()
        .filter(|l| l.contains("1 Again"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        footer.contains("1 Again 1m") || footer.contains("1 Again 10m"),
        "{footer}"
    );
    for k in ["2 Hard ", "3 Good ", "4 Easy "] {
        assert!(footer.contains(k), "{footer}");
    }
    let Screen::Study(st) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    let s = st
        .current
        .outcome
        .as_ref()
        .and_then(|o| o.saved.as_ref())
        .expect("saved");
    assert_eq!(s.previews.len(), 4);
    assert!(
        s.previews.windows(2).all(|w| w[0] <= w[1]),
        "Again ≤ Hard ≤ Good ≤ Easy: {:?}",
        s.previews
    );
    assert_eq!(cloudprep::tui::view::short_interval(Duration::minutes(10)), "10m");
    assert_eq!(cloudprep::tui::view::short_interval(Duration::days(3)), "3d");
    assert_eq!(cloudprep::tui::view::short_interval(Duration::days(95)), "3mo");
}

/// The last minutes of the exam: the clock turns to a warning (⚠ too, for NO_COLOR) at ten
/// minutes left, and five minutes left is said once (issue 15).
#[test]
fn the_clock_warns_in_the_last_minutes() {
    let (mut sh, mut a) = exam_started(5);
    // The fixture exam has 20 minutes.
    let at = |m: i64| t0() + Duration::minutes(m);
    let title = |a: &App, m: i64| {
        format!("{:?}", draw(a, at(m)).backend())
            .lines()
            .nth(3)
            .unwrap_or_default()
            .to_string()
    };
    assert!(title(&a, 5).contains("⏱ 15:00 left"), "{}", title(&a, 5));
    assert!(title(&a, 11).contains("⚠ 9:00 left"), "{}", title(&a, 11));
    step(&mut sh, &mut a, Action::Tick, at(14));
    assert!(a.status.is_none());
    step(&mut sh, &mut a, Action::Tick, at(16));
    assert!(
        a.status.as_deref().is_some_and(|s| s.contains("5 minutes left")),
        "{:?}",
        a.status
    );
    step(&mut sh, &mut a, Action::Next, at(16));
    step(&mut sh, &mut a, Action::Tick, at(17));
    assert!(a.status.is_none(), "said once: {:?}", a.status);
    assert_eq!(
        cloudprep::mock::format_duration_words(99 * 60_000 + 30_000),
        "1 h 39 min"
    );
    assert_eq!(cloudprep::mock::format_duration_words(12 * 60_000), "12 min");
    assert_eq!(cloudprep::mock::format_duration_words(130 * 60_000), "2 h 10 min");
}

#[test]
fn the_grid_jumps_to_the_next_unanswered_and_marked_item_and_to_a_typed_number() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (mut sh, mut a) = exam_started(5);
    // Answer items 1–3, mark items 2 and 7; leave 4–10 unanswered.
    for i in 0..3 {
        step(&mut sh, &mut a, Action::Toggle(0), t0());
        if i == 1 {
            step(&mut sh, &mut a, Action::Mark, t0());
        }
        step(&mut sh, &mut a, Action::Next, t0());
    }
    for _ in 3..6 {
        step(&mut sh, &mut a, Action::Next, t0());
    }
    step(&mut sh, &mut a, Action::Mark, t0());
    assert_eq!(exam_screen(&a).pos, 6);
    step(&mut sh, &mut a, Action::Prev, t0());
    step(&mut sh, &mut a, Action::Prev, t0());
    step(&mut sh, &mut a, Action::Prev, t0());
    step(&mut sh, &mut a, Action::Prev, t0());
    step(&mut sh, &mut a, Action::Prev, t0());
    step(&mut sh, &mut a, Action::Prev, t0());
    assert_eq!(exam_screen(&a).pos, 0);
    step(&mut sh, &mut a, Action::Grid, t0());
    let press = |sh: &mut Shell, a: &mut App, c: char| {
        let act = map_key(a, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).expect("mapped");
        step(sh, a, act, t0());
        exam_screen(a).grid.expect("grid stays open")
    };
    // u: the next unanswered after the cursor is item 4; again, item 5.
    assert_eq!(press(&mut sh, &mut a, 'u'), 3);
    assert_eq!(press(&mut sh, &mut a, 'u'), 4);
    // m: the next marked after item 5 is item 7, then round to item 2.
    assert_eq!(press(&mut sh, &mut a, 'm'), 6);
    assert_eq!(press(&mut sh, &mut a, 'm'), 1);
    // Typing a number moves the cursor: "1" is item 1, "10" item 10; a digit that would make
    // a number beyond the exam starts a new one ("10" then "8" is item 8).
    assert_eq!(press(&mut sh, &mut a, '1'), 0);
    assert_eq!(press(&mut sh, &mut a, '0'), 9);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("go to 10"), "{text}");
    assert_eq!(press(&mut sh, &mut a, '8'), 7);
    // "0" alone names no item: the cursor stays.
    assert_eq!(press(&mut sh, &mut a, '0'), 7);
    // Enter opens the item under the cursor.
    step(&mut sh, &mut a, Action::Enter, t0());
    let ex = exam_screen(&a);
    assert_eq!((ex.grid, ex.pos), (None, 7));
    // The grid opens on the current item (8); u goes on to item 9, unanswered.
    step(&mut sh, &mut a, Action::Grid, t0());
    assert_eq!(press(&mut sh, &mut a, 'u'), 8);
}

#[test]
fn the_report_practises_exactly_the_items_missed() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (mut sh, mut a) = exam_started(9);
    // Item 1 right, item 2 wrong, the other eight unanswered.
    let ex = exam_screen(&a);
    let first = &ex.items[0].view;
    for d in cloudprep::session::to_display(&first.order, &first.question.correct_set()) {
        step(&mut sh, &mut a, Action::Toggle(d), t0());
    }
    step(&mut sh, &mut a, Action::Next, t0());
    let second = &exam_screen(&a).items[1].view;
    let right = cloudprep::session::to_display(&second.order, &second.question.correct_set());
    let wrong = (0..4).find(|d| !right.contains(d)).expect("a wrong option");
    step(&mut sh, &mut a, Action::Toggle(wrong), t0());
    step(&mut sh, &mut a, Action::Submit, t0());
    step(&mut sh, &mut a, Action::Yes, t0() + Duration::minutes(4));
    let Screen::Report(r) = &a.screen else {
        panic!("no report: {:?}", a.screen)
    };
    let missed: Vec<String> = r
        .items
        .iter()
        .filter(|i| !i.correct)
        .map(|i| i.question.as_ref().expect("question").id.clone())
        .collect();
    assert_eq!(missed.len(), 9);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("p practise missed"), "{text}");
    let act = map_key(&a, KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)).expect("p is mapped");
    assert_eq!(act, Action::PractiseMissed);
    step(&mut sh, &mut a, act, t0() + Duration::minutes(5));
    let Screen::Study(st) = &a.screen else {
        panic!("no practice: {:?}", a.screen)
    };
    assert_eq!(st.mode, cloudprep::model::Mode::Practice);
    assert!(st.title.starts_with("9 missed in the mock exam of"), "{}", st.title);
    let mut asked: Vec<String> = std::iter::once(st.current.question.id.clone())
        .chain(st.queue.iter().map(|q| q.question_id.clone()))
        .collect();
    assert_eq!(asked, missed, "exam order, exactly the missed items");
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), 9);
}

/// A practice session on `ids` of the valid fixture, saved in a real database file (the
/// directory is returned so that it lives as long as the test).
fn practising_on_a_file(ids: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, Shell, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("state.db");
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let sh = shell(Store::open(&db).expect("store"), l.pack.expect("pack"));
    let mut a = App::new(sh.pack.clone(), 1, false);
    let ids = ids.iter().map(|s| s.to_string()).collect();
    crate::util::start_study(&mut a, cloudprep::model::Mode::Practice, "t".into(), ids, t0());
    (dir, db, sh, a)
}

/// Practises question `id` alone at [`t0`] and answers it with option `display`.
fn practise_and_answer(sh: &mut Shell, a: &mut App, id: &str, display: usize) {
    crate::util::start_study(
        a,
        cloudprep::model::Mode::Practice,
        "t".into(),
        vec![id.to_string()],
        t0(),
    );
    step(sh, a, Action::Toggle(display), t0());
    step(sh, a, Action::Enter, t0());
}

/// Opens the practice chooser from home (`p`) through the shell; returns it as shown.
fn open_chooser(sh: &mut Shell, a: &mut App) -> cloudprep::tui::screens::picker::Picker {
    step(
        sh,
        a,
        Action::Menu(cloudprep::tui::screens::home::MenuItem::Practice),
        t0(),
    );
    match &a.screen {
        Screen::Picker(p) => p.clone(),
        other => panic!("no chooser: {other:?}"),
    }
}

fn study(a: &App) -> cloudprep::tui::screens::study::Study {
    match &a.screen {
        Screen::Study(st) => (**st).clone(),
        other => panic!("not studying: {other:?}"),
    }
}

#[test]
fn undo_takes_an_answer_back_from_the_history_and_asks_again() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, db, mut sh, mut a) = practising_on_a_file(&["alarm-basic", "alarm-basic"]);
    // First answer, kept: the card exists with one rep.
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    step(&mut sh, &mut a, Action::Enter, t0() + Duration::minutes(1));
    let t1 = t0() + Duration::minutes(2);
    let kept = sh.store.card("TST-C01", "alarm-basic").expect("card").expect("exists");
    assert_eq!(sh.store.count_reviews("TST-C01").expect("count"), 1);
    // Second answer, then `u` on its feedback: the row goes, the card is as it was.
    step(&mut sh, &mut a, Action::Toggle(1), t1);
    step(&mut sh, &mut a, Action::Enter, t1);
    assert_eq!(sh.store.count_reviews("TST-C01").expect("count"), 2);
    assert_eq!(study(&a).answered, 2);
    let text = format!("{:?}", draw(&a, t1).backend());
    assert!(text.contains("u undo"), "{text}");
    let undo = map_key(&a, KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)).expect("u");
    assert_eq!(undo, Action::Undo);
    assert_eq!(
        map_key(&a, KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL)),
        Some(Action::Undo)
    );
    step(&mut sh, &mut a, undo, t1 + Duration::seconds(5));
    drop(sh);
    // A fresh connection to the file: the answer is gone, the card restored.
    let store = Store::open(&db).expect("reopen");
    assert_eq!(store.count_reviews("TST-C01").expect("count"), 1);
    assert_eq!(store.card("TST-C01", "alarm-basic").expect("card"), Some(kept));
    // The running totals agree with the log: one answer, at its time, in its hour.
    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(q("SELECT SUM(answered) FROM skill_totals"), 1);
    assert_eq!(q("SELECT SUM(answered) FROM hour_totals"), 1);
    assert_eq!(q("SELECT SUM(answered) FROM difficulty_totals"), 1);
    assert_eq!(
        q("SELECT SUM(correct) FROM skill_totals"),
        q("SELECT SUM(correct) FROM reviews")
    );
    assert_eq!(q("SELECT answered FROM question_totals"), 1);
    assert_eq!(
        q("SELECT last_at FROM question_totals"),
        q("SELECT MAX(reviewed_at) FROM reviews")
    );
    // The question is asked again: no choice, no feedback, counts back to one answer.
    let st = study(&a);
    assert_eq!(st.current.question.id, "alarm-basic");
    assert!(st.current.outcome.is_none() && st.current.selected.is_empty());
    assert_eq!(st.answered, 1);
    assert!(a.status.as_deref().is_some_and(|s| s.contains("taken back")));
}

/// Issue 15 item 3: undo works "just after" too, once the next question is on screen: the
/// previous answer leaves the history and is asked again, and the next question waits.
#[test]
fn undo_just_after_takes_back_the_previous_answer_from_the_next_question() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, db, mut sh, mut a) = practising_on_a_file(&["alarm-basic", "logs-retention"]);
    // Before any answer, `u` on a question is nothing (it is not an option key either).
    assert_eq!(map_key(&a, KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)), None);
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    step(&mut sh, &mut a, Action::Enter, t0() + Duration::seconds(20));
    assert_eq!(study(&a).current.question.id, "logs-retention");
    assert_eq!(sh.store.count_reviews("TST-C01").expect("count"), 1);
    let text = format!("{:?}", draw(&a, t0() + Duration::seconds(21)).backend());
    assert!(text.contains("u undo last answer"), "{text}");
    let undo = map_key(&a, KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)).expect("u");
    step(&mut sh, &mut a, undo, t0() + Duration::seconds(25));
    drop(sh);
    let store = Store::open(&db).expect("reopen");
    assert_eq!(store.count_reviews("TST-C01").expect("count"), 0);
    assert_eq!(store.card("TST-C01", "alarm-basic").expect("card"), None, "new again");
    let st = study(&a);
    assert_eq!(st.current.question.id, "alarm-basic", "asked again");
    assert!(st.current.outcome.is_none() && st.current.selected.is_empty());
    assert_eq!((st.answered, st.done.len()), (0, 0));
    assert_eq!(
        st.queue.first().map(|i| i.question_id.as_str()),
        Some("logs-retention"),
        "the next question comes after it"
    );
    assert!(a.status.as_deref().is_some_and(|s| s.contains("taken back")));
}

/// Issue 15 item 7: the feedback says what FSRS expected (recall when asked) and when the card
/// is due next, and item 1: a review that ends carries on with cards that came due meanwhile.
#[test]
fn feedback_shows_the_recall_fsrs_expected_for_a_card_seen_before() {
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut sh = shell(Store::open_in_memory().expect("store"), l.pack.expect("pack"));
    let mut a = App::new(sh.pack.clone(), 1, false);
    let ids = vec!["alarm-basic".to_string()];
    crate::util::start_study(&mut a, cloudprep::model::Mode::Practice, "t".into(), ids.clone(), t0());
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("new card"), "{text}");
    // Three days later the same card: FSRS's recall estimate is on the feedback.
    let t3 = t0() + Duration::days(3);
    let card = sh.store.card("TST-C01", "alarm-basic").expect("card").expect("card");
    let expected = card.retrievability(&sh.sched, t3).expect("seen card");
    crate::util::start_study(&mut a, cloudprep::model::Mode::Practice, "t".into(), ids, t3);
    step(&mut sh, &mut a, Action::Toggle(0), t3);
    step(&mut sh, &mut a, Action::Enter, t3);
    let text = format!("{:?}", draw(&a, t3).backend());
    let want = format!("FSRS put your recall at {:.0}% when asked", f64::from(expected) * 100.0);
    assert!(text.contains(&want), "{want} in {text}");
    assert!(text.contains("next review "), "{text}");
}

#[test]
fn undoing_the_first_answer_leaves_the_card_new() {
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut sh = shell(Store::open_in_memory().expect("store"), l.pack.expect("pack"));
    let mut a = App::new(sh.pack.clone(), 1, false);
    crate::util::start_study(
        &mut a,
        cloudprep::model::Mode::Review,
        "t".into(),
        vec!["alarm-basic".into()],
        t0(),
    );
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    assert!(sh.store.card("TST-C01", "alarm-basic").expect("card").is_some());
    step(&mut sh, &mut a, Action::Undo, t0());
    assert_eq!(sh.store.count_reviews("TST-C01").expect("count"), 0);
    assert_eq!(sh.store.card("TST-C01", "alarm-basic").expect("card"), None);
    let Screen::Study(st) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    // A lapse would have put it back in the session; taken back, only this showing remains.
    assert!(st.queue.is_empty(), "{:?}", st.queue);
    assert!(st.current.outcome.is_none());
}

#[test]
fn a_drill_says_what_it_targets_and_why_before_it_starts() {
    let mut sh = shell(Store::open_in_memory().expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 1, false);
    sh.run(&mut a, Effect::StartDrill { count: 4 }, t0()).expect("drill");
    let Screen::Notice(n) = &a.screen else {
        panic!("no plan: {:?}", a.screen)
    };
    let queue = n.drill.clone().expect("the plan carries the drill");
    assert_eq!(queue.len(), 4);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("Drill: your weakest skills"), "{text}");
    assert!(text.contains("mastery 0 %, domain weight"), "{text}");
    assert!(text.contains("Enter start the drill"), "{text}");
    // Every skill of the drill is named, with how many of its questions are in it.
    let plan = n.lines.join("\n");
    for id in &queue {
        let skill = &sh.pack.question(id).expect("question").skill;
        assert!(plan.contains(&format!("{skill} — mastery")), "{skill}: {plan}");
    }
    step(&mut sh, &mut a, Action::Enter, t0());
    let Screen::Study(st) = &a.screen else {
        panic!("no drill: {:?}", a.screen)
    };
    assert_eq!(st.mode, cloudprep::model::Mode::Drill);
    assert_eq!(st.current.question.id, queue[0]);
    assert_eq!(st.planned, 4);
}

/// Issue 15 item 5: the chooser says, on every row, how many questions you have seen of how
/// many and your mastery; `+`/`-` set how many to practise and `f` takes only the unseen, the
/// missed or the bookmarked; skill titles are whole (wrapped, not cut).
#[test]
fn the_chooser_shows_seen_mastery_and_takes_a_count_and_a_subset() {
    use cloudprep::session::Subset;
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let mut sh = shell(Store::open_in_memory().expect("store"), pack);
    let mut a = App::new(sh.pack.clone(), 1, false);
    // Answer three questions of skill 1.1.1: two right, the last one wrong.
    let ids: Vec<String> = sh
        .pack
        .questions
        .iter()
        .filter(|q| q.skill == "1.1.1" && q.kind == cloudprep::model::Kind::Single)
        .take(3)
        .map(|q| q.id.clone())
        .collect();
    crate::util::start_study(&mut a, cloudprep::model::Mode::Practice, "t".into(), ids.clone(), t0());
    for n in 0..3 {
        let Screen::Study(st) = &a.screen else {
            panic!("{:?}", a.screen)
        };
        let key = st.current.question.correct_set()[0];
        let right = st.current.order.iter().position(|&o| o == key).expect("key");
        let pick = if n < 2 {
            right
        } else {
            (right + 1) % st.current.order.len()
        };
        step(&mut sh, &mut a, Action::Toggle(pick), t0());
        step(&mut sh, &mut a, Action::Enter, t0());
        step(&mut sh, &mut a, Action::Enter, t0());
    }
    step(&mut sh, &mut a, Action::Escape, t0());
    let press = |a: &App, c: char| map_key(a, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).expect("mapped");
    let p = open_chooser(&mut sh, &mut a);
    let total_1 = sh.pack.count_in("1");
    assert_eq!(p.facts.row(&cloudprep::session::Filter::Domain("1".into())).seen, 3);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains(&format!("3/{total_1} seen ")), "{text}");
    assert!(text.contains("seen  mastery"), "{text}");
    assert!(text.contains("Practise 10 questions"), "{text}");
    // Into domain 1, task 1.1: the skills, titles whole.
    step(&mut sh, &mut a, Action::Down, t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    step(&mut sh, &mut a, Action::Down, t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    let k = press(&a, '+');
    step(&mut sh, &mut a, k, t0());
    let k = press(&a, 'f');
    step(&mut sh, &mut a, k, t0());
    let k = press(&a, 'f');
    step(&mut sh, &mut a, k, t0());
    let Screen::Picker(p) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!((p.count, p.subset), (15, Subset::Missed));
    insta::assert_snapshot!("chooser_skills_80x24", draw(&a, t0()).backend());
    let text = format!("{:?}", draw(&a, t0()).backend());
    for s in sh.pack.exam.task("1.1").expect("task").skills.iter().take(3) {
        let last_word = s.title.split_whitespace().last().expect("word");
        assert!(text.contains(last_word), "{} is cut: {text}", s.title);
    }
    // Skill 1.1.1 (the second row), missed only: exactly the one answered wrong.
    step(&mut sh, &mut a, Action::Down, t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    let Screen::Study(st) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!((st.planned, st.current.question.id.as_str()), (1, ids[2].as_str()));
    assert_eq!(a.practice_count, 15, "the count is kept for the next practice");
    // A subset with nothing in it says so instead of starting.
    step(&mut sh, &mut a, Action::Escape, t0());
    step(
        &mut sh,
        &mut a,
        Action::Menu(cloudprep::tui::screens::home::MenuItem::Practice),
        t0(),
    );
    for _ in 0..3 {
        let k = press(&a, 'f');
        step(&mut sh, &mut a, k, t0());
    }
    step(&mut sh, &mut a, Action::Enter, t0());
    assert!(matches!(a.screen, Screen::Picker(_)));
    assert!(
        a.status
            .as_deref()
            .is_some_and(|s| s.contains("No questions here are bookmarked")),
        "{:?}",
        a.status
    );
}

/// Schema 5, through the app's own save paths and a database file: a mock-exam answer enters
/// the review log with the time spent on its item (summed over visits) and every answer with
/// its card's phase before it, so that a due review counts toward true retention (and an undo
/// takes it back out).
#[test]
fn answers_carry_their_item_time_and_the_card_phase_before_them() {
    use cloudprep::srs::{Card, CardPhase, Rating};
    use cloudprep::store::ReviewRow;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("phase.db");
    let mut sh = shell(Store::open(&db).expect("store"), exam_pack());
    let mut a = App::new(sh.pack.clone(), 1, false);
    start_exam(&mut sh, &mut a, 5);
    let exam_id = exam_screen(&a).exam_id;
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Next, t0());
    step(&mut sh, &mut a, Action::Toggle(1), t0());
    sh.store.add_exam_item_time(exam_id, 0, 40_000).expect("time");
    sh.store.add_exam_item_time(exam_id, 1, 90_000).expect("time");
    sh.store.add_exam_item_time(exam_id, 0, 25_000).expect("second visit");
    let items = sh.store.exam_items(exam_id).expect("items");
    let (q0, q1) = (items[0].question_id.clone(), items[1].question_id.clone());
    sh.finish_exam(exam_id, 300_000, false, t0() + Duration::minutes(5))
        .expect("finish");
    let store = Store::open(&db).expect("reopen");
    let logged: Vec<(String, cloudprep::model::Mode, i64, Option<CardPhase>)> = store
        .reviews("TST-C01")
        .expect("reviews")
        .into_iter()
        .map(|r| (r.question_id, r.mode, r.elapsed_ms, r.phase))
        .collect();
    assert_eq!(
        logged,
        vec![
            (q0, cloudprep::model::Mode::Exam, 65_000, Some(CardPhase::New)),
            (q1, cloudprep::model::Mode::Exam, 90_000, Some(CardPhase::New)),
        ]
    );
    assert_eq!(
        store.median_ms_by_domain("TST-C01").expect("medians").len(),
        1,
        "the exam answers are timed"
    );
    drop(store);

    // A card in the review phase, answered in review: the answer is a due review.
    let at = t0() - Duration::days(10);
    let first = Scheduler::default_params().answer(&Card::new("alarm-basic-1", at), Rating::Easy, at);
    assert_eq!(first.phase, CardPhase::Review);
    let row = ReviewRow {
        question_id: "alarm-basic-1".into(),
        skill: "1.1.1".into(),
        difficulty: 1,
        reviewed_at: at,
        rating: Rating::Easy,
        correct: true,
        mode: cloudprep::model::Mode::Practice,
        elapsed_ms: 20_000,
        chosen: vec![0],
        exam_id: None,
        phase: Some(CardPhase::New),
    };
    sh.store.record_answer("TST-C01", &row, &first).expect("save");
    crate::util::start_study(
        &mut a,
        cloudprep::model::Mode::Review,
        "t".into(),
        vec!["alarm-basic-1".into()],
        t0(),
    );
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    let last = sh
        .store
        .reviews("TST-C01")
        .expect("reviews")
        .into_iter()
        .find(|r| r.reviewed_at == t0())
        .expect("the review is logged");
    assert_eq!((last.mode.as_str(), last.phase), ("review", Some(CardPhase::Review)));
    let since = t0() - Duration::days(30);
    assert_eq!(sh.store.true_retention("TST-C01", since).expect("retention").0, 1);
    step(&mut sh, &mut a, Action::Undo, t0());
    assert_eq!(sh.store.true_retention("TST-C01", since).expect("retention"), (0, 0));
    assert_eq!(
        sh.store.card("TST-C01", "alarm-basic-1").expect("card"),
        Some(first),
        "the undo restores the card"
    );
}

/// Issue 15 item 6: `b` bookmarks the question on its feedback and `N` writes a note; both are
/// saved, the note shows with the question's feedback from then on (a later session, a new
/// start of the app), the chooser takes the bookmarked, and the JSON export has both.
#[test]
fn bookmarks_and_notes_are_kept_shown_and_exported() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, db, mut sh, mut a) = practising_on_a_file(&["alarm-basic"]);
    let key = |a: &App, c: KeyCode| map_key(a, KeyEvent::new(c, KeyModifiers::NONE));
    // Before the answer, b is an option letter, not a bookmark.
    assert_eq!(key(&a, KeyCode::Char('b')), Some(Action::Toggle(1)));
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    let k = key(&a, KeyCode::Char('b')).expect("b");
    assert_eq!(k, Action::Bookmark);
    step(&mut sh, &mut a, k, t0());
    assert!(sh.store.is_bookmarked("TST-C01", "alarm-basic").expect("bookmark"));
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("★ Bookmarked"), "{text}");
    let k = key(&a, KeyCode::Char('N')).expect("N");
    step(&mut sh, &mut a, k, t0());
    for c in "period is 60 s".chars() {
        step(&mut sh, &mut a, Action::Char(c), t0());
    }
    step(&mut sh, &mut a, Action::Enter, t0());
    assert_eq!(
        sh.store.note("TST-C01", "alarm-basic").expect("note").as_deref(),
        Some("period is 60 s")
    );
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("Your note: period is 60 s"), "{text}");
    // A new start of the app (a fresh shell on the file): the note is on the feedback again.
    drop(sh);
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    let mut sh = shell(Store::open(&db).expect("reopen"), l.pack.expect("pack"));
    let mut a = App::new(sh.pack.clone(), 2, false);
    a.personal = sh.personal().expect("personal");
    practise_and_answer(&mut sh, &mut a, "alarm-basic", 0);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("Your note: period is 60 s"), "{text}");
    assert!(text.contains("★ Bookmarked"), "{text}");
    // The chooser's bookmarked subset has it (Esc: the summary, then home).
    step(&mut sh, &mut a, Action::Escape, t0());
    step(&mut sh, &mut a, Action::Escape, t0());
    let p = open_chooser(&mut sh, &mut a);
    assert_eq!(p.facts.row(&cloudprep::session::Filter::All).bookmarked, 1);
    // The export has both.
    let json = cloudprep::commands::export_json(&sh.store, "TST-C01", None).expect("export");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["bookmarks"][0]["question_id"], "alarm-basic", "{v}");
    assert_eq!(v["notes"][0]["text"], "period is 60 s", "{v}");
    // An emptied note is deleted; `b` again takes the bookmark off.
    practise_and_answer(&mut sh, &mut a, "alarm-basic", 0);
    step(&mut sh, &mut a, Action::Note, t0());
    step(
        &mut sh,
        &mut a,
        Action::Edit(cloudprep::tui::input::Edit::DeleteToStart),
        t0(),
    );
    step(&mut sh, &mut a, Action::Enter, t0());
    step(&mut sh, &mut a, Action::Bookmark, t0());
    assert_eq!(sh.store.note("TST-C01", "alarm-basic").expect("note"), None);
    assert!(!sh.store.is_bookmarked("TST-C01", "alarm-basic").expect("bookmark"));
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(
        !text.contains("Your note") && text.contains("b bookmark · N write a note"),
        "{text}"
    );
}

/// Issue 15 items 4 and 12: the time on each exam item is counted on the exam clock (not while
/// the grid is open), stored as it goes, carried into the answers' log, and the report shows it
/// with the five slowest items.
#[test]
fn exam_items_keep_their_time_and_the_report_shows_the_slowest() {
    let (mut sh, mut a) = exam_started(5);
    let s = |n: i64| t0() + Duration::seconds(n);
    step(&mut sh, &mut a, Action::Toggle(0), s(30));
    step(&mut sh, &mut a, Action::Next, s(40)); // item 1: 40 s
    step(&mut sh, &mut a, Action::Toggle(0), s(100));
    step(&mut sh, &mut a, Action::Grid, s(100)); // item 2: 60 s
    step(&mut sh, &mut a, Action::Left, s(200)); // the grid's time is nobody's
    step(&mut sh, &mut a, Action::Enter, s(220)); // jump to item 1
    step(&mut sh, &mut a, Action::Next, s(245)); // item 1: +25 s
    let ex = exam_screen(&a);
    let id = ex.exam_id;
    assert_eq!(ex.items[0].time_ms, 65_000);
    assert_eq!(ex.items[1].time_ms, 60_000);
    let stored: Vec<i64> = sh
        .store
        .exam_items(id)
        .expect("items")
        .iter()
        .map(|i| i.time_ms)
        .collect();
    assert_eq!(&stored[..3], &[65_000, 60_000, 0]);
    step(&mut sh, &mut a, Action::Submit, s(250)); // item 2: +5 s
    step(&mut sh, &mut a, Action::Yes, s(250));
    let Screen::Report(r) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!(r.items[1].time_ms, 65_000);
    insta::assert_snapshot!("report_with_item_times_80x24", draw(&a, s(250)).backend());
    let text = format!("{:?}", draw(&a, s(250)).backend());
    assert!(text.contains("Slowest: item 1 1 min 5 s"), "{text}");
    assert!(text.contains("item 2 1 min 5 s"), "{text}");
    assert!(text.contains("(pace 2 min)"), "{text}");
    // The answers' log carries the items' time.
    let times: Vec<i64> = sh
        .store
        .reviews("TST-C01")
        .expect("reviews")
        .iter()
        .map(|r| r.elapsed_ms)
        .collect();
    assert_eq!(times, vec![65_000, 65_000]);
}

/// Undo "just after" reaches the summary too: the session's last answer can be taken back from
/// its summary, which goes back into the session on that question.
#[test]
fn the_last_answer_can_be_taken_back_from_the_summary() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, db, mut sh, mut a) = practising_on_a_file(&["alarm-basic"]);
    step(&mut sh, &mut a, Action::Toggle(0), t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    step(&mut sh, &mut a, Action::Enter, t0());
    assert!(matches!(a.screen, Screen::Summary(_)), "{:?}", a.screen);
    let text = format!("{:?}", draw(&a, t0()).backend());
    assert!(text.contains("u: take the last answer back"), "{text}");
    let undo = map_key(&a, KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE)).expect("u");
    step(&mut sh, &mut a, undo, t0() + Duration::seconds(3));
    drop(sh);
    assert_eq!(
        Store::open(&db)
            .expect("reopen")
            .count_reviews("TST-C01")
            .expect("count"),
        0
    );
    let st = study(&a);
    assert_eq!(st.current.question.id, "alarm-basic");
    assert!(st.current.outcome.is_none());
    assert_eq!((st.answered, st.done.len()), (0, 0));
}
