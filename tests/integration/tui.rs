//! The TUI: the pure update, snapshots of the screens (TestBackend), every size, and the real
//! binary in tmux.

use std::rc::Rc;

use chrono::{TimeZone, Utc};
use cloudprep::content::{self, ContentSource};
use cloudprep::model::{Mode, Pack};
use cloudprep::srs::{Card, Rating, Scheduler};
use cloudprep::study::{Dashboard, DomainRow};
use cloudprep::tui::app::{self, Action, App, Effect, Screen};
use cloudprep::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::util::fixtures;

fn pack() -> Rc<Pack> {
    let l = content::load(&ContentSource::Dir(fixtures().join("valid")), "TST-C01");
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    Rc::new(l.pack.expect("pack"))
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0).single().expect("date")
}

fn app_with_dash() -> App {
    let p = pack();
    let mut a = App::new(p.clone(), 42, false);
    a.dash = Dashboard {
        due_now: 12,
        new_available: 20,
        reviews_today: 5,
        streak_days: 3,
        studied_today: true,
        next_due: None,
        domains: p
            .exam
            .domains
            .iter()
            .enumerate()
            .map(|(i, d)| DomainRow {
                id: d.id.clone(),
                title: d.title.clone(),
                weight: d.weight,
                mastery: 0.3 * i as f64 + 0.1,
            })
            .collect(),
        last_exam: Some((745, true)),
        readiness: None,
        exam_in_progress: false,
        questions: p.questions.len(),
        seen: 3,
        plan: None,
    };
    a
}

fn draw(a: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view::render_at(a, f, t0())).expect("draw");
    t
}

fn screen_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// Starts a practice session on the given ids.
fn studying(ids: &[&str]) -> App {
    let mut a = app_with_dash();
    crate::util::start_study(
        &mut a,
        Mode::Practice,
        "task 1.1".into(),
        ids.iter().map(|s| s.to_string()).collect(),
        t0(),
    );
    a
}

fn current(a: &App) -> &cloudprep::tui::question::QuestionView {
    match &a.screen {
        Screen::Study(st) => &st.current,
        other => panic!("not studying: {other:?}"),
    }
}

/// The display letter of the correct option of a single-answer question on screen.
fn correct_display(a: &App) -> usize {
    let v = current(a);
    let k = v.question.correct_set()[0];
    v.order.iter().position(|&o| o == k).expect("in order")
}

#[test]
fn snapshot_home() {
    let a = app_with_dash();
    insta::assert_snapshot!("home_80x24", draw(&a, 80, 24).backend());
}

#[test]
fn snapshot_question_and_feedback() {
    let mut a = studying(&["alarm-basic", "logs-retention"]);
    insta::assert_snapshot!("question_80x24", draw(&a, 80, 24).backend());
    let right = correct_display(&a);
    let wrong = (right + 1) % 4;
    app::update(&mut a, Action::Toggle(wrong), t0());
    let eff = app::update(&mut a, Action::Enter, t0());
    assert!(matches!(eff.as_slice(), [Effect::SaveAnswer(r)] if !r.correct && r.rating == Rating::Again));
    let before = Card::new("alarm-basic", t0());
    let after = Scheduler::default_params().answer(&before, Rating::Again, t0());
    crate::util::answer_saved(&mut a, 1, t0(), before, &after);
    let settings = insta::Settings::clone_current();
    let mut s = settings.clone();
    s.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "[time]");
    s.bind(|| insta::assert_snapshot!("feedback_80x24", draw(&a, 80, 24).backend()));
    let text = screen_text(&draw(&a, 80, 24));
    assert!(
        text.contains("✗ Incorrect — the answer is") && text.contains("saved"),
        "{text}"
    );
}

#[test]
fn snapshot_too_small() {
    let a = app_with_dash();
    let text = screen_text(&draw(&a, 60, 20));
    assert!(text.contains("Terminal too small: 60×20"), "{text}");
}

/// The practice chooser (no answers yet) and a notice that offers practice.
fn chooser_and_notice() -> [App; 2] {
    let mut picker = app_with_dash();
    app::update(&mut picker, Action::PickerLoaded(Default::default()), t0());
    let mut notice = app_with_dash();
    let says = Action::Notice {
        title: "Review".into(),
        lines: vec!["Nothing is due.".into()],
        offer_practice: true,
    };
    app::update(&mut notice, says, t0());
    [picker, notice]
}

