//! The study service: everything the study loop reads and writes, built once over the store,
//! the content and the scheduler, and shared by the TUI and the commands — the dashboard, the
//! stats view, the queues of review, practice and drill, saving, re-rating and taking back an
//! answer, mock exams from assembly to their stored result, mastery, readiness, bookmarks and
//! notes. It returns data; the TUI turns it into screens (constructors beside each screen's
//! state) and the commands into text and JSON.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::error::Result;
use chrono::{DateTime, Local, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::commands;
use crate::mastery::MasteryMap;
use crate::mock;
use crate::model::{Mode, Pack};
use crate::session::{self, Filter, Marks, Subset};
use crate::srs::{Card, Rating, Scheduler};
use crate::store::{ExamItemRow, ExamSummary, ReviewRow, Store};

/// What the dashboard is made of, as read from the store (maybe before the content loaded).
pub use crate::commands::DashboardFacts;

/// Days of review history the stats view holds (12 weeks).
pub const ACTIVITY_DAYS: usize = 84;
/// Days of due forecast the stats view holds.
pub const FORECAST_DAYS: usize = 30;

/// A domain with its blueprint weight and the learner's mastery.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRow {
    pub id: String,
    pub title: String,
    /// Its weight in the exam, in percent.
    pub weight: u32,
    /// 0..1.
    pub mastery: f64,
}

/// A task with its share of the exam and the learner's mastery.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub id: String,
    pub title: String,
    /// Its share of the exam, in percent.
    pub share: f64,
    /// 0..1.
    pub mastery: f64,
}

/// What the home screen shows; filled by the shell from the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    pub due_now: i64,
    pub new_available: i64,
    pub reviews_today: i64,
    pub streak_days: u32,
    pub studied_today: bool,
    pub next_due: Option<DateTime<Utc>>,
    pub domains: Vec<DomainRow>,
    pub last_exam: Option<(i64, bool)>,
    pub readiness: Option<ReadinessSummary>,
    pub exam_in_progress: bool,
    pub questions: usize,
    pub seen: usize,
    /// The plan to the exam date, when one is set.
    pub plan: Option<crate::plan::Plan>,
}

/// Readiness as home shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadinessSummary {
    pub predicted_score: i64,
    pub pass_probability: f64,
    /// The 80 % interval of the pass probability.
    pub low: f64,
    pub high: f64,
    /// Ids of the domains with too little evidence to judge.
    pub missing: Vec<String>,
    /// Capped because the latest mock exam failed.
    pub capped_by_mock: bool,
}

impl ReadinessSummary {
    pub fn new(r: &crate::readiness::Readiness) -> ReadinessSummary {
        ReadinessSummary {
            predicted_score: i64::from(r.predicted_score),
            pass_probability: r.pass_probability,
            low: r.pass_low,
            high: r.pass_high,
            missing: r.missing(),
            capped_by_mock: r.capped_by_mock,
        }
    }
}

/// Everything the stats screen shows, read from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsView {
    pub code: String,
    pub passing_score: u32,
    pub score_min: u32,
    pub score_max: u32,
    pub scored_items: u32,
    /// Finished mock exams, oldest first: (local date, scaled score, passed).
    pub exams: Vec<(chrono::NaiveDate, u32, bool)>,
    pub readiness: Option<crate::readiness::Readiness>,
    pub domains: Vec<DomainRow>,
    pub tasks: Vec<TaskRow>,
    /// Reviews per day, oldest first, the last entry is today.
    pub reviews_per_day: Vec<u64>,
    pub today: chrono::NaiveDate,
    /// Cards due per day from today (overdue counted today).
    pub due_forecast: Vec<u64>,
    /// Per difficulty 1-3: (answers, correct).
    pub by_difficulty: [(i64, i64); 3],
    pub median_ms: Option<i64>,
    pub answered: i64,
    pub correct: i64,
    /// The exam's time limit and number of questions, and the pace they give (ms a question).
    pub exam_minutes: u32,
    pub exam_questions: u32,
    pub pace_ms: i64,
    /// Per blueprint domain: the median time per question over its latest timed answers.
    pub time_by_domain: Vec<crate::commands::DomainTimeJson>,
    /// Due reviews answered right over the last 30 days, against the desired retention.
    pub true_retention: crate::commands::TrueRetentionJson,
}

/// The learner's bookmarks and notes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Personal {
    pub bookmarks: HashSet<String>,
    pub notes: HashMap<String, String>,
}

