//! The non-interactive commands: `validate`, `stats`, `export`, and the shared start-up
//! (paths, content, store).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::cli::Global;
use crate::content::{self, ContentError, ContentSource, Coverage};
use crate::error::{Error, Result};
use crate::mastery::{self, Answer, MasteryMap};
use crate::model::{Pack, clip};
use crate::store::Store;

/// The default database path: `<data dir>/cloudprep/cloudprep.db`.
pub fn default_db_path() -> Result<PathBuf> {
    let base = directories::BaseDirs::new()
        .ok_or_else(|| Error::File("cannot find your home folder to place the database; pass --db PATH".into()))?;
    Ok(base.data_dir().join("cloudprep").join("cloudprep.db"))
}

pub fn db_path(g: &Global) -> Result<PathBuf> {
    match &g.db {
        Some(p) => Ok(p.clone()),
        None => default_db_path(),
    }
}

pub fn source(g: &Global) -> ContentSource {
    match &g.content {
        Some(d) => ContentSource::Dir(d.clone()),
        None => ContentSource::Embedded,
    }
}

/// The folder of the learner's own question packs: `<data dir>/cloudprep/content`.
pub fn user_content_root() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.data_dir().join("cloudprep").join("content"))
}

/// Where parsed content trees are cached: `<cache dir>/cloudprep`.
pub fn cache_root() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.cache_dir().join("cloudprep"))
}

/// The pack with the learner's own questions merged in (from the cache when unchanged).
pub fn load_all(g: &Global) -> content::Loaded {
    content::load_cached(
        &source(g),
        &g.exam,
        user_content_root().as_deref(),
        cache_root().as_deref(),
    )
}

/// Loads the pack, or fails with every content error (one per line).
pub fn load_pack(g: &Global) -> Result<Pack> {
    let src = source(g);
    let loaded = load_all(g);
    if !loaded.errors.is_empty() {
        return Err(Error::Content(loaded.errors));
    }
    loaded.pack.ok_or_else(|| Error::NoPack(src.describe()))
}

pub fn open_store(g: &Global) -> Result<Store> {
    let path = db_path(g)?;
    Ok(Store::open(&path)?)
}

/// The learner's FSRS parameters (set by `optimize`), or empty for the defaults.
pub fn fsrs_params(store: &Store) -> Result<Vec<f32>> {
    match store.setting("fsrs_params")? {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            Error::Usage(format!(
                "the stored FSRS parameters are unreadable ({e}); run `cloudprep optimize` again"
            ))
        }),
        None => Ok(Vec::new()),
    }
}

// ----- validate -----

#[derive(Serialize)]
struct ValidateJson<'a> {
    exam: String,
    ok: bool,
    errors: &'a [ContentError],
    questions: usize,
    single: usize,
    multiple: usize,
    /// Questions with a `verified` month, and the oldest such month.
    verified: usize,
    oldest_verified: Option<String>,
    /// Questions with a reference on docs.aws.amazon.com.
    with_docs_url: usize,
    domains: Vec<DomainCount>,
    tasks: Vec<IdCount>,
    skills: Vec<IdCount>,
    uncovered_skills: Vec<String>,
}

#[derive(Serialize)]
struct DomainCount {
    id: String,
    weight: u32,
    questions: usize,
}

#[derive(Serialize)]
struct IdCount {
    id: String,
    questions: usize,
}

/// `cloudprep validate [--json]`. Returns the exit code.
pub fn validate(g: &Global, json: bool, out: &mut String) -> Result<i32> {
    let src = source(g);
    let loaded = load_all(g);
    let cov = loaded.pack.as_ref().map(content::coverage).unwrap_or_default();
    let ok = loaded.ok();
    if json {
        let j = ValidateJson {
            exam: loaded
                .pack
                .as_ref()
                .map(|p| p.exam.code.clone())
                .unwrap_or_else(|| g.exam.clone()),
            ok,
            errors: &loaded.errors,
            questions: cov.questions,
            single: cov.single,
            multiple: cov.multiple,
            verified: cov.verified,
            oldest_verified: cov.oldest_verified.map(|m| m.to_string()),
            with_docs_url: cov.with_docs_url,
            domains: loaded
                .pack
                .iter()
                .flat_map(|p| p.exam.domains.iter())
                .map(|d| DomainCount {
                    id: d.id.clone(),
                    weight: d.weight,
                    questions: cov.domains.get(&d.id).copied().unwrap_or(0),
                })
                .collect(),
            tasks: cov
                .tasks
                .iter()
                .map(|(id, &n)| IdCount {
                    id: id.clone(),
                    questions: n,
                })
                .collect(),
            skills: cov
                .skills
                .iter()
                .map(|(id, &n)| IdCount {
                    id: id.clone(),
                    questions: n,
                })
                .collect(),
            uncovered_skills: cov
                .skills
                .iter()
                .filter(|(_, n)| **n == 0)
                .map(|(id, _)| id.clone())
                .collect(),
        };
        out.push_str(&serde_json::to_string_pretty(&j)?);
        out.push('\n');
    } else {
        for e in &loaded.errors {
            let _ = writeln!(out, "error: {e}");
        }
        if let Some(p) = &loaded.pack {
            coverage_table(p, &cov, &src, out);
        }
        if ok {
            let _ = writeln!(out, "OK: no errors.");
        } else {
            let _ = writeln!(
                out,
                "{} error(s): the content is not usable until they are fixed.",
                loaded.errors.len()
            );
        }
    }
    Ok(if ok { 0 } else { 1 })
}

fn pct(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * n as f64 / total as f64
    }
}

