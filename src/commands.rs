//! The non-interactive commands: `validate`, `stats`, `export`, and the shared start-up
//! (paths, content, store).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::Global;
use crate::content::{self, ContentError, ContentSource, Coverage};
use crate::mastery::{self, Answer, MasteryMap};
use crate::model::Pack;
use crate::store::Store;

/// A user error: printed as its lines on stderr, exit 1.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for UserError {}

/// The default database path: `<data dir>/cloudprep/cloudprep.db`.
pub fn default_db_path() -> Result<PathBuf> {
    let base = directories::BaseDirs::new()
        .ok_or_else(|| anyhow!("cannot find your home folder to place the database; pass --db PATH"))?;
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

/// Loads the pack, or fails with every content error (one per line).
pub fn load_pack(g: &Global) -> Result<Pack> {
    let src = source(g);
    let loaded = content::load(&src, &g.exam);
    if !loaded.errors.is_empty() {
        bail!(UserError(error_lines(&loaded.errors)));
    }
    loaded.pack.ok_or_else(|| {
        anyhow!(UserError(format!(
            "{}: the exam pack could not be loaded",
            src.describe()
        )))
    })
}

fn error_lines(errors: &[ContentError]) -> String {
    let mut s = String::new();
    for e in errors {
        let _ = writeln!(s, "{e}");
    }
    let _ = write!(
        s,
        "{} content error{}: fix them, then run `cloudprep validate`",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    s
}

pub fn open_store(g: &Global) -> Result<Store> {
    let path = db_path(g)?;
    Store::open(&path).map_err(|e| anyhow!(UserError(e.to_string())))
}

/// The learner's FSRS parameters (set by `optimize`), or empty for the defaults.
pub fn fsrs_params(store: &Store) -> Result<Vec<f32>> {
    match store.setting("fsrs_params")? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| anyhow!(UserError(format!("the stored FSRS parameters are unreadable ({e}); run `cloudprep optimize` again")))),
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
    let loaded = content::load(&src, &g.exam);
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

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
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

#[derive(Serialize, Clone, Copy, Debug, PartialEq)]
pub struct ReadinessJson {
    pub predicted_score: i64,
    pub pass_probability: f64,
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Mastery of the pack's blueprint from the review log.
pub fn mastery_map(store: &Store, pack: &Pack, now: DateTime<Utc>) -> Result<MasteryMap> {
    let mut by_skill: HashMap<String, Vec<Answer>> = HashMap::new();
    for (skill, at, correct, mode) in store.recent_by_skill(&pack.exam.code, 200)? {
        by_skill.entry(skill).or_default().push(Answer {
            at,
            correct,
            exam: mode == "exam",
        });
    }
    Ok(mastery::compute(&pack.exam, &by_skill, now))
}

pub fn stats(store: &Store, pack: &Pack, now: DateTime<Utc>) -> Result<StatsJson> {
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
                mastery: (mastery.domain(&d.id) * 1000.0).round() / 1000.0,
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
        readiness: None,
    })
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
            "{:<6}  {:>5}%  {:>8}  {:>7}  {:>6.0}%",
            d.id,
            d.weight,
            d.answered,
            d.correct,
            d.mastery * 100.0
        );
    }
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
                "Readiness: predicted score {}, pass probability {:.2}",
                r.predicted_score, r.pass_probability
            );
        }
        None => {
            let _ = writeln!(out, "Readiness: not enough data yet.");
        }
    }
    out
}

/// The answer of a command that is not built yet.
pub fn not_built(name: &str) -> Result<i32> {
    Err(anyhow!(UserError(format!(
        "`cloudprep {name}` is not built yet in this version; see the README for what is available"
    ))))
}