#[test]
fn every_screen_renders_at_every_size_without_panic() {
    let mut screens = vec![app_with_dash()];
    let mut q = studying(&["sns-multi", "alarm-basic"]);
    screens.push(studying(&["sns-multi"]));
    app::update(&mut q, Action::Toggle(0), t0());
    app::update(&mut q, Action::Toggle(1), t0());
    app::update(&mut q, Action::Enter, t0());
    screens.push(q);
    let mut help = app_with_dash();
    app::update(&mut help, Action::Help, t0());
    screens.push(help);
    screens.extend(chooser_and_notice());
    for a in &screens {
        for w in [1u16, 2, 5, 10, 20, 40, 79, 80, 81, 100, 120, 200, 300] {
            for h in [1u16, 2, 5, 10, 23, 24, 25, 40, 100] {
                let _ = draw(a, w, h);
            }
        }
    }
}

#[test]
fn single_answer_replaces_and_multiple_toggles() {
    let mut a = studying(&["alarm-basic"]);
    app::update(&mut a, Action::Toggle(0), t0());
    app::update(&mut a, Action::Toggle(2), t0());
    assert_eq!(current(&a).selected, vec![2]);
    let mut m = studying(&["sns-multi"]);
    app::update(&mut m, Action::Toggle(0), t0());
    app::update(&mut m, Action::Toggle(3), t0());
    app::update(&mut m, Action::Toggle(0), t0());
    assert_eq!(current(&m).selected, vec![3]);
    // Submitting the wrong number of answers for a multiple-response question is refused.
    assert!(app::update(&mut m, Action::Enter, t0()).is_empty());
    assert!(m.status.as_deref().is_some_and(|s| s.contains("asks for 2")));
}

#[test]
fn submit_without_a_choice_is_refused() {
    let mut a = studying(&["alarm-basic"]);
    assert!(app::update(&mut a, Action::Enter, t0()).is_empty());
    assert!(a.status.is_some());
    assert!(current(&a).outcome.is_none());
}

#[test]
fn right_answer_is_good_and_can_be_rerated_then_next_and_summary() {
    let mut a = studying(&["alarm-basic", "logs-retention"]);
    let right = correct_display(&a);
    app::update(&mut a, Action::Toggle(right), t0());
    let eff = app::update(&mut a, Action::Enter, t0());
    let Some(Effect::SaveAnswer(rec)) = eff.first() else {
        panic!("{eff:?}")
    };
    assert!(rec.correct);
    assert_eq!(rec.rating, Rating::Good);
    assert_eq!(rec.chosen, vec![0], "stored as the original index");
    let before = Card::new("alarm-basic", t0());
    let after = Scheduler::default_params().answer(&before, Rating::Good, t0());
    crate::util::answer_saved(&mut a, 7, t0(), before.clone(), &after);
    let eff = app::update(&mut a, Action::Rate(Rating::Easy), t0());
    assert_eq!(
        eff,
        vec![Effect::Rerate {
            review_id: 7,
            card_before: before,
            question_id: "alarm-basic".into(),
            rating: Rating::Easy,
            at: t0(),
        }]
    );
    app::update(&mut a, Action::Enter, t0());
    assert_eq!(current(&a).question.id, "logs-retention");
    let r = correct_display(&a);
    app::update(&mut a, Action::Toggle(r), t0());
    app::update(&mut a, Action::Enter, t0());
    app::update(&mut a, Action::Enter, t0());
    match &a.screen {
        Screen::Summary(s) => assert_eq!((s.answered, s.correct), (2, 2)),
        other => panic!("{other:?}"),
    }
}

/// A review of `alarm-basic` answered wrong at [`t0`], saved: the app and the card's new state.
fn lapsed_in_review() -> (App, Card) {
    let mut a = app_with_dash();
    crate::util::start_study(&mut a, Mode::Review, "due".into(), vec!["alarm-basic".into()], t0());
    let wrong = (correct_display(&a) + 1) % 4;
    app::update(&mut a, Action::Toggle(wrong), t0());
    app::update(&mut a, Action::Enter, t0());
    let before = Card::new("alarm-basic", t0());
    let after = Scheduler::default_params().answer(&before, Rating::Again, t0());
    crate::util::answer_saved(&mut a, 1, t0(), before, &after);
    (a, after)
}

#[test]
fn review_brings_a_lapsed_card_back_in_the_same_session() {
    let (mut a, _) = lapsed_in_review();
    // One minute later (the first learning step) the card is shown again.
    app::update(&mut a, Action::Enter, t0() + chrono::Duration::minutes(1));
    assert_eq!(current(&a).question.id, "alarm-basic");
    assert!(current(&a).outcome.is_none());
}

