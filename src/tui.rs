//! The interactive shell: the only module that touches the terminal. It loads the content and
//! the store, runs the event loop, turns events into actions, calls the pure
//! [`app::update`], carries out the effects it returns, and restores the terminal on every
//! way out (quit, Ctrl-C, a panic, SIGTERM, SIGHUP).

pub mod app;
pub mod keys;
pub mod view;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use anyhow::Result;
use chrono::{DateTime, Local, Utc};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use ratatui::layout::Rect;

use crate::commands;
use crate::model::{Mode, Pack};
use crate::session::{self, Filter};
use crate::srs::{Card, Scheduler};
use crate::store::{ReviewRow, Store};
use app::{App, Dashboard, Effect};

/// What the TUI opens on.
#[derive(Debug, Clone)]
pub enum Start {
    Home,
    Practice(Filter, usize),
    Review,
    Drill(usize),
}

/// Settings the study loop needs.
#[derive(Debug, Clone)]
pub struct StudySettings {
    pub new_per_day: i64,
    pub retention: f32,
    pub color: bool,
}

/// Everything outside the pure app: the store, the scheduler, the content.
pub struct Shell {
    pub store: Store,
    pub pack: Rc<Pack>,
    pub sched: Scheduler,
    pub settings: StudySettings,
}

/// Local midnight today, in UTC.
pub fn start_of_today(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Local);
    local
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(Local).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

/// Consecutive study days ending today (or yesterday, when today has no study yet).
pub fn streak(days_desc: &[i64], today: i64) -> (u32, bool) {
    let studied_today = days_desc.first() == Some(&today);
    let mut expect = if studied_today { today } else { today - 1 };
    let mut n = 0;
    for &d in days_desc {
        if d == expect {
            n += 1;
            expect -= 1;
        } else if d < expect {
            break;
        }
    }
    (n, studied_today)
}

impl Shell {
    fn code(&self) -> &str {
        &self.pack.exam.code
    }

    pub fn dashboard(&self, now: DateTime<Utc>) -> Result<Dashboard> {
        let code = self.code().to_string();
        let today = start_of_today(now);
        let offset = Local::now().offset().local_minus_utc() as i64;
        let days = self.store.study_days(&code, offset, 400)?;
        let today_n = (now.timestamp() + offset).div_euclid(86_400);
        let (streak_days, studied_today) = streak(&days, today_n);
        let mastery = commands::mastery_map(&self.store, &self.pack, now)?;
        let seen: HashSet<String> = self.store.seen_ids(&code)?.into_iter().collect();
        let unseen = self.pack.questions.iter().filter(|q| !seen.contains(&q.id)).count() as i64;
        let new_today = self.store.count_new_since(&code, today)?;
        let stats = commands::stats(&self.store, &self.pack, now)?;
        Ok(Dashboard {
            due_now: self.store.count_due(&code, now)?,
            new_available: (self.settings.new_per_day - new_today).clamp(0, unseen),
            reviews_today: self.store.count_reviews_since(&code, today)?,
            streak_days,
            studied_today,
            next_due: self.store.next_due(&code, now)?,
            domains: self
                .pack
                .exam
                .domains
                .iter()
                .map(|d| (d.id.clone(), d.title.clone(), d.weight, mastery.domain(&d.id)))
                .collect(),
            last_exam: stats.exams.last().map(|e| (e.scaled_score, e.passed)),
            readiness: stats.readiness.map(|r| {
                (
                    r.predicted_score,
                    r.pass_probability,
                    r.pass_probability,
                    r.pass_probability,
                )
            }),
            exam_in_progress: stats.exam_in_progress.is_some(),
            questions: self.pack.questions.len(),
            seen: seen.iter().filter(|id| self.pack.question(id).is_some()).count(),
        })
    }

    fn last_seen(&self) -> Result<HashMap<String, DateTime<Utc>>> {
        Ok(self.store.last_seen(self.code())?.into_iter().collect())
    }

