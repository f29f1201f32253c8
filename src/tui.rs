//! The interactive shell: the only module that touches the terminal. It loads the content and
//! the store, runs the event loop, turns events into actions, calls the pure
//! [`app::update`], carries out the effects it returns, and restores the terminal on every
//! way out (quit, Ctrl-C, a panic, SIGTERM, SIGHUP).

pub mod app;
pub mod exam;
pub mod exam_view;
pub mod keys;
pub mod stats;
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
use crate::mock;
use crate::model::{Mode, Pack};
use crate::session::{self, Filter};
use crate::srs::{Card, Scheduler};
use crate::store::{ExamItemRow, ReviewRow, Store};
use app::{App, Dashboard, Effect, ExamOptions, QuestionView, Screen};
use exam::{
    ExamIntro, ExamItem, ExamScreen, HistoryRow, HistoryScreen, ReportItem, ReportScreen, ResumePrompt, ReviewFilter,
};

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

/// Settings the study loop needs.
#[derive(Debug, Clone)]
pub struct StudySettings {
    pub new_per_day: i64,
    pub retention: f32,
    pub color: bool,
    pub light: bool,
    pub practice_count: usize,
    pub drill_count: usize,
    /// Home-menu key overrides from the config: (action name, key).
    pub keys: Vec<(String, char)>,
    pub exam_untimed: bool,
    pub exam_extra_minutes: u32,
    /// The config file's exam date (one saved by `cloudprep plan --date` is read from the store).
    pub exam_date: Option<chrono::NaiveDate>,
}

/// Everything outside the pure app: the store, the scheduler, the content.
pub struct Shell {
    pub store: Store,
    pub pack: Rc<Pack>,
    pub sched: Scheduler,
    pub settings: StudySettings,
}