/// A card in a learning step is never shown again before the step is due, even when nothing
/// else is left (issue 14): the session ends and says when it comes back.
#[test]
fn a_card_in_its_step_is_not_shown_again_before_the_step_is_due() {
    let (mut a, after) = lapsed_in_review();
    assert!(after.due > t0() + chrono::Duration::seconds(30), "{:?}", after.due);
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("next review in "), "relative, not a timestamp: {text}");
    // Seconds later: not the same stem again, but the end of the session once the shell has
    // looked for cards that came due meanwhile (none).
    let eff = app::update(&mut a, Action::Enter, t0() + chrono::Duration::seconds(5));
    assert_eq!(eff, vec![Effect::ReviewMoreDue]);
    app::update(&mut a, Action::MoreDue(Vec::new()), t0() + chrono::Duration::seconds(5));
    let Screen::Summary(s) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!(s.next_due, Some(after.due));
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| view::render_at(&a, f, t0() + chrono::Duration::seconds(5)))
        .expect("draw");
    let text = screen_text(&t);
    assert!(text.contains("come back in "), "{text}");
}

#[test]
fn relative_times_read_as_a_person_says_them() {
    let now = t0();
    assert_eq!(view::relative_time(now + chrono::Duration::seconds(10), now), "now");
    assert_eq!(
        view::relative_time(now + chrono::Duration::minutes(10), now),
        "in 10 min"
    );
    assert_eq!(
        view::relative_time(now + chrono::Duration::seconds(61), now),
        "in 2 min"
    );
    assert_eq!(view::relative_time(now + chrono::Duration::hours(3), now), "in 3 h");
    assert!(view::relative_time(now + chrono::Duration::days(1), now).starts_with("tomorrow "));
    assert_eq!(
        view::relative_time(now + chrono::Duration::days(9), now).len(),
        16,
        "a date and time"
    );
}

#[test]
fn keys_map_per_screen() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let home = app_with_dash();
    assert_eq!(
        map_key(&home, k('p')),
        Some(Action::Menu(cloudprep::tui::screens::home::MenuItem::Practice))
    );
    assert_eq!(
        map_key(&home, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    let mut q = studying(&["alarm-basic"]);
    assert_eq!(map_key(&q, k('c')), Some(Action::Toggle(2)));
    assert_eq!(map_key(&q, k('3')), Some(Action::Toggle(2)));
    app::update(&mut q, Action::Toggle(0), t0());
    app::update(&mut q, Action::Enter, t0());
    assert_eq!(map_key(&q, k('3')), Some(Action::Rate(Rating::Good)));
    assert_eq!(map_key(&q, k('?')), Some(Action::Help));
    // Esc never quits the app (issue 14): on home it does nothing; q quits.
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(map_key(&home, esc), None);
    assert_eq!(map_key(&home, k('q')), Some(Action::Back));
    // `/`, Esc, Esc: the search box closes, then nothing.
    let mut s = app_with_dash();
    app::update(&mut s, Action::Search, t0());
    assert_eq!(map_key(&s, esc), Some(Action::Back), "Esc closes the text box");
    app::update(&mut s, Action::Back, t0());
    assert!(s.input.is_none() && !s.quit);
    assert_eq!(map_key(&s, esc), None);
    // On a screen opened from the command line, q goes back to the shell and Esc to home.
    let mut h = studying(&["alarm-basic"]);
    h.exit_on_home = true;
    assert_eq!(map_key(&h, esc), Some(Action::Escape));
    app::update(&mut h, Action::Escape, t0());
    assert!(matches!(h.screen, Screen::Home) && !h.quit, "{:?}", h.screen);
    let mut h = studying(&["alarm-basic"]);
    h.exit_on_home = true;
    let eff = app::update(&mut h, Action::Back, t0());
    assert!(h.quit && eff.contains(&Effect::Quit), "{eff:?}");
}

#[test]
fn a_click_on_an_option_toggles_it() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    use ratatui::layout::Rect;
    let a = studying(&["alarm-basic"]);
    let size = Rect::new(0, 0, 80, 24);
    let text = screen_text(&draw(&a, 80, 24));
    let row = text.lines().position(|l| l.contains(" C. ")).expect("option C drawn") as u16;
    let ev = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    };
    assert_eq!(cloudprep::tui::keys::map_mouse(&a, size, ev), Some(Action::Toggle(2)));
}