    /// Carries out one effect; may feed results back into the app.
    pub fn apply(&mut self, app: &mut App, effect: Effect, now: DateTime<Utc>) -> Result<()> {
        match effect {
            Effect::Quit => app.quit = true,
            Effect::RefreshDashboard => app.dash = self.dashboard(now)?,
            Effect::StartReview => {
                let code = self.code().to_string();
                let due = self.store.due_cards(&code, now, 10_000)?;
                let seen: HashSet<String> = self.store.seen_ids(&code)?.into_iter().collect();
                let new_today = self.store.count_new_since(&code, start_of_today(now))?;
                let new_limit = (self.settings.new_per_day - new_today).max(0) as usize;
                let queue = session::review_queue(&self.pack, &due, &seen, new_limit, &mut app.rng);
                if queue.is_empty() {
                    let next = self.store.next_due(&code, now)?;
                    let mut lines = vec!["Nothing is due for review right now.".to_string()];
                    match next {
                        Some(t) => lines.push(format!("The next card is due {}.", view::local_time(t))),
                        None => lines.push("No card is scheduled yet.".to_string()),
                    }
                    if new_limit == 0 {
                        lines.push(format!(
                            "Today's {} new cards are done; more come tomorrow.",
                            self.settings.new_per_day
                        ));
                    }
                    app.show_notice("Review", lines, true);
                } else {
                    app.start_study(Mode::Review, "due cards first, then new".to_string(), queue, now);
                }
            }
            Effect::StartPractice { filter, count } => {
                let last_seen = self.last_seen()?;
                let queue = session::practice_queue(&self.pack, &filter, count, &last_seen, &mut app.rng);
                let label = filter.label(&self.pack.exam);
                app.start_study(Mode::Practice, label, queue, now);
            }
            Effect::StartDrill { count } => {
                let last_seen = self.last_seen()?;
                let mastery = commands::mastery_map(&self.store, &self.pack, now)?;
                let queue = session::drill_queue(&self.pack, &mastery, &last_seen, count, now, &mut app.rng);
                app.start_study(Mode::Drill, "weakest skills first".to_string(), queue, now);
            }
            Effect::SaveAnswer(rec) => {
                let code = self.code().to_string();
                let before = self
                    .store
                    .card(&code, &rec.question_id)?
                    .unwrap_or_else(|| Card::new(&rec.question_id, rec.at));
                let after = self.sched.answer(&before, rec.rating, rec.at);
                let row = ReviewRow {
                    question_id: rec.question_id.clone(),
                    skill: rec.skill.clone(),
                    difficulty: rec.difficulty,
                    reviewed_at: rec.at,
                    rating: rec.rating,
                    correct: rec.correct,
                    mode: rec.mode.as_str().to_string(),
                    elapsed_ms: rec.elapsed_ms,
                    chosen: rec.chosen.clone(),
                    exam_id: None,
                };
                let id = self.store.record_answer(&code, &row, &after)?;
                app.answer_saved(id, rec.at, before, &after);
            }
            Effect::Rerate {
                review_id,
                card_before,
                rating,
                at,
                ..
            } => {
                let after = self.sched.answer(&card_before, rating, at);
                let code = self.code().to_string();
                self.store.rerate(&code, review_id, rating, &after)?;
                app.rerated(&after);
            }
            Effect::OpenExam => app.show_notice(
                "Mock exam",
                vec!["The mock exam is not built yet in this version.".to_string()],
                true,
            ),
            Effect::OpenHistory => app.show_notice(
                "History",
                vec!["The history of mock exams is not built yet in this version.".to_string()],
                false,
            ),
            Effect::OpenStats => app.show_notice(
                "Stats",
                vec!["The stats screen is not built yet; `cloudprep stats` prints a summary.".to_string()],
                false,
            ),
        }
        Ok(())
    }

    /// Carries out effects in order; an error becomes the status line, never a crash.
    pub fn apply_all(&mut self, app: &mut App, effects: Vec<Effect>, now: DateTime<Utc>) {
        for e in effects {
            if let Err(err) = self.apply(app, e, now) {
                app.status = Some(format!("{err:#}"));
            }
        }
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

/// Runs the TUI until the learner quits or a signal arrives.
pub fn run(mut shell: Shell, start: Start, seed: u64) -> Result<i32> {
    let now = Utc::now();
    let mut app = App::new(shell.pack.clone(), seed, shell.settings.color);
    app.dash = shell.dashboard(now)?;
    let first = match start {
        Start::Home => vec![],
        Start::Practice(filter, count) => vec![Effect::StartPractice { filter, count }],
        Start::Review => vec![Effect::StartReview],
        Start::Drill(count) => vec![Effect::StartDrill { count }],
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

    while !app.quit && !stop.load(Ordering::Relaxed) {
        terminal.draw(|f| view::render(&app, f))?;
        if !event::poll(StdDuration::from_millis(250))? {
            continue;
        }
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        let action = match event::read()? {
            Event::Key(k) => keys::map_key(&app, k),
            Event::Mouse(m) => keys::map_mouse(&app, area, m),
            Event::Resize(_, _) => None,
            _ => None,
        };
        if let Some(a) = action {
            let now = Utc::now();
            let effects = app::update(&mut app, a, now);
            shell.apply_all(&mut app, effects, now);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streak_counts_consecutive_days() {
        assert_eq!(streak(&[], 100), (0, false));
        assert_eq!(streak(&[100, 99, 98, 96], 100), (3, true));
        assert_eq!(streak(&[99, 98], 100), (2, false));
        assert_eq!(streak(&[97], 100), (0, false));
    }
}
