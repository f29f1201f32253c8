//! The terminal runtime: the only module that touches the terminal. It runs the event loop,
//! turns events into actions ([`keys`]), calls the pure [`app::update`], has the [`Shell`]
//! carry out the effects it returns, draws ([`view`]), and restores the terminal on every way
//! out (quit, Ctrl-C, a panic, SIGTERM, SIGHUP, a terminal that goes away).

pub mod app;
pub mod bindings;
pub mod input;
pub mod keys;
pub mod list;
pub mod question;
pub mod screens;
pub mod shell;
pub mod view;

pub use shell::Shell;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use crate::error::Result;
use chrono::Utc;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use ratatui::layout::Rect;

use crate::session::Filter;
use app::{Action, App, Effect, ExamOptions};
use screens::home::MenuItem;

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