#[test]
fn report_a_question_with_a_note() {
    let mut a = studying(&["alarm-basic"]);
    // Choose an option first: the report keeps the order shown and the choice.
    app::update(&mut a, Action::Toggle(1), t0());
    let shown = current(&a).order.clone();
    let chosen = vec![shown[1]];
    app::update(&mut a, Action::ReportQuestion, t0());
    for c in "B too".chars() {
        app::update(&mut a, Action::Char(c), t0());
    }
    app::update(&mut a, Action::Edit(cloudprep::tui::input::Edit::DeleteBack), t0());
    let eff = app::update(&mut a, Action::Enter, t0());
    assert_eq!(
        eff,
        vec![Effect::SaveReport {
            question_id: "alarm-basic".into(),
            note: "B to".into(),
            shown_order: shown,
            chosen,
        }]
    );
    assert!(a.input.is_none());
    assert!(matches!(a.screen, Screen::Study(_)), "the question stays on screen");
}

#[test]
fn search_lists_hits_and_opens_one_as_practice() {
    let mut a = app_with_dash();
    app::update(&mut a, Action::Search, t0());
    for c in "retention".chars() {
        app::update(&mut a, Action::Char(c), t0());
    }
    app::update(&mut a, Action::Enter, t0());
    let Screen::Search(sr) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!(sr.hits, vec!["logs-retention".to_string()]);
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("1 match for \"retention\""), "{text}");
    app::update(&mut a, Action::Enter, t0());
    assert_eq!(current(&a).question.id, "logs-retention");
    // Answered, Enter goes back to the results, not home (issue 15).
    app::update(&mut a, Action::Toggle(0), t0());
    app::update(&mut a, Action::Enter, t0());
    app::update(&mut a, Action::Enter, t0());
    let Screen::Search(sr) = &a.screen else {
        panic!("not back at the results: {:?}", a.screen)
    };
    assert_eq!((sr.query.as_str(), sr.cursor), ("retention", 0));
    // So does leaving a hit unanswered with q.
    app::update(&mut a, Action::Enter, t0());
    assert!(matches!(a.screen, Screen::Study(_)), "{:?}", a.screen);
    app::update(&mut a, Action::Back, t0());
    assert!(matches!(a.screen, Screen::Search(_)), "{:?}", a.screen);
}

#[test]
fn search_results_show_the_match_in_bold() {
    let mut a = app_with_dash();
    app::update(&mut a, Action::Search, t0());
    for c in "KEPT".chars() {
        app::update(&mut a, Action::Char(c), t0());
    }
    app::update(&mut a, Action::Enter, t0());
    // The match is in bold in the result line; the words around it are not.
    let t = draw(&a, 80, 24);
    let buf = t.backend().buffer();
    let cells = |y: u16| -> Vec<String> { (0..80u16).map(|x| buf[(x, y)].symbol().to_lowercase()).collect() };
    let (row, x) = (0..24u16)
        .filter(|&y| !cells(y).concat().contains("match for"))
        .find_map(|y| {
            let c = cells(y);
            (0..c.len().saturating_sub(4))
                .find(|&i| c[i..i + 4].concat() == "kept")
                .map(|i| (y, i as u16))
        })
        .expect("a result row with the match");
    let bold = |x: u16| buf[(x, row)].modifier.contains(ratatui::style::Modifier::BOLD);
    assert!((x..x + 4).all(bold), "{:?}", cells(row).concat());
    assert!(!bold(x.saturating_sub(2)), "{:?}", cells(row).concat());
}

#[test]
fn home_keys_follow_the_config_overrides() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut a = app_with_dash();
    a.key_overrides = vec![(cloudprep::tui::screens::home::MenuItem::Review, 'v')];
    assert_eq!(
        map_key(&a, k('v')),
        Some(Action::Menu(cloudprep::tui::screens::home::MenuItem::Review))
    );
    assert_eq!(map_key(&a, k('r')), None);
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("v  Review due cards"), "{text}");
    // The footer and the help say the same key (issue 14).
    let footer = text.lines().rev().find(|l| !l.trim().is_empty()).expect("footer");
    assert!(
        footer.contains(" v p w e h s ") && !footer.contains(" r p "),
        "{footer}"
    );
    app::update(&mut a, Action::Help, t0());
    let help = screen_text(&draw(&a, 80, 24));
    assert!(help.contains("  v          Review due cards"), "{help}");
    assert!(!help.contains("  r          "), "{help}");
}

