//! The shell between the pure app and the study service: it carries out each [`Effect`] the
//! app returns through the [`Service`] and answers it with [`Action`]s, which go back through
//! [`app::update`], the only writer of the app's state. Screens are built by the constructors
//! beside their state.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::app::{self, Action, App, Effect, ExamOptions, Screen};
use super::screens;
use super::screens::exam::ExamScreen;
use super::screens::exam_intro::ExamIntro;
use super::screens::history::HistoryScreen;
use super::screens::report::ReportScreen;
use super::screens::resume::ResumePrompt;
use crate::error::Result;
use crate::mock;
use crate::model::Mode;
use crate::study::{ReviewStart, Service};

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
                ReviewStart::Nothing {
                    next_due,
                    new_done_today,
                } => {
                    let mut lines = vec!["Nothing is due for review right now.".to_string()];
                    lines.push(match next_due {
                        Some(t) => format!("The next card is due {}.", super::view::relative_time(t, now)),
                        None => "No card is scheduled yet.".to_string(),
                    });
                    if let Some(n) = new_done_today {
                        lines.push(format!("Today's {n} new cards are done; more come tomorrow."));
                    }
                    Action::Notice {
                        title: "Review".to_string(),
                        lines,
                        offer_practice: true,
                    }
                }
            }),
            Effect::OpenPicker => {
                let marks = self.marks()?;
                let mastery = self.mastery(now)?;
                let facts = screens::picker::PickerFacts::new(&self.pack, &marks, &mastery);
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