/// What saving an answer gave: its id, the card before and after, when each rating would bring
/// the card back, and FSRS's chance of recall when it was asked.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedAnswer {
    pub review_id: i64,
    pub at: DateTime<Utc>,
    pub card_before: Card,
    pub card_after: Card,
    /// When each rating, Again to Easy, would bring the card back.
    pub previews: Vec<DateTime<Utc>>,
    /// None for a new card.
    pub recall: Option<f32>,
}

/// An answer to log: the question, the choice, the verdict, the rating and the time it took.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRecord {
    pub question_id: String,
    pub skill: String,
    pub difficulty: u8,
    pub mode: Mode,
    pub chosen: Vec<usize>,
    pub correct: bool,
    pub rating: Rating,
    pub at: DateTime<Utc>,
    pub elapsed_ms: i64,
}

/// The start of a review: its cards, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewStart {
    Cards {
        queue: Vec<String>,
        new_ids: HashSet<String>,
    },
    Nothing {
        /// When the next card comes due, if any is scheduled.
        next_due: Option<DateTime<Utc>>,
        /// Today's new cards are all done: how many a day.
        new_done_today: Option<i64>,
    },
}

/// A stored mock exam: its summary and its items.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredExam {
    pub summary: ExamSummary,
    pub items: Vec<ExamItemRow>,
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

