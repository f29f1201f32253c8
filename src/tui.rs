//! The interactive shell: the only module that touches the terminal. It loads the content and
//! the store, runs the event loop, turns events into actions, calls the pure
//! [`app::update`], carries out the effects it returns, and restores the terminal on every
//! way out (quit, Ctrl-C, a panic, SIGTERM, SIGHUP).

pub mod app;
pub mod bindings;
pub mod input;
pub mod keys;
pub mod list;
pub mod question;
pub mod screens;
pub mod view;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use crate::error::Result;
use chrono::{DateTime, Utc};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use ratatui::layout::Rect;

use crate::mock;
use crate::model::Mode;
use crate::session::Filter;
use crate::study::{ReviewStart, Service};
use app::{Action, App, Effect, ExamOptions, Screen};
use screens::exam::ExamScreen;
use screens::exam_intro::ExamIntro;
use screens::history::HistoryScreen;
use screens::home::MenuItem;
use screens::report::ReportScreen;
use screens::resume::ResumePrompt;

/// What the TUI opens on.
#[derive(Debug, Clone)]
pub enum Start {
    Home,
    Practice(Filter, usize),
    Review,
    Drill(usize),
    Exam(ExamOptions),
    History,
}

/// The TUI's side of the study service: it carries out the app's effects through the
/// [`Service`] and answers each with actions, which go back through [`app::update`] — the only
/// writer of the app's state.
pub struct Shell {
    pub svc: Service,
}

impl std::ops::Deref for Shell {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.svc
    }
}

impl std::ops::DerefMut for Shell {
    fn deref_mut(&mut self) -> &mut Service {
        &mut self.svc
    }
}

impl Shell {
    pub fn new(svc: Service) -> Shell {
        Shell { svc }
    }

    /// Carries out one effect and answers with the actions that tell the app how it went.
    pub fn apply(&mut self, effect: Effect, now: DateTime<Utc>) -> Result<Vec<Action>> {
        let one = |a: Action| Ok(vec![a]);
        let study = |mode: Mode, title: String, queue: Vec<String>| Action::Study {
            mode,
            title,
            queue,
            new_ids: HashSet::new(),
        };
        match effect {
            Effect::Quit => one(Action::Stop),
            Effect::RefreshDashboard => one(Action::Dashboard(Box::new(self.dashboard(now)?))),
            Effect::ReviewMoreDue => one(Action::MoreDue(self.more_due(now)?)),
            Effect::StartReview => one(match self.review_start(now)? {
                ReviewStart::Cards { queue, new_ids } => Action::Study {
                    mode: Mode::Review,
                    title: "due, then new".to_string(),
                    queue,
                    new_ids,
                },
                ReviewStart::Nothing(lines) => Action::Notice {
                    title: "Review".to_string(),
                    lines,
                    offer_practice: true,
                },
            }),
            Effect::OpenPicker => {
                let marks = self.marks()?;
                let mastery = self.mastery(now)?;
                let facts = screens::picker::PickerFacts::new(&self.pack, marks, &mastery);
                one(Action::PickerLoaded(Box::new(facts)))
            }
            Effect::StartPractice { filter, count, subset } => {
                let queue = self.practice(&filter, count, subset)?;
                one(study(Mode::Practice, filter.label(&self.pack.exam), queue))
            }
            Effect::StartPracticeOn { title, ids } => one(study(Mode::Practice, title, ids)),
            Effect::StartDrill { count } => {
                let (queue, lines) = self.drill(count, now)?;
                one(if queue.is_empty() {
                    study(Mode::Drill, "weakest skills".to_string(), queue)
                } else {
                    Action::DrillPlan { lines, queue }
                })
            }
            Effect::SaveAnswer(rec) => one(Action::AnswerSaved(Box::new(self.save_answer(&rec)?))),
            Effect::Rerate {
                review_id,
                card_before,
                rating,
                at,
                ..
            } => one(Action::Rerated(Box::new(self.rerate(
                review_id,
                &card_before,
                rating,
                at,
            )?))),
            Effect::UndoAnswer { review_id, card_before } => {
                self.undo(review_id, &card_before)?;
                one(Action::Undone(review_id))
            }
            Effect::OpenExam(opts) => self.open_exam(opts, now),
            Effect::CreateExam {
                seed,
                untimed,
                extra_minutes,
            } => {
                let id = self.create_exam(seed, untimed, extra_minutes, now)?;
                self.resume_exam(id, now)
            }
            Effect::ResumeExam { exam_id } => self.resume_exam(exam_id, now),
            Effect::DiscardExam { exam_id, opts } => {
                self.store.discard_exam(exam_id)?;
                self.open_exam(ExamOptions { resume: false, ..opts }, now)
            }
            Effect::SaveExamAnswer {
                exam_id,
                position,
                chosen,
            } => {
                self.store.save_exam_answer(exam_id, position, &chosen, now)?;
                Ok(vec![])
            }
            Effect::SaveExamFlag {
                exam_id,
                position,
                flagged,
            } => {
                self.store.save_exam_flag(exam_id, position, flagged)?;
                Ok(vec![])
            }
            Effect::SaveExamProgress {
                exam_id,
                position,
                elapsed_ms,
            } => {
                self.store.save_exam_progress(exam_id, position, elapsed_ms)?;
                Ok(vec![])
            }
            Effect::AddExamItemTime { exam_id, position, ms } => {
                self.store.add_exam_item_time(exam_id, position, ms)?;
                Ok(vec![])
            }
            Effect::FinishExam {
                exam_id,
                elapsed_ms,
                timed_out,
            } => {
                self.finish_exam(exam_id, elapsed_ms, timed_out, now)?;
                let mut v = self.open_report(exam_id, false)?;
                if timed_out {
                    v.push(Action::Status(
                        "Time is up: the exam was submitted as it stood.".to_string(),
                    ));
                }
                Ok(v)
            }
            Effect::SaveBookmark { question_id, on } => {
                self.set_bookmark(&question_id, on, now)?;
                Ok(vec![])
            }
            Effect::SaveNote { question_id, text } => {
                self.set_note(&question_id, &text, now)?;
                Ok(vec![])
            }
            Effect::SaveReport {
                question_id,
                note,
                shown_order,
                chosen,
            } => {
                self.report_question(&question_id, &note, &shown_order, &chosen, now)?;
                Ok(vec![])
            }
            Effect::OpenReport { exam_id, from_history } => self.open_report(exam_id, from_history),
            Effect::OpenHistory => {
                let h = HistoryScreen::from_exams(self.finished_exams()?);
                one(Action::Loaded(Box::new(Screen::History(h))))
            }
            Effect::OpenStats => {
                let s = screens::stats::StatsScreen::new(self.stats_view(now)?);
                one(Action::Loaded(Box::new(Screen::Stats(Box::new(s)))))
            }
        }
    }