/// Scrolls the feedback of a wrong answer to `alarm-basic` to its end and draws it.
fn feedback_end(hyperlinks: bool) -> Terminal<TestBackend> {
    let mut a = studying(&["alarm-basic"]);
    a.hyperlinks = hyperlinks;
    let wrong = (correct_display(&a) + 1) % 4;
    app::update(&mut a, Action::Toggle(wrong), t0());
    app::update(&mut a, Action::Enter, t0());
    for _ in 0..60 {
        app::update(&mut a, Action::ScrollDown, t0());
    }
    draw(&a, 80, 24)
}

#[test]
fn feedback_shows_the_verified_month_and_whole_urls() {
    let url = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html";
    let text = screen_text(&feedback_end(false));
    assert!(
        text.contains("References · checked against the AWS documentation December 2026"),
        "{text}"
    );
    assert!(text.contains("• Using Amazon CloudWatch alarms"), "{text}");
    // The URL is wider than the column: its pieces stand on lines of their own, indented two
    // columns, and join back into the address with nothing added.
    let pieces: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("• Using Amazon CloudWatch alarms"))
        .skip(1)
        .take_while(|l| l.starts_with("   ") && !l.trim().is_empty())
        .map(|l| l.trim())
        .collect();
    assert!(pieces.len() >= 2, "{text}");
    assert_eq!(pieces.concat(), url, "{text}");
}

#[test]
fn feedback_urls_are_osc8_hyperlinks_when_the_terminal_takes_them() {
    let url = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html";
    let t = feedback_end(true);
    let buf = t.backend().buffer();
    let mut links = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            if c.symbol().starts_with("\x1b]8;") {
                links.push((x, c.symbol().to_string(), c.diff_option));
            }
        }
    }
    assert!(links.len() >= 2, "every piece of the URL is a link: {links:?}");
    let mut joined = String::new();
    for (x, sym, diff) in &links {
        assert_eq!(*x, 3, "the piece starts after the two-column indent");
        assert!(
            sym.contains(&format!(";{url}\x1b\\")),
            "the link is the whole URL: {sym:?}"
        );
        assert!(sym.ends_with("\x1b]8;;\x1b\\"), "{sym:?}");
        let shown = sym
            .split("\x1b\\")
            .nth(1)
            .and_then(|s| s.strip_suffix("\x1b]8;;"))
            .expect("the shown text");
        assert_eq!(
            *diff,
            ratatui::buffer::CellDiffOption::ForcedWidth(
                std::num::NonZeroU16::new(shown.chars().count() as u16).expect("width")
            )
        );
        joined.push_str(shown);
    }
    assert_eq!(joined, url);
}

/// While "Terminal too small" is shown, keys do nothing unseen: only q and Ctrl-C act (they
/// quit, as the notice says), and the mouse is ignored.
#[test]
fn a_terminal_too_small_takes_only_q_and_ctrl_c() {
    use cloudprep::tui::keys::{map_key, map_key_sized};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;
    let mut a = studying(&["alarm-basic"]);
    let right = correct_display(&a);
    app::update(&mut a, Action::Toggle(right), t0());
    app::update(&mut a, Action::Enter, t0());
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let small = Rect::new(0, 0, 79, 24);
    assert_eq!(
        map_key(&a, key(KeyCode::Enter)),
        Some(Action::Enter),
        "at full size Enter moves on"
    );
    assert_eq!(
        map_key_sized(&a, key(KeyCode::Enter), small),
        None,
        "not while too small"
    );
    assert_eq!(map_key_sized(&a, key(KeyCode::Char('3')), small), None);
    assert_eq!(map_key_sized(&a, key(KeyCode::Char('q')), small), Some(Action::Quit));
    assert_eq!(
        map_key_sized(&a, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), small),
        Some(Action::Quit)
    );
    assert_eq!(
        map_key_sized(&a, key(KeyCode::Enter), Rect::new(0, 0, 80, 24)),
        Some(Action::Enter)
    );
    let text = screen_text(&draw(&a, 79, 24));
    assert!(text.contains("press q to quit"), "{text}");
}

/// Home's menu takes the exam's size from the pack and offers to resume an unfinished exam.
#[test]
fn home_menu_says_the_packs_exam_and_resume() {
    let mut a = app_with_dash();
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("Mock exam (10 questions, 20 minutes)"), "{text}");
    a.dash.exam_in_progress = true;
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("Resume the unfinished mock exam"), "{text}");
}