pub use crate::commands::start_of_today;

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

    /// New cards a day in review: the plan's when an exam date is set, else the config's.
    fn new_per_day(&self, plan: Option<&crate::plan::Plan>) -> i64 {
        match plan {
            Some(p) if p.days_left >= 0 => i64::try_from(p.new_per_day).unwrap_or(i64::MAX),
            _ => self.settings.new_per_day,
        }
    }

    pub fn dashboard(&self, now: DateTime<Utc>) -> Result<Dashboard> {
        let facts = commands::dashboard_facts(&self.store, self.code(), now, self.settings.exam_date)?;
        Ok(self.dashboard_from(&facts))
    }

    /// The dashboard from facts read from the store (maybe while the content was loading).
    pub fn dashboard_from(&self, f: &commands::DashboardFacts) -> Dashboard {
        let now = f.now;
        let today_n = (now.timestamp() + f.offset_secs).div_euclid(86_400);
        let (streak_days, studied_today) = streak(&f.study_days, today_n);
        let mastery = commands::mastery_from(&self.pack.exam, &f.recent_by_skill, now);
        let seen = f.seen_ids.iter().filter(|id| self.pack.question(id).is_some()).count();
        let unseen = self.pack.questions.len().saturating_sub(seen) as i64;
        let last_exam = f
            .finished
            .iter()
            .filter_map(|e| Some((e.scaled_score?, e.passed?)))
            .next_back();
        let readiness = commands::readiness_from(&self.pack.exam, &f.recent, &f.finished, now);
        let plan = f.exam_date.map(|d| {
            commands::plan_from(
                &self.pack,
                d,
                &f.seen_ids,
                &f.new_per_day,
                &f.due_per_day,
                now,
                f.offset_secs,
            )
        });
        let new_per_day = self.new_per_day(plan.as_ref());
        Dashboard {
            due_now: f.due_now,
            new_available: (new_per_day - f.new_today).clamp(0, unseen),
            reviews_today: f.reviews_today,
            streak_days,
            studied_today,
            next_due: f.next_due,
            domains: self.domain_rows(&mastery),
            last_exam,
            readiness: readiness.as_ref().map(app::ReadinessSummary::new),
            exam_in_progress: f.exam_in_progress,
            questions: self.pack.questions.len(),
            seen,
            plan,
        }
    }

    /// (id, title, weight, mastery) of every domain, in blueprint order.
    fn domain_rows(&self, mastery: &crate::mastery::MasteryMap) -> Vec<(String, String, u32, f64)> {
        self.pack
            .exam
            .domains
            .iter()
            .map(|d| (d.id.clone(), d.title.clone(), d.weight, mastery.domain(&d.id)))
            .collect()
    }

    fn last_seen(&self) -> Result<HashMap<String, DateTime<Utc>>> {
        Ok(self.store.last_seen(self.code())?.into_iter().collect())
    }

    /// Carries out one effect; may feed results back into the app.
    pub fn apply(&mut self, app: &mut App, effect: Effect, now: DateTime<Utc>) -> Result<()> {
        match effect {
            Effect::Quit => app.quit = true,
            Effect::RefreshDashboard => app.dash = self.dashboard(now)?,
            Effect::ReviewMoreDue => {
                let code = self.code().to_string();
                let due = self.store.due_cards(&code, now, 10_000)?;
                let seen: HashSet<String> = self.store.seen_ids(&code)?.into_iter().collect();
                let queue = session::review_queue(&self.pack, &due, &seen, 0, &mut app.rng);
                app.carry_on_review(queue, now);
            }
            Effect::StartReview => {
                let code = self.code().to_string();
                let due = self.store.due_cards(&code, now, 10_000)?;
                let seen: HashSet<String> = self.store.seen_ids(&code)?.into_iter().collect();
                let new_today = self.store.count_new_since(&code, start_of_today(now))?;
                let plan = commands::plan_for(&self.store, &self.pack, now, self.settings.exam_date)?;
                let new_per_day = self.new_per_day(plan.as_ref());
                let new_limit = (new_per_day - new_today).max(0) as usize;
                let queue = session::review_queue(&self.pack, &due, &seen, new_limit, &mut app.rng);
                if queue.is_empty() {
                    let next = self.store.next_due(&code, now)?;
                    let mut lines = vec!["Nothing is due for review right now.".to_string()];
                    match next {
                        Some(t) => lines.push(format!("The next card is due {}.", view::relative_time(t, now))),
                        None => lines.push("No card is scheduled yet.".to_string()),
                    }
                    if new_limit == 0 {
                        lines.push(format!(
                            "Today's {} new cards are done; more come tomorrow.",
                            new_per_day
                        ));
                    }
                    app.show_notice("Review", lines, true);
                } else {
                    let new_ids = queue.iter().filter(|id| !seen.contains(*id)).cloned().collect();
                    app.start_review(queue, new_ids, now);
                }
            }
            Effect::OpenPicker => {
                let marks = self.marks()?;
                let mastery = commands::mastery_map(&self.store, &self.pack, now)?;
                app.open_picker(app::PickerFacts::new(&self.pack, marks, &mastery));
            }
            Effect::StartPractice { filter, count, subset } => {
                let last_seen = self.last_seen()?;
                let marks = match subset {
                    session::Subset::All => session::Marks::default(),
                    _ => self.marks()?,
                };
                let queue =
                    session::practice_queue(&self.pack, &filter, (&marks, subset), count, &last_seen, &mut app.rng);
                let label = filter.label(&self.pack.exam);
                app.start_study(Mode::Practice, label, queue, now);
            }
            Effect::StartPracticeOn { title, ids } => app.start_study(Mode::Practice, title, ids, now),
            Effect::StartDrill { count } => {
                let last_seen = self.last_seen()?;
                let mastery = commands::mastery_map(&self.store, &self.pack, now)?;
                let queue = session::drill_queue(&self.pack, &mastery, &last_seen, count, now, &mut app.rng);
                if queue.is_empty() {
                    app.start_study(Mode::Drill, "weakest skills".to_string(), queue, now);
                } else {
                    let lines = drill_plan_lines(&self.pack, &mastery, &queue);
                    app.show_drill_plan(lines, queue);
                }
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
                    mode: rec.mode,
                    elapsed_ms: rec.elapsed_ms,
                    chosen: rec.chosen.clone(),
                    exam_id: None,
                    phase: Some(before.phase),
                };
                let id = self.store.record_answer(&code, &row, &after)?;
                use crate::srs::Rating;
                let previews = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
                    .iter()
                    .map(|&r| self.sched.answer(&before, r, rec.at).due)
                    .collect();
                let recall = before.retrievability(&self.sched, rec.at);
                app.answer_saved(id, rec.at, before, &after);
                app.rating_previews(previews, recall);
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
            Effect::UndoAnswer { review_id, card_before } => {
                let code = self.code().to_string();
                self.store.undo_answer(&code, review_id, &card_before)?;
                app.undone(review_id, now);
            }
            Effect::OpenExam(opts) => self.open_exam(app, opts, now)?,
            Effect::CreateExam {
                seed,
                untimed,
                extra_minutes,
            } => {
                let draw = self.draw_exam(seed)?;
                let limit = mock::time_limit_ms(&self.pack.exam.format, extra_minutes, untimed);
                let rows: Vec<ExamItemRow> = draw
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, p)| ExamItemRow {
                        position: i,
                        question_id: p.question_id.clone(),
                        domain: p.domain.clone(),
                        skill: p.skill.clone(),
                        scored: p.scored,
                        option_order: p.option_order.clone(),
                        chosen: Vec::new(),
                        flagged: false,
                        correct: None,
                        time_ms: 0,
                    })
                    .collect();
                let code = self.code().to_string();
                let id = self.store.create_exam(&code, seed as i64, now, limit, &rows)?;
                self.resume_exam(app, id, now)?;
            }
            Effect::ResumeExam { exam_id } => self.resume_exam(app, exam_id, now)?,
            Effect::DiscardExam { exam_id, opts } => {
                self.store.discard_exam(exam_id)?;
                self.open_exam(app, ExamOptions { resume: false, ..opts }, now)?;
            }
            Effect::SaveExamAnswer {
                exam_id,
                position,
                chosen,
            } => self.store.save_exam_answer(exam_id, position, &chosen, now)?,
            Effect::SaveExamFlag {
                exam_id,
                position,
                flagged,
            } => self.store.save_exam_flag(exam_id, position, flagged)?,
            Effect::SaveExamProgress {
                exam_id,
                position,
                elapsed_ms,
            } => self.store.save_exam_progress(exam_id, position, elapsed_ms)?,
            Effect::AddExamItemTime { exam_id, position, ms } => {
                self.store.add_exam_item_time(exam_id, position, ms)?
            }
            Effect::FinishExam {
                exam_id,
                elapsed_ms,
                timed_out,
            } => {
                self.finish_exam(exam_id, elapsed_ms, timed_out, now)?;
                self.open_report(app, exam_id, false)?;
                if timed_out {
                    app.status = Some("Time is up: the exam was submitted as it stood.".to_string());
                }
            }
            Effect::SaveBookmark { question_id, on } => {
                let code = self.code().to_string();
                self.store.set_bookmark(&code, &question_id, on, now)?;
            }
            Effect::SaveNote { question_id, text } => {
                let code = self.code().to_string();
                self.store.set_note(&code, &question_id, &text, now)?;
            }
            Effect::SaveReport {
                question_id,
                note,
                shown_order,
                chosen,
            } => {
                let code = self.code().to_string();
                self.store
                    .add_report(&code, &question_id, &note, now, &shown_order, &chosen)?;
            }
            Effect::OpenReport { exam_id, from_history } => self.open_report(app, exam_id, from_history)?,
            Effect::OpenHistory => {
                let code = self.code().to_string();
                let mut rows: Vec<HistoryRow> = self
                    .store
                    .finished_exams(&code)?
                    .into_iter()
                    .filter_map(|e| {
                        Some(HistoryRow {
                            exam_id: e.id,
                            finished_at: e.finished_at?,
                            scaled_score: e.scaled_score?,
                            passed: e.passed?,
                            raw_correct: e.raw_correct.unwrap_or(0),
                            scored_total: e.scored_total.unwrap_or(0),
                            elapsed_ms: e.elapsed_ms,
                        })
                    })
                    .collect();
                rows.reverse();
                app.screen = Screen::History(HistoryScreen { rows, cursor: 0 });
            }
            Effect::OpenStats => {
                let s = self.stats_screen(now)?;
                app.screen = Screen::Stats(Box::new(s));
            }
        }
        Ok(())
    }

    /// Everything the stats screen shows, from the store.
    pub fn stats_screen(&self, now: DateTime<Utc>) -> Result<stats::StatsScreen> {
        let code = self.code().to_string();
        let offset = Local::now().offset().local_minus_utc() as i64;
        let today_n = (now.timestamp() + offset).div_euclid(86_400);
        let today = now.with_timezone(&Local).date_naive();
        let fmt = self.pack.exam.format;
        let mastery = commands::mastery_map(&self.store, &self.pack, now)?;
        let since = now - chrono::Duration::days(stats::ACTIVITY_DAYS as i64 + 1);
        let mut per_day = vec![0u64; stats::ACTIVITY_DAYS];
        for (d, n) in self.store.reviews_per_day(&code, since, offset)? {
            let back = today_n - d;
            if (0..stats::ACTIVITY_DAYS as i64).contains(&back) {
                per_day[stats::ACTIVITY_DAYS - 1 - back as usize] += n as u64;
            }
        }
        let until = now + chrono::Duration::days(stats::FORECAST_DAYS as i64 + 1);
        let mut forecast = vec![0u64; stats::FORECAST_DAYS];
        for (d, n) in self.store.due_per_day(&code, until, offset)? {
            let ahead = (d - today_n).max(0);
            if ahead < stats::FORECAST_DAYS as i64 {
                forecast[ahead as usize] += n as u64;
            }
        }
        let by_difficulty = self.store.accuracy_by_difficulty(&code)?;
        let exams = self
            .store
            .finished_exams(&code)?
            .into_iter()
            .filter_map(|e| {
                Some((
                    e.finished_at?.with_timezone(&Local).date_naive(),
                    e.scaled_score? as u32,
                    e.passed?,
                ))
            })
            .collect();
        let tasks = self
            .pack
            .exam
            .domains
            .iter()
            .flat_map(|d| {
                let skills: usize = d.tasks.iter().map(|t| t.skills.len()).sum();
                let m = &mastery;
                d.tasks.iter().map(move |t| {
                    let share = f64::from(d.weight) * t.skills.len() as f64 / skills.max(1) as f64;
                    (t.id.clone(), t.title.clone(), share, m.task(&t.id))
                })
            })
            .collect();
        Ok(stats::StatsScreen {
            page: 0,
            scroll: 0,
            code: code.clone(),
            passing_score: fmt.passing_score,
            score_min: fmt.score_min,
            score_max: fmt.score_max,
            scored_items: fmt.scored,
            exams,
            readiness: commands::readiness(&self.store, &self.pack, now)?,
            domains: self.domain_rows(&mastery),
            tasks,
            reviews_per_day: per_day,
            today,
            due_forecast: forecast,
            answered: by_difficulty.iter().map(|x| x.0).sum(),
            correct: by_difficulty.iter().map(|x| x.1).sum(),
            by_difficulty,
            median_ms: self.store.median_answer_ms(&code)?,
            exam_minutes: fmt.minutes,
            exam_questions: fmt.questions,
            pace_ms: mock::pace_ms(&fmt),
            time_by_domain: commands::time_by_domain(&self.store, &self.pack)?,
            true_retention: commands::true_retention(&self.store, &code, now, self.sched.retention)?,
        })
    }

    /// What the learner has done with the questions: seen, missed last time, bookmarked.
    fn marks(&self) -> Result<session::Marks> {
        let code = self.code();
        Ok(session::Marks {
            seen: self.store.seen_ids(code)?.into_iter().collect(),
            missed: self.store.missed_ids(code)?.into_iter().collect(),
            bookmarked: self.store.bookmarks(code)?.into_iter().map(|(id, _)| id).collect(),
        })
    }

    /// The learner's bookmarks and notes.
    pub fn personal(&self) -> Result<app::Personal> {
        let code = self.code();
        Ok(app::Personal {
            bookmarks: self.store.bookmarks(code)?.into_iter().map(|(id, _)| id).collect(),
            notes: self
                .store
                .notes(code)?
                .into_iter()
                .map(|n| (n.question_id, n.text))
                .collect(),
        })
    }

    fn draw_exam(&self, seed: u64) -> Result<mock::Draw> {
        let last_met: HashMap<String, DateTime<Utc>> = self.store.exam_last_met(self.code())?.into_iter().collect();
        Ok(mock::assemble(&self.pack, seed, &last_met))
    }

    /// The resume prompt for an unfinished exam, or the intro of a new one.
    pub fn open_exam(&mut self, app: &mut App, opts: ExamOptions, now: DateTime<Utc>) -> Result<()> {
        let code = self.code().to_string();
        if let Some(e) = self.store.exam_in_progress(&code)? {
            if opts.resume {
                return self.resume_exam(app, e.id, now);
            }
            let items = self.store.exam_items(e.id)?;
            app.screen = Screen::ResumePrompt(ResumePrompt {
                exam_id: e.id,
                started_at: e.started_at,
                answered: items.iter().filter(|i| !i.chosen.is_empty()).count(),
                flagged: items.iter().filter(|i| i.flagged).count(),
                items: items.len(),
                remaining_ms: mock::remaining_ms(e.time_limit_ms, e.elapsed_ms),
                opts,
                confirm_discard: false,
            });
            return Ok(());
        }
        if opts.resume {
            app.show_notice(
                "Mock exam",
                vec!["There is no unfinished exam to resume.".to_string()],
                false,
            );
            return Ok(());
        }
        let seed = opts.seed.unwrap_or_else(|| rand::RngExt::random(&mut app.rng));
        let untimed = opts.untimed.unwrap_or(self.settings.exam_untimed);
        let extra_minutes = opts.extra_minutes.unwrap_or(self.settings.exam_extra_minutes);
        let draw = self.draw_exam(seed)?;
        let limit = mock::time_limit_ms(&self.pack.exam.format, extra_minutes, untimed);
        app.screen = Screen::ExamIntro(ExamIntro {
            seed,
            untimed,
            extra_minutes,
            items: draw.items.len(),
            scored: draw.scored_count(),
            minutes: limit.map(|l| l / 60_000),
            warnings: draw.warnings,
        });
        Ok(())
    }

    /// Puts a stored exam on screen, exactly as it was left, and starts its clock.
    pub fn resume_exam(&mut self, app: &mut App, exam_id: i64, now: DateTime<Utc>) -> Result<()> {
        let Some(sum) = self.store.exam_summary(exam_id)? else {
            app.show_notice("Mock exam", vec![format!("Exam {exam_id} was not found.")], false);
            return Ok(());
        };
        let rows = self.store.exam_items(exam_id)?;
        let mut items = Vec::new();
        let mut missing = 0;
        for r in &rows {
            let Some(q) = self.pack.question(&r.question_id) else {
                missing += 1;
                continue;
            };
            let mut view = QuestionView::new(q.clone(), r.option_order.clone(), now);
            view.selected = session::to_display(&r.option_order, &r.chosen);
            items.push(ExamItem {
                position: r.position,
                view,
                flagged: r.flagged,
                scored: r.scored,
                time_ms: r.time_ms,
            });
        }
        let pos = items
            .iter()
            .position(|i| i.position as i64 == sum.position)
            .unwrap_or(0);
        let mut clock = mock::Clock::new(sum.time_limit_ms, sum.elapsed_ms);
        clock.start(now);
        app.screen = Screen::Exam(Box::new(ExamScreen {
            exam_id,
            items,
            pos,
            clock,
            saved_elapsed_ms: sum.elapsed_ms,
            grid: None,
            confirm_submit: false,
            warned: false,
            grid_number: String::new(),
            item_counted_ms: sum.elapsed_ms,
        }));
        if missing > 0 {
            app.status = Some(format!(
                "{missing} item(s) of this exam were removed from the content; they count as unanswered."
            ));
        }
        Ok(())
    }

    /// Scores a stored exam and logs its answers (mode `exam`) with their cards, in one
    /// transaction.
    pub fn finish_exam(&mut self, exam_id: i64, elapsed_ms: i64, timed_out: bool, now: DateTime<Utc>) -> Result<()> {
        let code = self.code().to_string();
        let items = self.store.exam_items(exam_id)?;
        let answers: Vec<mock::ItemAnswer> = items
            .iter()
            .map(|i| mock::ItemAnswer {
                question_id: &i.question_id,
                domain: &i.domain,
                scored: i.scored,
                chosen: &i.chosen,
            })
            .collect();
        let report = mock::score(&self.pack, &answers);
        let item_correct: Vec<(usize, bool)> = items
            .iter()
            .zip(report.item_correct.iter())
            .map(|(i, &c)| (i.position, c))
            .collect();
        let mut reviews = Vec::new();
        for (i, &correct) in items.iter().zip(report.item_correct.iter()) {
            let Some(q) = self.pack.question(&i.question_id) else {
                continue;
            };
            if i.chosen.is_empty() {
                continue;
            }
            let rating = crate::srs::Rating::auto(correct);
            let before = self.store.card(&code, &q.id)?.unwrap_or_else(|| Card::new(&q.id, now));
            let after = self.sched.answer(&before, rating, now);
            reviews.push((
                ReviewRow {
                    question_id: q.id.clone(),
                    skill: q.skill.clone(),
                    difficulty: q.difficulty,
                    reviewed_at: now,
                    rating,
                    correct,
                    mode: Mode::Exam,
                    elapsed_ms: i.time_ms,
                    chosen: i.chosen.clone(),
                    exam_id: Some(exam_id),
                    phase: Some(before.phase),
                },
                after,
            ));
        }
        self.store.finish_exam(
            &code,
            exam_id,
            now,
            elapsed_ms,
            i64::from(report.raw_correct),
            i64::from(report.scored_total),
            i64::from(report.scaled_score),
            report.passed,
            timed_out,
            &item_correct,
            &reviews,
        )?;
        Ok(())
    }

    /// The report of a finished exam, from what the store kept.
    pub fn open_report(&mut self, app: &mut App, exam_id: i64, from_history: bool) -> Result<()> {
        let Some(sum) = self.store.exam_summary(exam_id)? else {
            app.show_notice("Mock exam", vec![format!("Exam {exam_id} was not found.")], false);
            return Ok(());
        };
        let Some(finished_at) = sum.finished_at else {
            app.show_notice("Mock exam", vec!["This exam is not finished yet.".to_string()], false);
            return Ok(());
        };
        let rows = self.store.exam_items(exam_id)?;
        let fmt = self.pack.exam.format;
        let mut domains = Vec::new();
        let mut ids: Vec<String> = self.pack.exam.domains.iter().map(|d| d.id.clone()).collect();
        for r in &rows {
            if !ids.contains(&r.domain) {
                ids.push(r.domain.clone());
            }
        }
        for d in ids {
            let scored: Vec<_> = rows.iter().filter(|r| r.scored && r.domain == d).collect();
            if scored.is_empty() {
                continue;
            }
            let total = scored.len() as u32;
            let correct = scored.iter().filter(|r| r.correct == Some(true)).count() as u32;
            domains.push(mock::DomainResult {
                domain: d,
                correct,
                total,
                percent: 100.0 * f64::from(correct) / f64::from(total),
                meets: mock::meets(correct, total, &fmt),
            });
        }
        let report = mock::Report {
            raw_correct: sum.raw_correct.unwrap_or(0) as u32,
            scored_total: sum.scored_total.unwrap_or(0) as u32,
            scaled_score: sum.scaled_score.unwrap_or(0) as u32,
            passed: sum.passed.unwrap_or(false),
            domains,
            item_correct: rows.iter().map(|r| r.correct == Some(true)).collect(),
        };
        let items = rows
            .iter()
            .map(|r| ReportItem {
                position: r.position,
                question: self.pack.question(&r.question_id).cloned(),
                order: r.option_order.clone(),
                chosen: r.chosen.clone(),
                scored: r.scored,
                flagged: r.flagged,
                correct: r.correct == Some(true),
                domain: r.domain.clone(),
                skill: r.skill.clone(),
                time_ms: r.time_ms,
            })
            .collect();
        app.screen = Screen::Report(Box::new(ReportScreen {
            exam_id,
            started_at: sum.started_at,
            finished_at,
            elapsed_ms: sum.elapsed_ms,
            time_limit_ms: sum.time_limit_ms,
            timed_out: sum.timed_out,
            report,
            items,
            filter: ReviewFilter::All,
            cursor: 0,
            detail: None,
            from_history,
            passing_score: fmt.passing_score,
            score_max: fmt.score_max,
        }));
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

pub fn run(mut shell: Shell, start: Start, seed: u64, prefetched: Option<commands::DashboardFacts>) -> Result<i32> {
    let now = Utc::now();
    let mut app = App::new(shell.pack.clone(), seed, shell.settings.color);
    app.personal = shell.personal()?;
    app.light = shell.settings.light;
    app.hyperlinks = hyperlinks_supported();
    app.practice_count = shell.settings.practice_count;
    app.drill_count = shell.settings.drill_count;
    app.key_overrides = shell
        .settings
        .keys
        .iter()
        .filter_map(|(name, c)| {
            let m = match name.as_str() {
                "review" => app::MenuItem::Review,
                "practice" => app::MenuItem::Practice,
                "drill" => app::MenuItem::Drill,
                "exam" => app::MenuItem::Exam,
                "history" => app::MenuItem::History,
                "stats" => app::MenuItem::Stats,
                _ => return None,
            };
            Some((m, *c))
        })
        .collect();
    // Facts read while the content loaded serve the first frame if they are about this pack
    // and fresh; otherwise read them now.
    app.dash = match prefetched {
        Some(f) if f.code == shell.pack.exam.code && (now - f.now).num_seconds().abs() < 60 => shell.dashboard_from(&f),
        _ => shell.dashboard(now)?,
    };
    app.exit_on_home = !matches!(start, Start::Home);
    app.dash_at = Some(now);
    let first = match start {
        Start::Home => vec![],
        Start::Practice(filter, count) => vec![Effect::StartPractice {
            filter,
            count,
            subset: session::Subset::All,
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

/// What a drill will target and why: each skill in it (most questions first) with its
/// mastery and its domain's weight in the exam.
fn drill_plan_lines(pack: &Pack, mastery: &crate::mastery::MasteryMap, queue: &[String]) -> Vec<String> {
    let mut per_skill: Vec<(String, usize)> = Vec::new();
    for id in queue {
        let Some(q) = pack.question(id) else { continue };
        match per_skill.iter_mut().find(|(s, _)| *s == q.skill) {
            Some((_, n)) => *n += 1,
            None => per_skill.push((q.skill.clone(), 1)),
        }
    }
    per_skill.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut lines = vec![
        format!(
            "{} questions from the skills where the exam's weight times your weakness is",
            queue.len()
        ),
        "highest:".to_string(),
        String::new(),
    ];
    for (skill, n) in &per_skill {
        let weight = pack.skill(skill).map(|(d, _, _)| d.weight).unwrap_or(0);
        lines.push(format!(
            "{skill} — mastery {:.0} %, domain weight {weight} % ({n} question{})",
            mastery.skill(skill) * 100.0,
            if *n == 1 { "" } else { "s" }
        ));
    }
    lines
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

    #[test]
    fn streak_counts_consecutive_days() {
        assert_eq!(streak(&[], 100), (0, false));
        assert_eq!(streak(&[100, 99, 98, 96], 100), (3, true));
        assert_eq!(streak(&[99, 98], 100), (2, false));
        assert_eq!(streak(&[97], 100), (0, false));
    }
}