    /// The resume prompt for an unfinished exam, or the intro of a new one.
    fn open_exam(&mut self, opts: ExamOptions, now: DateTime<Utc>) -> Result<Vec<Action>> {
        if let Some(e) = self.exam_in_progress()? {
            if opts.resume {
                return self.resume_exam(e.summary.id, now);
            }
            let p = ResumePrompt::new(&e, opts);
            return Ok(vec![Action::Loaded(Box::new(Screen::ResumePrompt(p)))]);
        }
        if opts.resume {
            return Ok(vec![notice("There is no unfinished exam to resume.")]);
        }
        let seed = opts.seed.unwrap_or_else(|| self.exam_seed());
        let untimed = opts.untimed.unwrap_or(self.settings.exam_untimed);
        let extra_minutes = opts.extra_minutes.unwrap_or(self.settings.exam_extra_minutes);
        let draw = self.draw_exam(seed)?;
        let limit = mock::time_limit_ms(&self.pack.exam.format, extra_minutes, untimed);
        let intro = ExamIntro::new(seed, untimed, extra_minutes, &draw, limit);
        Ok(vec![Action::Loaded(Box::new(Screen::ExamIntro(intro)))])
    }

    /// Puts a stored exam on screen, exactly as it was left, and starts its clock.
    fn resume_exam(&mut self, exam_id: i64, now: DateTime<Utc>) -> Result<Vec<Action>> {
        let Some(e) = self.exam(exam_id)? else {
            return Ok(vec![notice(&format!("Exam {exam_id} was not found."))]);
        };
        let (ex, missing) = ExamScreen::resume(&e, &self.pack, now);
        let mut v = vec![Action::Loaded(Box::new(Screen::Exam(Box::new(ex))))];
        if missing > 0 {
            v.push(Action::Status(format!(
                "{missing} item(s) of this exam were removed from the content; they count as unanswered."
            )));
        }
        Ok(v)
    }

    /// The report of a finished exam, from what the store kept.
    fn open_report(&mut self, exam_id: i64, from_history: bool) -> Result<Vec<Action>> {
        let Some(e) = self.exam(exam_id)? else {
            return Ok(vec![notice(&format!("Exam {exam_id} was not found."))]);
        };
        Ok(vec![match ReportScreen::from_stored(&self.pack, &e, from_history) {
            Some(r) => Action::Loaded(Box::new(Screen::Report(Box::new(r)))),
            None => notice("This exam is not finished yet."),
        }])
    }