/// Text boxes edit as a shell line does; other Ctrl and Alt chords type nothing (issue 14).
#[test]
fn text_boxes_take_the_usual_line_editing() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut a = app_with_dash();
    app::update(&mut a, Action::Search, t0());
    let press = |a: &mut App, code: KeyCode, m: KeyModifiers| {
        if let Some(act) = map_key(a, KeyEvent::new(code, m)) {
            app::update(a, act, t0());
        }
    };
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    for c in "nat gateway".chars() {
        press(&mut a, KeyCode::Char(c), none);
    }
    let text = |a: &App| a.input.as_ref().map(|i| (i.text.clone(), i.cursor)).expect("input");
    assert_eq!(text(&a), ("nat gateway".into(), 11));
    press(&mut a, KeyCode::Char('u'), ctrl | KeyModifiers::NONE);
    assert_eq!(text(&a), ("".into(), 0), "Ctrl-U clears to the start, and types no u");
    for c in "vpc flow logs".chars() {
        press(&mut a, KeyCode::Char(c), none);
    }
    press(&mut a, KeyCode::Char('w'), ctrl);
    assert_eq!(text(&a), ("vpc flow ".into(), 9), "Ctrl-W deletes a word");
    press(&mut a, KeyCode::Char('a'), ctrl);
    press(&mut a, KeyCode::Char('x'), KeyModifiers::ALT);
    press(&mut a, KeyCode::Char('k'), ctrl);
    assert_eq!(
        text(&a),
        ("vpc flow ".into(), 0),
        "Ctrl-A goes home; other chords do nothing"
    );
    press(&mut a, KeyCode::Right, none);
    press(&mut a, KeyCode::Char('!'), none);
    assert_eq!(text(&a), ("v!pc flow ".into(), 2));
    press(&mut a, KeyCode::Backspace, none);
    press(&mut a, KeyCode::End, none);
    press(&mut a, KeyCode::Left, none);
    press(&mut a, KeyCode::Delete, none);
    assert_eq!(text(&a), ("vpc flow".into(), 8));
    press(&mut a, KeyCode::Home, none);
    assert_eq!(text(&a).1, 0);
    let screen = screen_text(&draw(&a, 80, 24));
    assert!(
        screen.contains("▏vpc flow"),
        "the cursor is drawn where it is: {screen}"
    );
}

/// The "↓ more" marker has a row of its own: it never covers the end of a line of text.
#[test]
fn the_more_marker_never_covers_text() {
    let mut a = studying(&["alarm-basic"]);
    let wrong = (correct_display(&a) + 1) % 4;
    app::update(&mut a, Action::Toggle(wrong), t0());
    app::update(&mut a, Action::Enter, t0());
    let mut seen = 0;
    for _ in 0..40 {
        let text = screen_text(&draw(&a, 80, 24));
        if let Some(row) = text.lines().find(|l| l.contains("↓ more")) {
            assert_eq!(row.trim(), "↓ more", "{text}");
            seen += 1;
        }
        app::update(&mut a, Action::Down, t0());
    }
    assert!(seen > 3, "the feedback is longer than the screen");
}

/// Home's "Due now" follows the clock: a tick asks for a fresh dashboard once a minute.
#[test]
fn home_refreshes_its_counts_every_minute() {
    let mut a = app_with_dash();
    a.dash_at = Some(t0());
    assert!(app::update(&mut a, Action::Tick, t0() + chrono::Duration::seconds(30)).is_empty());
    let eff = app::update(&mut a, Action::Tick, t0() + chrono::Duration::seconds(61));
    assert_eq!(eff, vec![Effect::RefreshDashboard]);
    assert!(app::update(&mut a, Action::Tick, t0() + chrono::Duration::seconds(90)).is_empty());
    // Not while another screen is up.
    let mut s = studying(&["alarm-basic"]);
    s.dash_at = Some(t0());
    assert!(app::update(&mut s, Action::Tick, t0() + chrono::Duration::minutes(5)).is_empty());
}

/// The review header counts new, learning and due cards apart, as Anki does (issue 14).
#[test]
fn the_review_header_counts_new_learning_and_due_apart() {
    let mut a = app_with_dash();
    let new: std::collections::HashSet<String> = ["logs-retention".to_string()].into();
    let study = Action::Study {
        mode: Mode::Review,
        title: "due, then new".into(),
        queue: vec!["alarm-basic".into(), "logs-retention".into()],
        new_ids: new,
    };
    app::update(&mut a, study, t0());
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("Review · 1 new · 0 learning · 1 due"), "{text}");
    // A lapse: the card goes to its learning step, and the header says so.
    let wrong = (correct_display(&a) + 1) % 4;
    app::update(&mut a, Action::Toggle(wrong), t0());
    app::update(&mut a, Action::Enter, t0());
    let before = Card::new("alarm-basic", t0());
    let after = Scheduler::default_params().answer(&before, Rating::Again, t0());
    crate::util::answer_saved(&mut a, 1, t0(), before, &after);
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("Review · 1 new · 1 learning · 0 due"), "{text}");
}