fn coverage_table(p: &Pack, cov: &Coverage, src: &ContentSource, out: &mut String) {
    let e = &p.exam;
    let _ = writeln!(out, "{} — {} ({})", e.code, e.title, src.describe());
    let _ = writeln!(
        out,
        "{} questions: {} single, {} multiple ({:.0}%); difficulty 1/2/3: {}/{}/{}",
        cov.questions,
        cov.single,
        cov.multiple,
        pct(cov.multiple, cov.questions),
        cov.by_difficulty[0],
        cov.by_difficulty[1],
        cov.by_difficulty[2]
    );
    let _ = writeln!(
        out,
        "verified against the AWS documentation: {} of {}{}; with a docs.aws.amazon.com reference: {}",
        cov.verified,
        cov.questions,
        cov.oldest_verified
            .map(|m| format!(" (oldest {m})"))
            .unwrap_or_default(),
        cov.with_docs_url
    );
    let _ = writeln!(out, "\nDomain{:52}  weight  questions  share", "");
    for d in &e.domains {
        let n = cov.domains.get(&d.id).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "{:<3}{:<55}  {:>5}%  {:>9}  {:>4.1}%",
            d.id,
            clip(&d.title, 55),
            d.weight,
            n,
            pct(n, cov.questions)
        );
    }
    let _ = writeln!(out, "\nTask{:58}  questions", "");
    for (_, t) in e.tasks() {
        let n = cov.tasks.get(&t.id).copied().unwrap_or(0);
        let _ = writeln!(out, "{:<5}{:<57}  {:>9}", t.id, clip(&t.title, 57), n);
    }
    let _ = writeln!(out, "\nSkill{:57}  questions", "");
    for (_, _, s) in e.skills() {
        let n = cov.skills.get(&s.id).copied().unwrap_or(0);
        let _ = writeln!(out, "{:<7}{:<55}  {:>9}", s.id, clip(&s.title, 55), n);
    }
    let uncovered: Vec<&str> = cov
        .skills
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| id.as_str())
        .collect();
    let _ = writeln!(
        out,
        "\nSkills without questions: {}",
        if uncovered.is_empty() {
            "none".to_string()
        } else {
            uncovered.join(", ")
        }
    );
}

// ----- stats -----

#[derive(Serialize)]
pub struct StatsJson {
    pub exam: String,
    pub questions: usize,
    pub seen: usize,
    pub retired: usize,
    pub reviews: i64,
    pub due_now: i64,
    pub domains: Vec<DomainStats>,
    pub exams: Vec<ExamJson>,
    pub exam_in_progress: Option<InProgressJson>,
    pub readiness: Option<ReadinessJson>,
    /// The plan to the exam date; null without a date.
    pub plan: Option<PlanJson>,
    /// Per blueprint domain: the median time per question over its latest timed answers.
    pub time_by_domain: Vec<DomainTimeJson>,
    /// The real exam's pace: its time limit over its number of questions, in milliseconds.
    pub exam_pace_ms: i64,
    pub true_retention: TrueRetentionJson,
}

/// The median time per question of one domain.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct DomainTimeJson {
    pub domain: String,
    /// The median `elapsed_ms` over the domain's latest timed answers (at most
    /// [`crate::store::DOMAIN_TIME_WINDOW`]); null without any.
    pub median_ms: Option<i64>,
    /// How many answers the median is over.
    pub answers: i64,
}

/// Days of answers true retention counts.
pub const TRUE_RETENTION_DAYS: i64 = 30;

/// True retention: the share of due reviews answered right over the last
/// [`TRUE_RETENTION_DAYS`], against the desired retention the scheduler aims at.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct TrueRetentionJson {
    pub window_days: i64,
    /// Review-mode answers to cards in the review phase (due, not new, not in learning steps).
    pub answers: i64,
    pub correct: i64,
    /// correct / answers; null without answers.
    pub rate: Option<f64>,
    /// The configured desired retention (`desired_retention`).
    pub desired: f64,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct PlanJson {
    pub exam_date: String,
    pub days_left: i64,
    pub new_per_day: u64,
    pub on_track: bool,
    pub reviews_per_day: u64,
    /// Upcoming days to sit a mock exam.
    pub mock_days: Vec<String>,
}

/// The settings keys under which `plan --date` saves the exam date, and the day it was set.
fn plan_keys(code: &str) -> (String, String) {
    (format!("exam_date:{code}"), format!("plan_set_on:{code}"))
}

/// The exam date in force: the config file's, else the one `plan --date` saved; with the day
/// the plan was set, when known.
pub fn exam_date(
    store: &Store,
    code: &str,
    config_date: Option<NaiveDate>,
) -> Result<Option<(NaiveDate, Option<NaiveDate>)>> {
    let (date_key, set_key) = plan_keys(code);
    let set_on = store.setting(&set_key)?.and_then(|s| crate::plan::parse_date(&s));
    if let Some(d) = config_date {
        return Ok(Some((d, None)));
    }
    Ok(store
        .setting(&date_key)?
        .and_then(|s| crate::plan::parse_date(&s))
        .map(|d| (d, set_on)))
}

/// The plan for today, when an exam date is set.
pub fn plan_for(
    store: &Store,
    pack: &Pack,
    now: DateTime<Utc>,
    config_date: Option<NaiveDate>,
) -> Result<Option<crate::plan::Plan>> {
    let code = &pack.exam.code;
    let Some(date) = exam_date(store, code, config_date)? else {
        return Ok(None);
    };
    let offset = chrono::Local::now().offset().local_minus_utc() as i64;
    Ok(Some(plan_from(
        pack,
        date,
        &store.seen_ids(code)?,
        &store.new_per_day(code, now - chrono::Duration::days(8), offset)?,
        &store.due_per_day(code, now + chrono::Duration::days(8), offset)?,
        now,
        offset,
    )))
}

/// The plan from the store's counts: questions seen, new questions and cards due per local day.
pub fn plan_from(
    pack: &Pack,
    (date, set_on): (NaiveDate, Option<NaiveDate>),
    seen_ids: &[String],
    new_per_day: &[(i64, i64)],
    due_per_day: &[(i64, i64)],
    now: DateTime<Utc>,
    offset: i64,
) -> crate::plan::Plan {
    let today_n = (now.timestamp() + offset).div_euclid(86_400);
    let today = (now + chrono::Duration::seconds(offset)).date_naive();
    let seen = seen_ids.iter().filter(|id| pack.question(id).is_some()).count();
    let mut new_last_7_days = [0u64; 7];
    for &(d, n) in new_per_day {
        let back = today_n - d;
        if (0..7).contains(&back) {
            new_last_7_days[6 - back as usize] += n as u64;
        }
    }
    let mut due_forecast = vec![0u64; 7];
    for &(d, n) in due_per_day {
        let ahead = (d - today_n).max(0);
        if ahead < 7 {
            due_forecast[ahead as usize] += n as u64;
        }
    }
    crate::plan::plan(&crate::plan::PlanInput {
        exam_date: date,
        today,
        unseen: pack.questions.len().saturating_sub(seen),
        due_forecast,
        new_last_7_days,
        set_on,
    })
}