    /// Carries out effects in order, and every effect the answers lead to; an error becomes
    /// the status line, never a crash.
    pub fn apply_all(&mut self, app: &mut App, effects: Vec<Effect>, now: DateTime<Utc>) {
        for e in effects {
            if let Err(err) = self.run(app, e, now) {
                let more = app::update(app, Action::Status(format!("{err:#}")), now);
                self.apply_all(app, more, now);
            }
        }
    }

    /// Carries out `effect`, feeds its answers through [`app::update`], and carries out the
    /// effects those give, until there are none; stops at the first error.
    pub fn run(&mut self, app: &mut App, effect: Effect, now: DateTime<Utc>) -> Result<()> {
        let mut queue = std::collections::VecDeque::from([effect]);
        while let Some(e) = queue.pop_front() {
            for a in self.apply(e, now)? {
                queue.extend(app::update(app, a, now));
            }
        }
        Ok(())
    }
}

/// A mock-exam notice.
fn notice(line: &str) -> Action {
    Action::Notice {
        title: "Mock exam".to_string(),
        lines: vec![line.to_string()],
        offer_practice: false,
    }
}

/// Restores the terminal when dropped: on return, on `?`, and on unwinding.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// What waiting on the terminal found.
#[derive(Debug, PartialEq, Eq)]
enum TtyWait {
    /// stdin is not a terminal (crossterm then reads /dev/tty): let crossterm wait.
    NotATty,
    /// Input may be there.
    Maybe,
    /// Nothing within the timeout, or a signal arrived.
    Nothing,
    /// The terminal went away.
    HungUp,
}

/// Waits up to `timeout` for input on a terminal stdin. crossterm 0.29 spins forever on
/// end-of-file inside its own `poll` once the terminal hangs up (its window closed, its tmux
/// session killed), so the loop waits here first and leaves on a hang-up.
#[cfg(unix)]
fn wait_for_tty(timeout: StdDuration) -> TtyWait {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = std::io::stdin();
    if !std::io::IsTerminal::is_terminal(&stdin) {
        return TtyWait::NotATty;
    }
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let t = Timespec {
        tv_sec: timeout.as_secs() as i64,
        tv_nsec: i64::from(timeout.subsec_nanos()),
    };
    match poll(&mut fds, Some(&t)) {
        Ok(0) => TtyWait::Nothing,
        Ok(_)
            if fds[0]
                .revents()
                .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) =>
        {
            TtyWait::HungUp
        }
        Ok(_) => TtyWait::Maybe,
        Err(_) => TtyWait::Nothing,
    }
}

#[cfg(not(unix))]
fn wait_for_tty(_timeout: StdDuration) -> TtyWait {
    TtyWait::NotATty
}

/// Runs the TUI until the learner quits or a signal arrives.
/// Whether to draw reference URLs as OSC 8 hyperlinks: `CLOUDPREP_HYPERLINKS=0` or `1` decides;
/// otherwise on, except on terminals known to print the sequence (the Linux console, `dumb`).
/// Terminals without OSC 8 support that parse escape sequences properly ignore it and show the
/// plain URL.
pub fn hyperlinks_supported() -> bool {
    hyperlinks_for(
        std::env::var("CLOUDPREP_HYPERLINKS").ok().as_deref(),
        std::env::var("TERM").ok().as_deref(),
    )
}

fn hyperlinks_for(setting: Option<&str>, term: Option<&str>) -> bool {
    match setting {
        Some("0" | "false" | "no" | "off") => false,
        Some("1" | "true" | "yes" | "on") => true,
        _ => !matches!(term, None | Some("" | "dumb" | "linux")),
    }
}