/// With an exam date, home shows the plan: days left, on track or behind, new questions and
/// reviews a day, and the next mock-exam day.
#[test]
fn home_shows_the_plan_to_the_exam_date() {
    let mut a = app_with_dash();
    let d = |s: &str| cloudprep::plan::parse_date(s).expect("date");
    a.dash.plan = Some(cloudprep::plan::plan(&cloudprep::plan::PlanInput {
        exam_date: d("2027-01-20"),
        today: d("2026-12-06"),
        unseen: 600,
        due_forecast: vec![14; 7],
        new_last_7_days: [0; 7],
        set_on: None,
    }));
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("Exam in        45 days · behind"), "{text}");
    assert!(text.contains("New a day      16"), "{text}");
    assert!(text.contains("Reviews a day  about 14"), "{text}");
    assert!(text.contains("Next mock      Sun 13 Dec"), "{text}");
}

/// A review that runs out carries on with the cards that came due while it ran, in the same
/// session (its summary counts them all).
#[test]
fn a_review_carries_on_with_cards_that_came_due_in_the_same_session() {
    let mut a = app_with_dash();
    crate::util::start_study(&mut a, Mode::Review, "due".into(), vec!["alarm-basic".into()], t0());
    let right = correct_display(&a);
    app::update(&mut a, Action::Toggle(right), t0());
    app::update(&mut a, Action::Enter, t0());
    let eff = app::update(&mut a, Action::Enter, t0());
    assert_eq!(eff, vec![Effect::ReviewMoreDue]);
    app::update(&mut a, Action::MoreDue(vec!["logs-retention".into()]), t0());
    assert_eq!(current(&a).question.id, "logs-retention");
    assert!(a.status.as_deref().is_some_and(|s| s.contains("1 more card came due")));
    let right = correct_display(&a);
    app::update(&mut a, Action::Toggle(right), t0());
    app::update(&mut a, Action::Enter, t0());
    assert_eq!(app::update(&mut a, Action::Enter, t0()), vec![Effect::ReviewMoreDue]);
    app::update(&mut a, Action::MoreDue(Vec::new()), t0());
    let Screen::Summary(s) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!((s.answered, s.correct), (2, 2));
}

/// Answers the question on screen right or wrong, then moves on, `secs` seconds after it showed.
fn answer(a: &mut App, right: bool, at: chrono::DateTime<Utc>) {
    let r = correct_display(a);
    let pick = if right { r } else { (r + 1) % 4 };
    app::update(a, Action::Toggle(pick), at);
    app::update(a, Action::Enter, at);
    app::update(a, Action::Enter, at);
}