/// `cloudprep plan [--date D] [--clear]`: saves or clears the exam date, then prints the plan.
pub fn plan_command(
    store: &Store,
    pack: &Pack,
    cfg: &crate::config::Config,
    date: Option<&str>,
    clear: bool,
    now: DateTime<Utc>,
) -> Result<String> {
    let (date_key, set_key) = plan_keys(&pack.exam.code);
    let today = now.with_timezone(&chrono::Local).date_naive();
    if (date.is_some() || clear)
        && let (Some(d), crate::config::Source::File(path)) = (cfg.exam_date.value, &cfg.exam_date.source)
    {
        return Err(Error::Usage(format!(
            "exam_date = \"{d}\" is set in {}: change or remove it there",
            path.display()
        )));
    }
    if clear {
        store.delete_setting(&date_key)?;
        store.delete_setting(&set_key)?;
    }
    if let Some(text) = date {
        let Some(d) = crate::plan::parse_date(text) else {
            return Err(Error::Usage(format!(
                "--date {text:?} is not a date: use year-month-day, such as 2027-01-20"
            )));
        };
        if d < today {
            return Err(Error::Usage(format!("--date {d} is in the past (today is {today})")));
        }
        store.set_setting(&date_key, &d.to_string())?;
        store.set_setting(&set_key, &today.to_string())?;
    }
    let mut out = String::new();
    match plan_for(store, pack, now, cfg.exam_date.value)? {
        None => out.push_str(
            "No exam date set: `cloudprep plan --date 2027-01-20` (or exam_date in the config file) sets one.\n",
        ),
        Some(p) => out.push_str(&plan_text(&p)),
    }
    Ok(out)
}

/// `cloudprep history` when standard output is not a terminal: one line per finished exam.
pub fn history_text(store: &Store, pack: &Pack) -> Result<String> {
    let mut out = String::new();
    let exams = store.finished_exams(&pack.exam.code)?;
    if exams.is_empty() {
        let _ = writeln!(out, "No mock exam finished yet.");
    }
    for e in exams.iter().rev() {
        let when = e
            .finished_at
            .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "#{:<4} {when}  score {:>4}  {}  {}/{} scored items right",
            e.id,
            e.scaled_score.unwrap_or(0),
            if e.passed == Some(true) { "pass" } else { "fail" },
            e.raw_correct.unwrap_or(0),
            e.scored_total.unwrap_or(0)
        );
    }
    Ok(out)
}

/// The plan in words, as `cloudprep plan` prints it.
pub fn plan_text(p: &crate::plan::Plan) -> String {
    let mut out = String::new();
    if p.days_left < 0 {
        let _ = writeln!(out, "Exam date {} has passed.", p.exam_date);
        return out;
    }
    let _ = writeln!(out, "Exam on {} — {} days left.", p.exam_date, p.days_left);
    let _ = writeln!(
        out,
        "New questions: {} a day covers the unseen bank a week before the exam (lately {:.1} a day: {}).",
        p.new_per_day,
        p.recent_new_per_day,
        if p.on_track { "on track" } else { "behind" }
    );
    let _ = writeln!(
        out,
        "Reviews: about {} a day over the next week (FSRS forecast).",
        p.reviews_per_day
    );
    let days: Vec<String> = p
        .mock_days
        .iter()
        .map(|d| d.format("%a %Y-%m-%d").to_string())
        .collect();
    if days.is_empty() {
        let _ = writeln!(out, "Mock exams: none left to schedule.");
    } else {
        let _ = writeln!(out, "Mock exams on: {}.", days.join(", "));
    }
    out
}

#[derive(Serialize)]
pub struct DomainStats {
    pub id: String,
    pub weight: u32,
    pub answered: i64,
    pub correct: i64,
    pub mastery: f64,
}

#[derive(Serialize)]
pub struct ExamJson {
    pub id: i64,
    pub finished_at: String,
    pub scaled_score: i64,
    pub passed: bool,
}