pub fn run(mut shell: Shell, start: Start, seed: u64, prefetched: Option<crate::study::DashboardFacts>) -> Result<i32> {
    let now = Utc::now();
    let s = &shell.settings;
    let setup = app::Setup {
        seed,
        color: s.color,
        light: s.light,
        hyperlinks: hyperlinks_supported(),
        practice_count: s.practice_count,
        drill_count: s.drill_count,
        key_overrides: s
            .keys
            .iter()
            .filter_map(|(name, c)| Some((MenuItem::from_name(name)?, *c)))
            .collect(),
        exit_on_home: !matches!(start, Start::Home),
        personal: shell.personal()?,
    };
    let mut app = App::configured(shell.pack.clone(), setup);
    // Facts read while the content loaded serve the first frame if they are about this pack
    // and fresh; otherwise read them now.
    let dash = match prefetched {
        Some(f) if f.code == shell.pack.exam.code && (now - f.now).num_seconds().abs() < 60 => shell.dashboard_from(&f),
        _ => shell.dashboard(now)?,
    };
    app::update(&mut app, Action::Dashboard(Box::new(dash)), now);
    let first = match start {
        Start::Home => vec![],
        Start::Practice(filter, count) => vec![Effect::StartPractice {
            filter,
            count,
            subset: crate::session::Subset::All,
        }],
        Start::Review => vec![Effect::StartReview],
        Start::Drill(count) => vec![Effect::StartDrill { count }],
        Start::Exam(opts) => vec![Effect::OpenExam(opts)],
        Start::History => vec![Effect::OpenHistory],
    };
    shell.apply_all(&mut app, first, now);

    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    // ratatui::init installs a panic hook that restores the terminal; add mouse capture to it.
    let mut terminal = ratatui::init();
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        prev(info);
    }));
    let _guard = TerminalGuard;
    execute!(std::io::stdout(), EnableMouseCapture)?;

    // For the terminal-restore test only: panic on purpose after this many milliseconds.
    let panic_at = std::env::var("CLOUDPREP_DEV_PANIC_AFTER_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(|ms| std::time::Instant::now() + StdDuration::from_millis(ms));
    // A last resort for a terminal that went away: crossterm 0.29 can spin inside its own
    // `poll` on the end-of-file of a hung-up terminal (a race the waits below narrow but cannot
    // close), and then the loop never sees the SIGHUP. If the loop has not left a second after
    // SIGHUP or SIGTERM, this thread ends the process: the terminal is gone, and every answer is
    // already committed (each save is its own transaction).
    let left = Arc::new(AtomicBool::new(false));
    {
        let (stop, left) = (Arc::clone(&stop), Arc::clone(&left));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if left.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(StdDuration::from_millis(100));
            }
            std::thread::sleep(StdDuration::from_secs(1));
            if !left.load(Ordering::Relaxed) {
                let _ = crossterm::terminal::disable_raw_mode();
                std::process::exit(0);
            }
        });
    }
    struct Left(Arc<AtomicBool>);
    impl Drop for Left {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let _left = Left(Arc::clone(&left));
    // crossterm may still hold events it read from the terminal in one go (see below).
    let mut buffered = false;
    while !app.quit {
        if panic_at.is_some_and(|t| std::time::Instant::now() >= t) {
            panic!("deliberate panic (CLOUDPREP_DEV_PANIC_AFTER_MS) to test that the terminal is restored");
        }
        if stop.load(Ordering::Relaxed) {
            // A signal: leave as `Ctrl-C` does (an exam in progress is paused and saved).
            let now = Utc::now();
            let effects = app::update(&mut app, app::Action::Quit, now);
            shell.apply_all(&mut app, effects, now);
            break;
        }
        terminal.draw(|f| view::render_at(&app, f, Utc::now()))?;
        // crossterm spins on end-of-file inside its own `poll` once the terminal hangs up, so
        // it is asked only after our own wait on the terminal says there is input (and no
        // hang-up), or right after a read, when it may still hold events it read in one go.
        if !buffered {
            let waited = wait_for_tty(StdDuration::from_millis(250));
            if waited == TtyWait::HungUp {
                stop.store(true, Ordering::Relaxed);
                continue;
            }
            // After our own wait, crossterm only looks (signals such as a resize are queued there).
            let crossterm_wait = if waited == TtyWait::NotATty {
                StdDuration::from_millis(250)
            } else {
                StdDuration::ZERO
            };
            if waited == TtyWait::Nothing || !event::poll(crossterm_wait)? {
                let now = Utc::now();
                let effects = app::update(&mut app, app::Action::Tick, now);
                shell.apply_all(&mut app, effects, now);
                continue;
            }
        }
        buffered = false;
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        // Every pending event is handled before the next frame is drawn (at most a screenful of
        // work per frame, so that a flood cannot starve the screen).
        for n in 0..1024 {
            let action = match event::read()? {
                Event::Key(k) => keys::map_key_sized(&app, k, area),
                Event::Mouse(m) => keys::map_mouse(&app, area, m),
                Event::Resize(_, _) => None,
                _ => None,
            };
            if let Some(a) = action {
                let now = Utc::now();
                let effects = app::update(&mut app, a, now);
                shell.apply_all(&mut app, effects, now);
            }
            if app.quit {
                break;
            }
            if wait_for_tty(StdDuration::ZERO) == TtyWait::HungUp {
                stop.store(true, Ordering::Relaxed);
                break;
            }
            if !event::poll(StdDuration::ZERO)? {
                break;
            }
            // Still events after a screenful of work: draw, then carry on with them.
            buffered = n == 1023;
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlinks_follow_the_setting_then_the_terminal() {
        assert!(hyperlinks_for(None, Some("xterm-256color")));
        assert!(!hyperlinks_for(None, Some("linux")));
        assert!(!hyperlinks_for(None, Some("dumb")));
        assert!(!hyperlinks_for(None, None));
        assert!(!hyperlinks_for(Some("0"), Some("xterm-256color")));
        assert!(hyperlinks_for(Some("1"), Some("linux")));
    }
}