/// Issue 15 item 1: the end of a session says what was answered, how long it took, how each
/// domain went, and lists the missed questions: `Enter` opens one with its feedback, `n`/`p`
/// go through them, `Esc` comes back, `r` retries just those.
#[test]
fn the_summary_lists_the_missed_questions_to_reopen_and_retry() {
    use cloudprep::tui::keys::map_key;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |a: &App, c: KeyCode| map_key(a, KeyEvent::new(c, KeyModifiers::NONE)).expect("mapped");
    let mut a = studying(&["alarm-basic", "logs-retention", "asg-target-tracking"]);
    answer(&mut a, false, t0() + chrono::Duration::seconds(40));
    answer(&mut a, true, t0() + chrono::Duration::seconds(70));
    answer(&mut a, false, t0() + chrono::Duration::seconds(190));
    let Screen::Summary(s) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!((s.answered, s.correct), (3, 1));
    let missed: Vec<&str> = s.missed.iter().map(|v| v.question.id.as_str()).collect();
    assert_eq!(missed, ["alarm-basic", "asg-target-tracking"]);
    let tallies: Vec<(&str, usize, usize)> = s
        .domains
        .iter()
        .map(|d| (d.domain.as_str(), d.answered, d.correct))
        .collect();
    assert_eq!(tallies, [("1", 2, 1), ("2", 1, 0)]);
    assert_eq!(s.spent_ms, 190_000);
    // Answer times: 40 s, 30 s, 120 s: the median is 40 s.
    assert_eq!(s.median_answer_ms, Some(40_000));
    insta::assert_snapshot!("summary_80x24", draw(&a, 80, 24).backend());
    let text = screen_text(&draw(&a, 80, 24));
    assert!(
        text.contains("3 answered, 1 right (33%) in 3 min · median 40 s to answer"),
        "{text}"
    );
    // Enter opens the first missed question with its feedback; n goes to the next.
    let k = key(&a, KeyCode::Enter);
    app::update(&mut a, k, t0());
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("missed question 1 of 2"), "{text}");
    assert!(text.contains("Incorrect"), "{text}");
    assert_eq!(
        app::current_question_id(&a).as_deref(),
        Some("alarm-basic"),
        "! reports it"
    );
    let k = key(&a, KeyCode::Char('n'));
    app::update(&mut a, k, t0());
    assert_eq!(app::current_question_id(&a).as_deref(), Some("asg-target-tracking"));
    let k = key(&a, KeyCode::Esc);
    app::update(&mut a, k, t0());
    let Screen::Summary(s) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!((s.detail, s.cursor), (None, 1));
    // r retries just the missed ones, as practice.
    let k = key(&a, KeyCode::Char('r'));
    app::update(&mut a, k, t0());
    let Screen::Study(st) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!(st.mode, Mode::Practice);
    assert_eq!(st.planned, 2);
    let mut ids: Vec<String> = st.queue.iter().map(|i| i.question_id.clone()).collect();
    ids.push(st.current.question.id.clone());
    ids.sort();
    assert_eq!(ids, ["alarm-basic", "asg-target-tracking"]);
}

/// With nothing missed, `Enter` goes home as before.
#[test]
fn a_summary_with_nothing_missed_goes_home_on_enter() {
    let mut a = studying(&["alarm-basic"]);
    answer(&mut a, true, t0());
    let text = screen_text(&draw(&a, 80, 24));
    assert!(text.contains("Nothing missed."), "{text}");
    assert_eq!(app::update(&mut a, Action::Enter, t0()), vec![Effect::RefreshDashboard]);
    assert!(matches!(a.screen, Screen::Home));
}

/// The question screen counts the time on the question, quietly, at the right of the title.
#[test]
fn the_question_screen_counts_the_time_on_it() {
    let a = studying(&["alarm-basic"]);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| view::render_at(&a, f, t0() + chrono::Duration::seconds(83)))
        .expect("draw");
    let top = screen_text(&t).lines().next().unwrap_or_default().to_string();
    assert!(top.trim_end().ends_with("1:23"), "{top}");
}

/// Issue 17: every screen's keys, footer and help come from one table; no row of a table is
/// hidden behind an earlier row that takes its key, and every key the footer names acts.
#[test]
fn every_binding_acts_as_its_table_says() {
    use cloudprep::tui::bindings::{Does, Key};
    use cloudprep::tui::keys::{bindings, map_key};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    // Home, a question, its feedback, the next question (undo just after), the chooser, a notice.
    let mut screens = vec![app_with_dash()];
    for steps in [0, 2, 3] {
        let mut q = studying(&["alarm-basic", "logs-retention"]);
        for a in [Action::Toggle(0), Action::Enter, Action::Enter]
            .into_iter()
            .take(steps)
        {
            app::update(&mut q, a, t0());
        }
        screens.push(q);
    }
    screens.extend(chooser_and_notice());
    let mut checked = 0;
    for a in &screens {
        let table = bindings(a);
        assert!(!cloudprep::tui::bindings::footer(&table).is_empty());
        for b in &table {
            let Does::Act(want) = &b.does else { continue };
            for k in &b.keys {
                let ev = match *k {
                    Key::Char(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
                    Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
                    Key::Code(c) => KeyEvent::new(c, KeyModifiers::NONE),
                    Key::Any => continue,
                };
                assert_eq!(map_key(a, ev).as_ref(), Some(want), "{k:?} on {:?}", a.screen);
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked}");
}

/// A question missed twice in one session is listed, and retried, once.
#[test]
fn a_question_missed_twice_is_listed_once() {
    let mut a = studying(&["alarm-basic", "alarm-basic"]);
    answer(&mut a, false, t0());
    answer(&mut a, false, t0() + chrono::Duration::seconds(30));
    let Screen::Summary(s) = &a.screen else {
        panic!("{:?}", a.screen)
    };
    assert_eq!((s.answered, s.missed.len()), (2, 1));
}