#[derive(Serialize)]
pub struct InProgressJson {
    pub id: i64,
    pub answered: usize,
    pub flagged: usize,
    pub remaining_seconds: Option<i64>,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ReadinessJson {
    pub predicted_score: i64,
    pub pass_probability: f64,
    /// The central 80 % interval of the pass probability.
    pub pass_probability_low: f64,
    pub pass_probability_high: f64,
    /// Expected scored items right, out of `format.scored`.
    pub expected_correct: f64,
    /// Per blueprint domain: the evidence behind it and its estimated accuracy with its 80 %
    /// interval.
    pub domains: Vec<DomainReadinessJson>,
    /// Domains with too little evidence to judge: their estimate assumes you have not studied
    /// them.
    pub missing: Vec<String>,
    /// The pass probability is capped because the latest mock exam failed.
    pub capped_by_failed_mock: bool,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct DomainReadinessJson {
    pub id: String,
    /// Effective number of answers after weighting (recency, repeats, kind).
    pub evidence: f64,
    pub estimated_accuracy: f64,
    pub low: f64,
    pub high: f64,
}

impl ReadinessJson {
    pub fn new(r: &crate::readiness::Readiness) -> ReadinessJson {
        ReadinessJson {
            predicted_score: i64::from(r.predicted_score),
            pass_probability: round3(r.pass_probability),
            pass_probability_low: round3(r.pass_low),
            pass_probability_high: round3(r.pass_high),
            expected_correct: (r.expected_correct * 10.0).round() / 10.0,
            domains: r
                .domains
                .iter()
                .map(|d| DomainReadinessJson {
                    id: d.id.clone(),
                    evidence: (d.evidence * 10.0).round() / 10.0,
                    estimated_accuracy: round3(d.estimated_accuracy),
                    low: round3(d.low),
                    high: round3(d.high),
                })
                .collect(),
            missing: r.missing(),
            capped_by_failed_mock: r.capped_by_mock,
        }
    }
}

/// How many recent answers readiness reads: with a 21-day half-life, older ones weigh nothing
/// that matters, and the query stays fast on a long history.
pub const READINESS_WINDOW: usize = 5_000;

/// The readiness estimate from the recent review log (None until there is enough data).
pub fn readiness(store: &Store, pack: &Pack, now: DateTime<Utc>) -> Result<Option<crate::readiness::Readiness>> {
    let recent = store.recent_reviews(&pack.exam.code, READINESS_WINDOW)?;
    let finished = store.finished_exams(&pack.exam.code)?;
    Ok(readiness_from(&pack.exam, &recent, &finished, now))
}

/// Readiness from what the store holds: the latest answers and the finished mock exams.
pub fn readiness_from(
    exam: &crate::model::Exam,
    recent: &[crate::store::RecentAnswer],
    finished: &[crate::store::ExamSummary],
    now: DateTime<Utc>,
) -> Option<crate::readiness::Readiness> {
    let answers: Vec<crate::readiness::GradedAnswer> = recent
        .iter()
        .map(|a| crate::readiness::GradedAnswer {
            domain: crate::model::parent_id(crate::model::parent_id(&a.skill)).to_string(),
            question_id: a.question_id.clone(),
            at: a.at,
            correct: a.correct,
            exam: a.exam,
        })
        .collect();
    let mocks: Vec<crate::readiness::MockResult> = finished
        .iter()
        .filter_map(|e| {
            Some(crate::readiness::MockResult {
                at: e.finished_at?,
                passed: e.passed?,
            })
        })
        .collect();
    crate::readiness::estimate(exam, &answers, &mocks, now)
}

/// Everything the dashboard reads from the store, fetched in one go so that it can run while
/// the content loads (see `lib::shell`).
#[derive(Debug, Clone)]
pub struct DashboardFacts {
    pub code: String,
    pub now: DateTime<Utc>,
    pub offset_secs: i64,
    pub study_days: Vec<i64>,
    pub recent_by_skill: Vec<crate::store::SkillAnswer>,
    pub seen_ids: Vec<String>,
    pub new_today: i64,
    pub finished: Vec<crate::store::ExamSummary>,
    pub recent: Vec<crate::store::RecentAnswer>,
    pub exam_date: Option<(NaiveDate, Option<NaiveDate>)>,
    pub new_per_day: Vec<(i64, i64)>,
    pub due_per_day: Vec<(i64, i64)>,
    pub due_now: i64,
    pub reviews_today: i64,
    pub next_due: Option<DateTime<Utc>>,
    pub exam_in_progress: bool,
}

/// Local midnight today, in UTC.
pub fn start_of_today(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&chrono::Local);
    local
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

pub fn dashboard_facts(
    store: &Store,
    code: &str,
    now: DateTime<Utc>,
    config_date: Option<NaiveDate>,
) -> Result<DashboardFacts> {
    let offset_secs = chrono::Local::now().offset().local_minus_utc() as i64;
    let today = start_of_today(now);
    Ok(DashboardFacts {
        code: code.to_string(),
        now,
        offset_secs,
        study_days: store.study_days(code, offset_secs, 400)?,
        recent_by_skill: store.recent_by_skill(code, MASTERY_WINDOW)?,
        seen_ids: store.seen_ids(code)?,
        new_today: store.count_new_since(code, today)?,
        finished: store.finished_exams(code)?,
        recent: store.recent_reviews(code, READINESS_WINDOW)?,
        exam_date: exam_date(store, code, config_date)?,
        new_per_day: store.new_per_day(code, now - chrono::Duration::days(8), offset_secs)?,
        due_per_day: store.due_per_day(code, now + chrono::Duration::days(8), offset_secs)?,
        due_now: store.count_due(code, now)?,
        reviews_today: store.count_reviews_since(code, today)?,
        next_due: store.next_due(code, now)?,
        exam_in_progress: store.exam_in_progress(code)?.is_some(),
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Answers per skill that mastery reads.
pub const MASTERY_WINDOW: usize = 200;

/// Mastery of the pack's blueprint from the review log.
pub fn mastery_map(store: &Store, pack: &Pack, now: DateTime<Utc>) -> Result<MasteryMap> {
    Ok(mastery_from(
        &pack.exam,
        &store.recent_by_skill(&pack.exam.code, MASTERY_WINDOW)?,
        now,
    ))
}

/// Mastery from the latest answers of each skill.
pub fn mastery_from(exam: &crate::model::Exam, rows: &[crate::store::SkillAnswer], now: DateTime<Utc>) -> MasteryMap {
    let mut by_skill: HashMap<String, Vec<Answer>> = HashMap::new();
    for (skill, at, correct, mode) in rows {
        by_skill.entry(skill.clone()).or_default().push(Answer {
            at: *at,
            correct: *correct,
            exam: *mode == crate::model::Mode::Exam,
        });
    }
    mastery::compute(exam, &by_skill, now)
}

/// The median time per question of every blueprint domain, in blueprint order (domains
/// without timed answers: no median, 0 answers).
pub fn time_by_domain(store: &Store, pack: &Pack) -> Result<Vec<DomainTimeJson>> {
    let medians: HashMap<String, (i64, i64)> = store
        .median_ms_by_domain(&pack.exam.code)?
        .into_iter()
        .map(|(d, m, n)| (d, (m, n)))
        .collect();
    Ok(pack
        .exam
        .domains
        .iter()
        .map(|d| {
            let found = medians.get(&d.id);
            DomainTimeJson {
                domain: d.id.clone(),
                median_ms: found.map(|x| x.0),
                answers: found.map_or(0, |x| x.1),
            }
        })
        .collect())
}

/// True retention over the last [`TRUE_RETENTION_DAYS`] days, against `desired`.
pub fn true_retention(store: &Store, code: &str, now: DateTime<Utc>, desired: f32) -> Result<TrueRetentionJson> {
    let since = now - chrono::Duration::days(TRUE_RETENTION_DAYS);
    let (answers, correct) = store.true_retention(code, since)?;
    Ok(TrueRetentionJson {
        window_days: TRUE_RETENTION_DAYS,
        answers,
        correct,
        rate: (answers > 0).then(|| round3(correct as f64 / answers as f64)),
        desired: round3(f64::from(desired)),
    })
}

/// [`stats_with`] with no exam date from the config and the default desired retention.
pub fn stats(store: &Store, pack: &Pack, now: DateTime<Utc>) -> Result<StatsJson> {
    stats_with(store, pack, now, None, crate::srs::DEFAULT_RETENTION)
}

/// The stats, with the config file's `exam_date` (which wins over one saved by `plan --date`)
/// and the desired retention the scheduler uses (the config's `desired_retention`), which true
/// retention is measured against.
pub fn stats_with(
    store: &Store,
    pack: &Pack,
    now: DateTime<Utc>,
    config_date: Option<NaiveDate>,
    desired_retention: f32,
) -> Result<StatsJson> {
    let code = &pack.exam.code;
    let seen_ids = store.seen_ids(code)?;
    let retired = seen_ids.iter().filter(|id| pack.question(id).is_none()).count();
    let mastery = mastery_map(store, pack, now)?;
    let mut per_domain: HashMap<String, (i64, i64)> = HashMap::new();
    for (skill, n, c) in store.answers_by_skill(code)? {
        let d = crate::model::parent_id(crate::model::parent_id(&skill)).to_string();
        let e = per_domain.entry(d).or_default();
        e.0 += n;
        e.1 += c;
    }
    let domains = pack
        .exam
        .domains
        .iter()
        .map(|d| {
            let (answered, correct) = per_domain.get(&d.id).copied().unwrap_or((0, 0));
            DomainStats {
                id: d.id.clone(),
                weight: d.weight,
                answered,
                correct,
                // Rounded to the whole percent every screen shows (model::percent).
                mastery: crate::model::percent(mastery.domain(&d.id)) as f64 / 100.0,
            }
        })
        .collect();
    let exams = store
        .finished_exams(code)?
        .into_iter()
        .filter_map(|e| {
            Some(ExamJson {
                id: e.id,
                finished_at: rfc3339(e.finished_at?),
                scaled_score: e.scaled_score?,
                passed: e.passed?,
            })
        })
        .collect();
    let exam_in_progress = match store.exam_in_progress(code)? {
        Some(e) => {
            let items = store.exam_items(e.id)?;
            Some(InProgressJson {
                id: e.id,
                answered: items.iter().filter(|i| !i.chosen.is_empty()).count(),
                flagged: items.iter().filter(|i| i.flagged).count(),
                remaining_seconds: e.time_limit_ms.map(|l| ((l - e.elapsed_ms).max(0)) / 1000),
            })
        }
        None => None,
    };
    Ok(StatsJson {
        exam: code.clone(),
        questions: pack.questions.len(),
        seen: seen_ids.len() - retired,
        retired,
        reviews: store.count_reviews(code)?,
        due_now: store.count_due(code, now)?,
        domains,
        exams,
        exam_in_progress,
        readiness: readiness(store, pack, now)?.as_ref().map(ReadinessJson::new),
        plan: plan_for(store, pack, now, config_date)?.map(|p| PlanJson {
            exam_date: p.exam_date.to_string(),
            days_left: p.days_left,
            new_per_day: p.new_per_day,
            on_track: p.on_track,
            reviews_per_day: p.reviews_per_day,
            mock_days: p.mock_days.iter().map(|d| d.to_string()).collect(),
        }),
        time_by_domain: time_by_domain(store, pack)?,
        exam_pace_ms: crate::mock::pace_ms(&pack.exam.format),
        true_retention: true_retention(store, code, now, desired_retention)?,
    })
}

/// The median time per question of each domain beside the exam's pace, as `cloudprep stats`
/// prints it: a heading, then "Domain 1  1 min 24 s  (312 answers)" or "Domain 2  —".
pub fn time_by_domain_lines(times: &[DomainTimeJson], pace_ms: i64) -> Vec<String> {
    let mut lines = vec![format!(
        "Time per question (median, exam pace {})",
        crate::mock::format_min_sec(pace_ms)
    )];
    let id_w = times.iter().map(|t| t.domain.chars().count()).max().unwrap_or(1);
    for t in times {
        lines.push(match t.median_ms {
            Some(m) => format!(
                "Domain {:<id_w$}  {:<10}  ({} answer{})",
                t.domain,
                crate::mock::format_min_sec(m),
                t.answers,
                if t.answers == 1 { "" } else { "s" }
            ),
            None => format!("Domain {:<id_w$}  —", t.domain),
        });
    }
    lines
}

/// True retention in one line: "True retention (30 days): 87 % of 212 due reviews (target
/// 90 %)", or that there were none.
pub fn true_retention_line(t: &TrueRetentionJson) -> String {
    match t.rate {
        Some(rate) if t.answers > 0 => format!(
            "True retention ({} days): {} % of {} due review{} (target {} %)",
            t.window_days,
            crate::model::percent(rate),
            t.answers,
            if t.answers == 1 { "" } else { "s" },
            crate::model::percent(t.desired)
        ),
        _ => format!(
            "True retention: no due reviews answered in {} days (target {} %)",
            t.window_days,
            crate::model::percent(t.desired)
        ),
    }
}

pub fn stats_text(s: &StatsJson, pack: &Pack) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", pack.exam.code, pack.exam.title);
    let _ = writeln!(
        out,
        "questions {}  seen {}  reviews {}  due now {}{}",
        s.questions,
        s.seen,
        s.reviews,
        s.due_now,
        if s.retired > 0 {
            format!("  retired {}", s.retired)
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "\nDomain  weight  answered  correct  mastery");
    for d in &s.domains {
        let _ = writeln!(
            out,
            "{:<6}  {:>5}%  {:>8}  {:>7}  {:>6}%",
            d.id,
            d.weight,
            d.answered,
            d.correct,
            crate::model::percent(d.mastery)
        );
    }
    let _ = writeln!(out);
    for line in time_by_domain_lines(&s.time_by_domain, s.exam_pace_ms) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", true_retention_line(&s.true_retention));
    match s.exams.last() {
        Some(e) => {
            let _ = writeln!(
                out,
                "\nLast mock exam: {} ({}) on {}",
                e.scaled_score,
                if e.passed { "pass" } else { "fail" },
                e.finished_at
            );
        }
        None => {
            let _ = writeln!(out, "\nNo mock exam finished yet.");
        }
    }
    if let Some(p) = &s.exam_in_progress {
        let _ = writeln!(out, "Exam in progress: {} answered, {} marked", p.answered, p.flagged);
    }
    match &s.readiness {
        Some(r) => {
            let _ = writeln!(
                out,
                "Readiness: predicted score {} (pass at {}), pass probability {:.2} ({:.2}-{:.2}), about {:.0} of {} scored items right",
                r.predicted_score,
                pack.exam.format.passing_score,
                r.pass_probability,
                r.pass_probability_low,
                r.pass_probability_high,
                r.expected_correct,
                pack.exam.format.scored
            );
            let doms: Vec<String> = r
                .domains
                .iter()
                .map(|d| {
                    format!(
                        "{} {:.0}% ({:.0}-{:.0}%, {:.1} answers' worth)",
                        d.id,
                        d.estimated_accuracy * 100.0,
                        d.low * 100.0,
                        d.high * 100.0,
                        d.evidence
                    )
                })
                .collect();
            let _ = writeln!(out, "Estimated accuracy by domain: {}", doms.join("; "));
            if r.capped_by_failed_mock {
                let _ = writeln!(
                    out,
                    "Your last mock exam failed: the pass probability stays at most {:.2} until one passes.",
                    crate::readiness::FAILED_MOCK_CAP
                );
            }
            for d in &r.domains {
                if r.missing.contains(&d.id) {
                    let _ = writeln!(out, "{}", crate::readiness::missing_line(&d.id, d.evidence));
                }
            }
        }
        None => {
            let _ = writeln!(
                out,
                "Readiness: not enough data yet (it needs {} graded answers across {} domains).",
                crate::readiness::MIN_ANSWERS,
                crate::readiness::MIN_DOMAINS
            );
        }
    }
    if let Some(p) = &s.plan {
        let _ = writeln!(
            out,
            "Plan: exam on {} ({} days left); {} new questions a day ({}); about {} reviews a day; next mock exam {}",
            p.exam_date,
            p.days_left,
            p.new_per_day,
            if p.on_track { "on track" } else { "behind" },
            p.reviews_per_day,
            p.mock_days.first().map(String::as_str).unwrap_or("—")
        );
    }
    out
}

// ----- export -----

#[derive(Serialize)]
struct ExportJson {
    exam: String,
    reviews: Vec<ReviewJson>,
    cards: Vec<CardJson>,
    exams: Vec<ExamExportJson>,
    reports: Vec<ReportJson>,
    bookmarks: Vec<BookmarkJson>,
    notes: Vec<NoteJson>,
}

#[derive(Serialize)]
struct BookmarkJson {
    question_id: String,
    created_at: String,
}

#[derive(Serialize)]
struct NoteJson {
    question_id: String,
    text: String,
    updated_at: String,
}

#[derive(Serialize)]
struct ReviewJson {
    question_id: String,
    reviewed_at: String,
    rating: u8,
    correct: bool,
    mode: &'static str,
    elapsed_ms: i64,
    skill: String,
    chosen: Vec<usize>,
    /// The card's phase before the answer; null for answers logged before schema 5.
    phase: Option<&'static str>,
}

#[derive(Serialize)]
struct CardJson {
    question_id: String,
    state: &'static str,
    stability: Option<f32>,
    difficulty: Option<f32>,
    due: String,
    reps: u32,
    lapses: u32,
    last_review: Option<String>,
}

#[derive(Serialize)]
struct ExamExportJson {
    id: i64,
    started_at: String,
    finished_at: Option<String>,
    scaled_score: Option<i64>,
    passed: Option<bool>,
    raw_correct: Option<i64>,
    scored_total: Option<i64>,
    elapsed_ms: i64,
    items: Vec<ExamItemJson>,
}

#[derive(Serialize)]
struct ExamItemJson {
    question_id: String,
    scored: bool,
    chosen: Vec<usize>,
    correct: Option<bool>,
    flagged: bool,
    /// Time spent on the item, in milliseconds (0 for exams before schema 5).
    time_ms: i64,
}

#[derive(Serialize)]
struct ReportJson {
    question_id: String,
    created_at: String,
    note: String,
    /// The options' texts in the order the learner saw them (empty for old reports, or when
    /// the question has since been removed).
    options_shown: Vec<String>,
    /// The texts of the options the learner had chosen.
    chosen: Vec<String>,
    /// The same as original option indices (file order).
    shown_order: Vec<usize>,
    chosen_indices: Vec<usize>,
}

/// Everything the learner did, as the JSON of SPEC.md.
/// `pack` gives reports their options' texts.
pub fn export_json(store: &Store, code: &str, pack: Option<&Pack>) -> Result<String> {
    let reviews = store
        .reviews(code)?
        .into_iter()
        .map(|r| ReviewJson {
            question_id: r.question_id,
            reviewed_at: rfc3339(r.reviewed_at),
            rating: r.rating as u8,
            correct: r.correct,
            mode: r.mode.as_str(),
            elapsed_ms: r.elapsed_ms,
            skill: r.skill,
            chosen: r.chosen,
            phase: r.phase.map(crate::srs::CardPhase::as_str),
        })
        .collect();
    let cards = store
        .cards(code)?
        .into_iter()
        .map(|c| CardJson {
            question_id: c.question_id,
            state: c.phase.as_str(),
            stability: c.stability,
            difficulty: c.difficulty,
            due: rfc3339(c.due),
            reps: c.reps,
            lapses: c.lapses,
            last_review: c.last_review.map(rfc3339),
        })
        .collect();
    let mut exams = Vec::new();
    let mut all = store.finished_exams(code)?;
    all.extend(store.exam_in_progress(code)?);
    for e in all {
        let items = store
            .exam_items(e.id)?
            .into_iter()
            .map(|i| ExamItemJson {
                question_id: i.question_id,
                scored: i.scored,
                chosen: i.chosen,
                correct: i.correct,
                flagged: i.flagged,
                time_ms: i.time_ms,
            })
            .collect();
        exams.push(ExamExportJson {
            id: e.id,
            started_at: rfc3339(e.started_at),
            finished_at: e.finished_at.map(rfc3339),
            scaled_score: e.scaled_score,
            passed: e.passed,
            raw_correct: e.raw_correct,
            scored_total: e.scored_total,
            elapsed_ms: e.elapsed_ms,
            items,
        });
    }
    let reports = store
        .reports(code)?
        .into_iter()
        .map(|r| {
            let text = |i: &usize| {
                pack.and_then(|p| p.question(&r.question_id))
                    .and_then(|q| q.options.get(*i))
                    .map(|o| o.text.trim().to_string())
            };
            ReportJson {
                options_shown: r.shown_order.iter().filter_map(text).collect(),
                chosen: r.chosen.iter().filter_map(text).collect(),
                question_id: r.question_id,
                created_at: rfc3339(r.at),
                note: r.note,
                shown_order: r.shown_order,
                chosen_indices: r.chosen,
            }
        })
        .collect();
    let bookmarks = store
        .bookmarks(code)?
        .into_iter()
        .map(|(question_id, at)| BookmarkJson {
            question_id,
            created_at: rfc3339(at),
        })
        .collect();
    let notes = store
        .notes(code)?
        .into_iter()
        .map(|n| NoteJson {
            question_id: n.question_id,
            text: n.text,
            updated_at: rfc3339(n.updated_at),
        })
        .collect();
    let j = ExportJson {
        exam: code.to_string(),
        reviews,
        cards,
        exams,
        reports,
        bookmarks,
        notes,
    };
    Ok(serde_json::to_string_pretty(&j)? + "\n")
}

/// The review history as CSV (RFC 4180 quoting).
pub fn export_csv(store: &Store, code: &str) -> Result<String> {
    fn q(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::from("question_id,skill,reviewed_at,rating,correct,mode,elapsed_ms,chosen\n");
    for r in store.reviews(code)? {
        let chosen: Vec<String> = r.chosen.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            q(&r.question_id),
            q(&r.skill),
            rfc3339(r.reviewed_at),
            r.rating as u8,
            r.correct,
            r.mode.as_str(),
            r.elapsed_ms,
            q(&chosen.join(" "))
        );
    }
    Ok(out)
}

/// Writes `text` to `path` atomically (a temporary file in the same folder, then a rename),
/// or to standard output when `path` is None.
pub fn write_output(path: Option<&std::path::Path>, text: &str) -> Result<()> {
    use std::io::Write;
    match path {
        None => match std::io::stdout().lock().write_all(text.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
            _ => Ok(()),
        },
        Some(p) => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let fail = |e: &dyn std::fmt::Display| Error::File(format!("cannot write {}: {e}", p.display()));
            let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
            tmp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
            tmp.as_file().sync_all().map_err(|e| fail(&e))?;
            tmp.persist(p).map_err(|e| fail(&e.error))?;
            Ok(())
        }
    }
}

// ----- optimize -----

/// Reviews needed before `optimize` fits parameters (Anki's long-standing threshold).
pub const OPTIMIZE_MIN_REVIEWS: usize = 400;

/// The review log as FSRS training items: for every card, one item per review after its first,
/// holding the whole history up to that review, with whole days between reviews.
pub fn fsrs_items(reviews: &[crate::store::ReviewRow]) -> (Vec<fsrs::FSRSItem>, Vec<i64>) {
    let mut by_q: std::collections::BTreeMap<&str, Vec<&crate::store::ReviewRow>> = Default::default();
    for r in reviews {
        by_q.entry(r.question_id.as_str()).or_default().push(r);
    }
    let mut items = Vec::new();
    let mut ids = Vec::new();
    for (card_id, (_, rs)) in by_q.into_iter().enumerate() {
        let mut hist: Vec<fsrs::FSRSReview> = Vec::new();
        let mut prev: Option<DateTime<Utc>> = None;
        for r in rs {
            let delta = prev
                .map(|p| (r.reviewed_at.date_naive() - p.date_naive()).num_days().max(0) as u32)
                .unwrap_or(0);
            hist.push(fsrs::FSRSReview {
                rating: r.rating as u32,
                delta_t: delta,
            });
            prev = Some(r.reviewed_at);
            if hist.len() >= 2 {
                items.push(fsrs::FSRSItem { reviews: hist.clone() });
                ids.push(card_id as i64);
            }
        }
    }
    (items, ids)
}

/// `cloudprep optimize`: fits FSRS-6 parameters to the learner's reviews and stores them.
pub fn optimize(store: &Store, code: &str, out: &mut String) -> Result<()> {
    let reviews = store.reviews(code)?;
    if reviews.len() < OPTIMIZE_MIN_REVIEWS {
        return Err(Error::Usage(format!(
            "optimize needs at least {OPTIMIZE_MIN_REVIEWS} reviews; you have {} ({} more needed). Until then the FSRS-6 defaults are used.",
            reviews.len(),
            OPTIMIZE_MIN_REVIEWS - reviews.len()
        )));
    }
    let (items, card_ids) = fsrs_items(&reviews);
    let old = fsrs_params(store)?;
    let old_model = fsrs::FSRS::new(&old).map_err(|e| Error::Internal(format!("FSRS: {e:?}")))?;
    let new = fsrs::compute_parameters(fsrs::ComputeParametersInput {
        train_set: items.clone(),
        card_ids: Some(card_ids),
        ..Default::default()
    })
    .map_err(|e| Error::Usage(format!("the FSRS optimizer could not fit your reviews: {e:?}")))?;
    let new_model = fsrs::FSRS::new(&new).map_err(|e| Error::Internal(format!("FSRS: {e:?}")))?;
    let eval_old = old_model
        .evaluate(items.clone(), |_| true)
        .map_err(|e| Error::Internal(format!("FSRS evaluate: {e:?}")))?;
    let eval_new = new_model
        .evaluate(items, |_| true)
        .map_err(|e| Error::Internal(format!("FSRS evaluate: {e:?}")))?;
    let fmt = |p: &[f32]| p.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(", ");
    let old_shown = if old.is_empty() {
        fsrs::DEFAULT_PARAMETERS.to_vec()
    } else {
        old.clone()
    };
    let _ = writeln!(out, "Reviews used: {}", reviews.len());
    let _ = writeln!(
        out,
        "Old parameters{}: [{}]",
        if old.is_empty() { " (FSRS-6 defaults)" } else { "" },
        fmt(&old_shown)
    );
    let _ = writeln!(out, "New parameters: [{}]", fmt(&new));
    let _ = writeln!(out, "Evaluation on your reviews   log loss   RMSE (bins)");
    let _ = writeln!(
        out,
        "  old                        {:>8.4}   {:>10.4}",
        eval_old.log_loss, eval_old.rmse_bins
    );
    let _ = writeln!(
        out,
        "  new                        {:>8.4}   {:>10.4}",
        eval_new.log_loss, eval_new.rmse_bins
    );
    if new == fsrs::DEFAULT_PARAMETERS.to_vec() {
        let _ = writeln!(
            out,
            "Not enough spaced (multi-day) reviews yet to move away from the defaults; nothing changed."
        );
        return Ok(());
    }
    store.set_setting("fsrs_params", &serde_json::to_string(&new)?)?;
    let _ = writeln!(out, "Saved: reviews are scheduled with the new parameters from now on.");
    Ok(())
}

/// `cloudprep reports`: the questions the learner reported, newest last.
pub fn reports_text(store: &Store, pack: &Pack) -> Result<String> {
    let rows = store.reports(&pack.exam.code)?;
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No reports yet. Press ! on any question to report it as wrong or unclear.\n");
        return Ok(out);
    }
    for r in rows {
        let q = pack.question(&r.question_id);
        let file = q.map(|q| q.file.as_str()).unwrap_or("(removed from the content)");
        let note = if r.note.is_empty() {
            "(no note)"
        } else {
            r.note.as_str()
        };
        let _ = writeln!(out, "{}  {}  {file}\n    {note}", rfc3339(r.at), r.question_id);
        if let Some(q) = q {
            // The options as the learner saw them, lettered as on screen, with the choice.
            for (d, &i) in r.shown_order.iter().enumerate() {
                let Some(o) = q.options.get(i) else { continue };
                let letter = (b'A' + (d as u8).min(25)) as char;
                let mark = if r.chosen.contains(&i) { "chosen" } else { "      " };
                let key = if o.correct { "key" } else { "   " };
                let _ = writeln!(out, "    {letter}. [{mark}] [{key}] {}", o.text.trim());
            }
        }
    }
    let _ = writeln!(
        out,
        "\n`cloudprep export --format json` includes these reports, to send them back."
    );
    Ok(out)
}

// ----- new-question -----

/// The template `new-question` opens.
pub fn question_template(pack: &Pack, skill: &str) -> String {
    let title = pack.exam.skill(skill).map(|s| s.title.as_str()).unwrap_or("");
    format!(
        "# A new question for skill {skill}: {title}
# Fill it in, save and quit. cloudprep checks it with the same rules as the bank and reopens
# it with the problems on top if anything is wrong. Lines starting with # are comments.
# kind: single (4 options, 1 correct) or multiple (5-6 options, 2 or more correct, not all).
questions:
  - id: my-new-question            # unique, a-z 0-9 and -, never reused
    skill: \"{skill}\"
    kind: single
    difficulty: 2                  # 1 easy, 2 medium, 3 hard
    stem: |
      A company ... Which solution meets these requirements?
    options:
      - text: The right answer
        correct: true
        why: Why it is right.
      - text: A plausible wrong answer
        why: Why it is wrong.
      - text: Another plausible wrong answer
        why: Why it is wrong.
      - text: A third plausible wrong answer
        why: Why it is wrong.
    explanation: |
      The reasoning, in two to six sentences.
    references:
      - title: The AWS documentation page that settles it
        url: https://docs.aws.amazon.com/
    tags: []
"
    )
}

const PROBLEM_MARK: &str = "# ! ";

/// Removes the problem lines a previous round put on top.
fn strip_problems(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(PROBLEM_MARK))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `cloudprep new-question --skill ID`: opens `$VISUAL`/`$EDITOR` on a template, validates the
/// result with the bank, reopens it with the problems on top until it is valid (or left
/// unchanged), then saves it in the learner's content folder.
pub fn new_question(g: &Global, skill: &str) -> Result<String> {
    let pack = load_pack(g)?;
    // The same check, and the same message, as `practice --skill`.
    crate::session::Filter::from_flags(&pack.exam, None, None, Some(skill))?;
    let root =
        user_content_root().ok_or_else(|| Error::File("cannot find your data folder to save the question".into()))?;
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let dir = tempfile::tempdir()?;
    let draft = dir.path().join("new-question.yaml");
    let template = question_template(&pack, skill);
    std::fs::write(&draft, &template)?;
    let mut previous = template.clone();
    loop {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&draft)
            .status()
            .map_err(|e| Error::Usage(format!("cannot start the editor {editor:?}: {e}; set $EDITOR")))?;
        if !status.success() {
            return Err(Error::Usage(format!(
                "the editor {editor:?} exited with {status}; nothing was saved"
            )));
        }
        let text = std::fs::read_to_string(&draft)
            .map_err(|e| Error::File(format!("cannot read the draft back: {e}; nothing was saved")))?;
        let body = strip_problems(&text);
        if body == strip_problems(&template) {
            return Ok("The template was left unchanged: nothing was saved.\n".to_string());
        }
        if text == previous {
            return Err(Error::Usage(format!(
                "the question still has problems and was saved unchanged; nothing was saved ({} lists them)",
                draft.display()
            )));
        }
        let label = "new-question.yaml";
        let loaded = content::load_merged(&source(g), &g.exam, Some(&root), Some((label, &body)));
        let mine: Vec<&ContentError> = loaded.errors.iter().filter(|e| e.file == label).collect();
        let new_ids: Vec<String> = loaded
            .pack
            .as_ref()
            .map(|p| {
                p.questions
                    .iter()
                    .filter(|q| q.file == label)
                    .map(|q| q.id.clone())
                    .collect()
            })
            .unwrap_or_default();
        let problems: Vec<String> = if !loaded.errors.is_empty() && mine.is_empty() {
            loaded.errors.iter().map(|e| e.to_string()).collect()
        } else if new_ids.is_empty() && mine.is_empty() {
            vec!["the file holds no question".to_string()]
        } else {
            mine.iter().map(|e| e.to_string()).collect()
        };
        if problems.is_empty() {
            let qdir = content::user_questions_dir(&root, &pack.exam.code);
            std::fs::create_dir_all(&qdir)
                .map_err(|e| Error::File(format!("cannot create {}: {e}", qdir.display())))?;
            let target = qdir.join(format!("{}.yaml", new_ids[0]));
            if target.exists() {
                return Err(Error::File(format!(
                    "{} already exists; nothing was saved",
                    target.display()
                )));
            }
            write_output(Some(&target), &body)?;
            return Ok(format!(
                "Saved {} ({} question{}). It is part of your bank from now on; `cloudprep validate` counts it.\n",
                target.display(),
                new_ids.len(),
                if new_ids.len() == 1 { "" } else { "s" }
            ));
        }
        // Reopen with the problems on top; their line numbers count these lines too.
        let shift = problems.len() + 1;
        let mut header =
            format!("{PROBLEM_MARK}cloudprep found problems; fix them and save again (these lines are ignored):\n");
        for e in mine.iter() {
            let line = e.line.map(|l| format!("line {}: ", l + shift)).unwrap_or_default();
            let q = e.question.as_deref().map(|q| format!("{q}: ")).unwrap_or_default();
            header.push_str(&format!("{PROBLEM_MARK}{line}{q}{}\n", e.message));
        }
        if mine.is_empty() {
            for p in &problems {
                header.push_str(&format!("{PROBLEM_MARK}{p}\n"));
            }
        }
        let next = format!("{header}{body}");
        std::fs::write(&draft, &next)?;
        previous = next;
    }
}