/// What a drill will target and why: each skill in it (most questions first) with its
/// mastery and its domain's weight in the exam.
pub fn drill_plan_lines(pack: &Pack, mastery: &crate::mastery::MasteryMap, queue: &[String]) -> Vec<String> {
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

/// Scores stored exam items by the blueprint's rules ([`mock::score`]).
pub fn score_items(pack: &Pack, items: &[ExamItemRow]) -> mock::Report {
    let answers: Vec<mock::ItemAnswer> = items
        .iter()
        .map(|i| mock::ItemAnswer {
            question_id: &i.question_id,
            domain: &i.domain,
            scored: i.scored,
            chosen: &i.chosen,
        })
        .collect();
    mock::score(pack, &answers)
}

/// The study service (see the module's doc).
pub struct Service {
    pub store: Store,
    pub pack: Rc<Pack>,
    pub sched: Scheduler,
    pub settings: StudySettings,
    /// Draws the queues and exam seeds.
    rng: StdRng,
}

impl Service {
    pub fn new(store: Store, pack: Rc<Pack>, sched: Scheduler, settings: StudySettings, seed: u64) -> Service {
        Service {
            store,
            pack,
            sched,
            settings,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn code(&self) -> &str {
        &self.pack.exam.code
    }

    /// New cards a day in review: the plan's when an exam date is set, else the config's.
    pub fn new_per_day(&self, plan: Option<&crate::plan::Plan>) -> i64 {
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
            readiness: readiness.as_ref().map(ReadinessSummary::new),
            exam_in_progress: f.exam_in_progress,
            questions: self.pack.questions.len(),
            seen,
            plan,
        }
    }

    /// Every domain with its weight and mastery, in blueprint order.
    pub fn domain_rows(&self, mastery: &MasteryMap) -> Vec<DomainRow> {
        self.pack
            .exam
            .domains
            .iter()
            .map(|d| DomainRow {
                id: d.id.clone(),
                title: d.title.clone(),
                weight: d.weight,
                mastery: mastery.domain(&d.id),
            })
            .collect()
    }

    pub fn last_seen(&self) -> Result<HashMap<String, DateTime<Utc>>> {
        Ok(self.store.last_seen(self.code())?.into_iter().collect())
    }

    /// Everything the stats screen shows, from the store.
    pub fn stats_view(&self, now: DateTime<Utc>) -> Result<StatsView> {
        let code = self.code().to_string();
        let offset = Local::now().offset().local_minus_utc() as i64;
        let today_n = (now.timestamp() + offset).div_euclid(86_400);
        let today = now.with_timezone(&Local).date_naive();
        let fmt = self.pack.exam.format;
        let mastery = self.mastery(now)?;
        let since = now - chrono::Duration::days(ACTIVITY_DAYS as i64 + 1);
        let mut per_day = vec![0u64; ACTIVITY_DAYS];
        for (d, n) in self.store.reviews_per_day(&code, since, offset)? {
            let back = today_n - d;
            if (0..ACTIVITY_DAYS as i64).contains(&back) {
                per_day[ACTIVITY_DAYS - 1 - back as usize] += n as u64;
            }
        }
        let until = now + chrono::Duration::days(FORECAST_DAYS as i64 + 1);
        let mut forecast = vec![0u64; FORECAST_DAYS];
        for (d, n) in self.store.due_per_day(&code, until, offset)? {
            let ahead = (d - today_n).max(0);
            if ahead < FORECAST_DAYS as i64 {
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
                    TaskRow {
                        id: t.id.clone(),
                        title: t.title.clone(),
                        share,
                        mastery: m.task(&t.id),
                    }
                })
            })
            .collect();
        Ok(StatsView {
            code: code.clone(),
            passing_score: fmt.passing_score,
            score_min: fmt.score_min,
            score_max: fmt.score_max,
            scored_items: fmt.scored,
            exams,
            readiness: self.readiness(now)?,
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
    pub fn marks(&self) -> Result<session::Marks> {
        let code = self.code();
        Ok(session::Marks {
            seen: self.store.seen_ids(code)?.into_iter().collect(),
            missed: self.store.missed_ids(code)?.into_iter().collect(),
            bookmarked: self.store.bookmarks(code)?.into_iter().map(|(id, _)| id).collect(),
        })
    }

    /// The learner's bookmarks and notes.
    pub fn personal(&self) -> Result<Personal> {
        let code = self.code();
        Ok(Personal {
            bookmarks: self.store.bookmarks(code)?.into_iter().map(|(id, _)| id).collect(),
            notes: self
                .store
                .notes(code)?
                .into_iter()
                .map(|n| (n.question_id, n.text))
                .collect(),
        })
    }

    pub fn draw_exam(&self, seed: u64) -> Result<mock::Draw> {
        let last_met: HashMap<String, DateTime<Utc>> = self.store.exam_last_met(self.code())?.into_iter().collect();
        Ok(mock::assemble(&self.pack, seed, &last_met))
    }

    /// Scores a stored exam and logs its answers (mode `exam`) with their cards, in one
    /// transaction.
    pub fn finish_exam(&mut self, exam_id: i64, elapsed_ms: i64, timed_out: bool, now: DateTime<Utc>) -> Result<()> {
        let code = self.code().to_string();
        let items = self.store.exam_items(exam_id)?;
        let report = score_items(&self.pack, &items);
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

    /// The start of a review: due cards, most overdue first, then new ones up to today's limit
    /// (the plan's when an exam date is set), domains taking turns; or why there is nothing.
    pub fn review_start(&mut self, now: DateTime<Utc>) -> Result<ReviewStart> {
        let code = self.code().to_string();
        let due = self.store.due_cards(&code, now, 10_000)?;
        let seen: HashSet<String> = self.store.seen_ids(&code)?.into_iter().collect();
        let new_today = self.store.count_new_since(&code, commands::start_of_today(now))?;
        let plan = commands::plan_for(&self.store, &self.pack, now, self.settings.exam_date)?;
        let new_per_day = self.new_per_day(plan.as_ref());
        let new_limit = (new_per_day - new_today).max(0) as usize;
        let queue = session::review_queue(&self.pack, &due, &seen, new_limit, &mut self.rng);
        if !queue.is_empty() {
            let new_ids = queue.iter().filter(|id| !seen.contains(*id)).cloned().collect();
            return Ok(ReviewStart::Cards { queue, new_ids });
        }
        Ok(ReviewStart::Nothing {
            next_due: self.store.next_due(&code, now)?,
            new_done_today: (new_limit == 0).then_some(new_per_day),
        })
    }

    /// The cards that came due while a review ran (no new ones).
    pub fn more_due(&mut self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let code = self.code().to_string();
        let due = self.store.due_cards(&code, now, 10_000)?;
        let seen: HashSet<String> = self.store.seen_ids(&code)?.into_iter().collect();
        Ok(session::review_queue(&self.pack, &due, &seen, 0, &mut self.rng))
    }

    /// Up to `count` questions of `filter` (and of `subset`), fresh ones first.
    pub fn practice(&mut self, filter: &Filter, count: usize, subset: Subset) -> Result<Vec<String>> {
        let last_seen = self.last_seen()?;
        let marks = match subset {
            Subset::All => Marks::default(),
            _ => self.marks()?,
        };
        Ok(session::practice_queue(
            &self.pack,
            filter,
            (&marks, subset),
            count,
            &last_seen,
            &mut self.rng,
        ))
    }

    /// A drill of `count` questions from the weakest skills, with its plan: what it targets
    /// and why.
    pub fn drill(&mut self, count: usize, now: DateTime<Utc>) -> Result<(Vec<String>, Vec<String>)> {
        let last_seen = self.last_seen()?;
        let mastery = self.mastery(now)?;
        let queue = session::drill_queue(&self.pack, &mastery, &last_seen, count, now, &mut self.rng);
        let lines = drill_plan_lines(&self.pack, &mastery, &queue);
        Ok((queue, lines))
    }

    /// Everything `cloudprep stats` reports, with the config's exam date and the desired
    /// retention the scheduler aims at.
    pub fn stats(&self, now: DateTime<Utc>) -> Result<commands::StatsJson> {
        commands::stats_with(
            &self.store,
            &self.pack,
            now,
            self.settings.exam_date,
            self.settings.retention,
        )
    }

    /// Mastery of every skill, task and domain.
    pub fn mastery(&self, now: DateTime<Utc>) -> Result<MasteryMap> {
        commands::mastery_map(&self.store, &self.pack, now)
    }

    /// Readiness: the predicted score and pass probability, when there is enough evidence.
    pub fn readiness(&self, now: DateTime<Utc>) -> Result<Option<crate::readiness::Readiness>> {
        commands::readiness(&self.store, &self.pack, now)
    }

    /// Logs an answer and saves the card's new state, in one transaction.
    pub fn save_answer(&mut self, rec: &AnswerRecord) -> Result<SavedAnswer> {
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
        let review_id = self.store.record_answer(&code, &row, &after)?;
        let previews = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
            .iter()
            .map(|&r| self.sched.answer(&before, r, rec.at).due)
            .collect();
        let recall = before.retrievability(&self.sched, rec.at);
        Ok(SavedAnswer {
            review_id,
            at: rec.at,
            card_before: before,
            card_after: after,
            previews,
            recall,
        })
    }

    /// Re-rates a logged answer: the card is scheduled again from its state before it.
    pub fn rerate(&mut self, review_id: i64, card_before: &Card, rating: Rating, at: DateTime<Utc>) -> Result<Card> {
        let after = self.sched.answer(card_before, rating, at);
        let code = self.code().to_string();
        self.store.rerate(&code, review_id, rating, &after)?;
        Ok(after)
    }

    /// Takes an answer back: its row goes and the card is as it was, in one transaction.
    pub fn undo(&mut self, review_id: i64, card_before: &Card) -> Result<()> {
        let code = self.code().to_string();
        Ok(self.store.undo_answer(&code, review_id, card_before)?)
    }

    /// A new seed for a mock exam.
    pub fn exam_seed(&mut self) -> u64 {
        rand::RngExt::random(&mut self.rng)
    }

    /// The unfinished mock exam, if any.
    pub fn exam_in_progress(&self) -> Result<Option<StoredExam>> {
        match self.store.exam_in_progress(self.code())? {
            Some(e) => self.exam(e.id),
            None => Ok(None),
        }
    }

    /// A stored mock exam.
    pub fn exam(&self, exam_id: i64) -> Result<Option<StoredExam>> {
        let Some(summary) = self.store.exam_summary(exam_id)? else {
            return Ok(None);
        };
        let items = self.store.exam_items(exam_id)?;
        Ok(Some(StoredExam { summary, items }))
    }

    /// Assembles a mock exam by the blueprint and stores it; returns its id.
    pub fn create_exam(&mut self, seed: u64, untimed: bool, extra_minutes: u32, now: DateTime<Utc>) -> Result<i64> {
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
        Ok(self.store.create_exam(&code, seed as i64, now, limit, &rows)?)
    }

    /// The finished mock exams, oldest first.
    pub fn finished_exams(&self) -> Result<Vec<ExamSummary>> {
        Ok(self.store.finished_exams(self.code())?)
    }

    /// Bookmarks a question, or takes the bookmark off.
    pub fn set_bookmark(&self, question_id: &str, on: bool, now: DateTime<Utc>) -> Result<()> {
        Ok(self.store.set_bookmark(self.code(), question_id, on, now)?)
    }

    /// Saves a question's note (empty: deletes it).
    pub fn set_note(&self, question_id: &str, text: &str, now: DateTime<Utc>) -> Result<()> {
        Ok(self.store.set_note(self.code(), question_id, text, now)?)
    }

    /// Records "this question is wrong or unclear".
    pub fn report_question(
        &self,
        question_id: &str,
        note: &str,
        shown_order: &[usize],
        chosen: &[usize],
        now: DateTime<Utc>,
    ) -> Result<()> {
        Ok(self
            .store
            .add_report(self.code(), question_id, note, now, shown_order, chosen)?)
    }
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
