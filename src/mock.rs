//! Mock exams: assembly by the blueprint, scoring, and the exam clock.
//!
//! Pure: no database, no terminal, no reading of the clock. The caller passes in what the store
//! knows (when each question was last met in a mock exam) and the time (`now`, elapsed
//! milliseconds); everything here is a function of its arguments and the seed.
//!
//! Nothing is specific to SOA-C03: item counts, the pass mark, the score range and the domain
//! weights all come from the pack's `exam.yaml` ([`Format`] and the domains).
//!
//! Reproducibility: the random source is [`Xoshiro256PlusPlus`], a generator named after its
//! algorithm (so its stream does not change under us the way `StdRng`'s may), seeded from the
//! `--seed` value. The same pack, history and seed give the same draw.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::SliceRandom;
use serde::Serialize;

use crate::model::{Format, Pack, Question, largest_remainder};

// ----- assembly -----

/// One item of a planned mock exam, in the order it will be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedItem {
    pub question_id: String,
    /// The domain id of the question itself (also for an item drawn to fill another domain's
    /// shortfall), so the report counts it where it belongs.
    pub domain: String,
    pub skill: String,
    /// Counts toward the score; hidden from the learner until the report.
    pub scored: bool,
    /// Display position -> original option index.
    pub option_order: Vec<usize>,
}

/// A drawn mock exam and what the learner must be told before it starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draw {
    pub items: Vec<PlannedItem>,
    /// One plain sentence each: a domain short of questions, a bank smaller than the exam.
    pub warnings: Vec<String>,
}

impl Draw {
    pub fn scored_count(&self) -> usize {
        self.items.iter().filter(|i| i.scored).count()
    }
}

/// How many scored and unscored items each domain of the blueprint should get: the
/// largest-remainder rounding of the weights, in blueprint order.
pub fn domain_split(pack: &Pack) -> Vec<(String, u32, u32)> {
    let format = &pack.exam.format;
    let scored_total = format.scored.min(format.questions);
    let unscored_total = format.questions - scored_total;
    let weights: Vec<u32> = pack.exam.domains.iter().map(|d| d.weight).collect();
    let scored = largest_remainder(&weights, scored_total);
    let unscored = largest_remainder(&weights, unscored_total);
    pack.exam
        .domains
        .iter()
        .zip(scored.into_iter().zip(unscored))
        .map(|(d, (s, u))| (d.id.clone(), s, u))
        .collect()
}

/// A domain that could not supply all of its items.
struct Shortfall {
    domain: String,
    title: String,
    have: usize,
    want: usize,
}

/// Draws a mock exam from `pack` by its blueprint.
///
/// - Each domain gets its scored and unscored counts from [`domain_split`].
/// - Within a domain, questions never met in a mock exam come first, then the least recently
///   met (`last_met`: when each question was last on a mock exam). Among equally fresh
///   questions the draw goes round the domain's skills — the least used skill first, then the
///   least used task, then at random — so the items spread over its tasks and skills.
/// - A domain with too few questions gives all it has, scored items first; the shortfall is
///   drawn from the other domains (same freshness order, spread over those domains) and a
///   warning names the domain and the number missing. A bank smaller than the whole exam gives
///   a smaller exam, with a warning saying so. No question is drawn twice; nothing panics.
/// - Each item's options are shuffled, and so is the order of the items.
///
/// Questions whose skill is not in the blueprint (a validated pack has none) are never drawn.
pub fn assemble(pack: &Pack, seed: u64, last_met: &HashMap<String, DateTime<Utc>>) -> Draw {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let format = &pack.exam.format;
    let fresh = |q: &Question| last_met.get(&q.id).copied();

    // The pool of each domain, in pack order then shuffled; duplicate ids are dropped.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut pools: Vec<Vec<&Question>> = vec![Vec::new(); pack.exam.domains.len()];
    for q in &pack.questions {
        let Some(d) = pack.exam.domains.iter().position(|d| d.id == q.domain_id()) else {
            continue;
        };
        if seen.insert(q.id.as_str()) {
            pools[d].push(q);
        }
    }
    for pool in &mut pools {
        pool.shuffle(&mut rng);
    }

    let mut skill_used: HashMap<&str, u32> = HashMap::new();
    let mut task_used: HashMap<&str, u32> = HashMap::new();
    let mut chosen: Vec<(&Question, bool)> = Vec::new();
    let mut shortfalls: Vec<Shortfall> = Vec::new();
    let scored_total = format.scored.min(format.questions) as usize;
    let mut short_scored = scored_total;
    let mut short_unscored = format.questions as usize - scored_total;

    for ((domain, pool), (_, want_scored, want_unscored)) in
        pack.exam.domains.iter().zip(pools.iter_mut()).zip(domain_split(pack))
    {
        let (want_scored, want_unscored) = (want_scored as usize, want_unscored as usize);
        let want = want_scored + want_unscored;
        let mut got: Vec<&Question> = Vec::with_capacity(want);
        while got.len() < want {
            let best = take_best(pool, |q| {
                (fresh(q), count(&skill_used, &q.skill), count(&task_used, q.task_id()))
            });
            let Some(q) = best else { break };
            *skill_used.entry(&q.skill).or_default() += 1;
            *task_used.entry(q.task_id()).or_default() += 1;
            got.push(q);
        }
        // Which of a domain's items are scored is random; a short domain keeps its scored
        // items first, as they are what its result on the report rests on.
        got.shuffle(&mut rng);
        let scored = got.len().min(want_scored);
        short_scored -= scored;
        short_unscored -= got.len() - scored;
        if got.len() < want {
            shortfalls.push(Shortfall {
                domain: domain.id.clone(),
                title: domain.title.clone(),
                have: got.len(),
                want,
            });
        }
        chosen.extend(got.into_iter().enumerate().map(|(i, q)| (q, i < scored)));
    }

    // Fill the shortfalls from what is left in every domain.
    let mut rest: Vec<&Question> = pools.into_iter().flatten().collect();
    rest.shuffle(&mut rng);
    let mut domain_fill: HashMap<&str, u32> = HashMap::new();
    let mut fill: Vec<&Question> = Vec::new();
    while fill.len() < short_scored + short_unscored {
        let best = take_best(&mut rest, |q| {
            (
                fresh(q),
                count(&domain_fill, q.domain_id()),
                count(&skill_used, &q.skill),
                count(&task_used, q.task_id()),
            )
        });
        let Some(q) = best else { break };
        *domain_fill.entry(q.domain_id()).or_default() += 1;
        *skill_used.entry(&q.skill).or_default() += 1;
        *task_used.entry(q.task_id()).or_default() += 1;
        fill.push(q);
    }
    fill.shuffle(&mut rng);
    let fill_scored = fill.len().min(short_scored);
    let filled_all = fill.len() == short_scored + short_unscored;
    chosen.extend(fill.into_iter().enumerate().map(|(i, q)| (q, i < fill_scored)));

    // A bank too small for the exam: scored items before unscored ones, so turn unscored items
    // (picked at random) into scored ones up to the scored count.
    let mut missing_scored = scored_total.saturating_sub(chosen.iter().filter(|(_, s)| *s).count());
    let mut order: Vec<usize> = (0..chosen.len()).collect();
    order.shuffle(&mut rng);
    for i in order {
        if missing_scored == 0 {
            break;
        }
        if !chosen[i].1 {
            chosen[i].1 = true;
            missing_scored -= 1;
        }
    }

    let mut warnings: Vec<String> = shortfalls
        .iter()
        .map(|s| {
            let missing = s.want - s.have;
            let then = if filled_all {
                format!("{} drawn from the other domains", were(missing))
            } else {
                "made up from the other domains as far as the bank allows".to_string()
            };
            format!(
                "Domain {} ({}) has {} for its {}: the {} {then}.",
                s.domain,
                s.title,
                plural(s.have, "question"),
                plural(s.want, "item"),
                plural(missing, "missing item"),
            )
        })
        .collect();
    if chosen.len() < format.questions as usize {
        let scored = chosen.iter().filter(|(_, s)| *s).count();
        warnings.push(format!(
            "The bank has only {} for a full exam of {} items: this exam has {} items, {} of them scored.",
            plural(chosen.len(), "usable question"),
            format.questions,
            chosen.len(),
            scored,
        ));
    }

    let mut items: Vec<PlannedItem> = chosen
        .into_iter()
        .map(|(q, scored)| {
            let mut option_order: Vec<usize> = (0..q.options.len()).collect();
            option_order.shuffle(&mut rng);
            PlannedItem {
                question_id: q.id.clone(),
                domain: q.domain_id().to_string(),
                skill: q.skill.clone(),
                scored,
                option_order,
            }
        })
        .collect();
    items.shuffle(&mut rng);
    Draw { items, warnings }
}

/// Removes and returns the question of `pool` with the smallest key; the first one among equals,
/// so a shuffled pool breaks ties at random.
fn take_best<'q, K: Ord>(pool: &mut Vec<&'q Question>, key: impl Fn(&Question) -> K) -> Option<&'q Question> {
    let i = pool.iter().enumerate().min_by_key(|(_, q)| key(q)).map(|(i, _)| i)?;
    Some(pool.remove(i))
}

fn count(map: &HashMap<&str, u32>, key: &str) -> u32 {
    map.get(key).copied().unwrap_or(0)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn were(n: usize) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

// ----- scoring -----

/// What the report says about the scaled score.
pub const ESTIMATE_NOTE: &str = "The scaled score is an estimate: AWS does not publish how raw \
     results map to its scale, so this mapping is a straight line through the pass mark.";

/// One answered (or unanswered) item, as scoring needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemAnswer<'a> {
    pub question_id: &'a str,
    pub domain: &'a str,
    pub scored: bool,
    /// Original option indices (not display positions); empty when unanswered.
    pub chosen: &'a [usize],
}

/// The result of one domain on the report (scored items only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainResult {
    pub domain: String,
    pub correct: u32,
    pub total: u32,
    /// 0..=100.
    pub percent: f64,
    /// `percent >= passing_score / 10`.
    pub meets: bool,
}

impl DomainResult {
    /// "Meets competencies" or "Needs improvement".
    pub fn label(&self) -> &'static str {
        if self.meets {
            "Meets competencies"
        } else {
            "Needs improvement"
        }
    }
}

/// The score report of a mock exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Scored items answered correctly.
    pub raw_correct: u32,
    /// Scored items on the exam.
    pub scored_total: u32,
    pub scaled_score: u32,
    pub passed: bool,
    /// Blueprint order, then any domain no longer in the blueprint; only domains with scored
    /// items.
    pub domains: Vec<DomainResult>,
    /// Whether each item (scored or not), in the order given, was answered correctly.
    pub item_correct: Vec<bool>,
}

/// True when the question exists in `pack` and `chosen` is exactly its correct set: no
/// partial credit. A question no longer in the pack counts as wrong.
pub fn item_correct(pack: &Pack, question_id: &str, chosen: &[usize]) -> bool {
    pack.question(question_id).is_some_and(|q| q.is_correct(chosen))
}

/// The scaled score for `correct` of `total` scored items: piecewise linear through
/// (0 %, score_min), (passing_score / 10 %, passing_score) and (100 %, score_max), rounded half
/// up, within [score_min, score_max]. No scored items gives score_min.
pub fn scaled_score(correct: u32, total: u32, format: &Format) -> u32 {
    let (min, pass, max) = (
        i128::from(format.score_min),
        i128::from(format.passing_score),
        i128::from(format.score_max),
    );
    let (c, t) = (i128::from(correct.min(total)), i128::from(total));
    if t == 0 {
        return format.score_min;
    }
    // Percent correct is c / t; the pass point is at pass / 1000. Work in exact fractions.
    let (num, den) = if c * 1000 <= pass * t {
        // min + (pass - min) * (c / t) / (pass / 1000)
        (min * pass * t + (pass - min) * c * 1000, pass * t)
    } else {
        // pass + (max - pass) * (c / t - pass / 1000) / (1 - pass / 1000)
        (
            pass * (1000 - pass) * t + (max - pass) * (c * 1000 - pass * t),
            (1000 - pass) * t,
        )
    };
    let value = if den <= 0 {
        min
    } else {
        (2 * num + den).div_euclid(2 * den)
    };
    let (lo, hi) = (min.min(max), min.max(max));
    u32::try_from(value.clamp(lo, hi)).unwrap_or(format.score_min)
}

/// Pass at the passing score or above.
pub fn passed(score: u32, format: &Format) -> bool {
    score >= format.passing_score
}

/// Whether `correct` of `total` meets the competency bar of one domain: at least
/// passing_score / 10 percent. A domain with no scored items does not.
pub fn meets(correct: u32, total: u32, format: &Format) -> bool {
    total > 0 && u64::from(correct) * 1000 >= u64::from(format.passing_score) * u64::from(total)
}

/// Scores a mock exam: raw count, scaled score, pass or fail, per-domain results and each
/// item's correctness. Unscored items are judged (for the review log) but do not count.
pub fn score(pack: &Pack, items: &[ItemAnswer<'_>]) -> Report {
    let format = &pack.exam.format;
    let item_correct: Vec<bool> = items
        .iter()
        .map(|i| item_correct(pack, i.question_id, i.chosen))
        .collect();

    // (domain, correct, total), blueprint order first.
    let mut tally: Vec<(String, u32, u32)> = pack.exam.domains.iter().map(|d| (d.id.clone(), 0, 0)).collect();
    let mut raw_correct = 0;
    let mut scored_total = 0;
    for (item, &ok) in items.iter().zip(&item_correct) {
        if !item.scored {
            continue;
        }
        scored_total += 1;
        raw_correct += u32::from(ok);
        let i = match tally.iter().position(|(d, _, _)| d == item.domain) {
            Some(i) => i,
            None => {
                tally.push((item.domain.to_string(), 0, 0));
                tally.len() - 1
            }
        };
        tally[i].1 += u32::from(ok);
        tally[i].2 += 1;
    }
    let domains = tally
        .into_iter()
        .filter(|(_, _, total)| *total > 0)
        .map(|(domain, correct, total)| DomainResult {
            percent: 100.0 * f64::from(correct) / f64::from(total),
            meets: meets(correct, total, format),
            domain,
            correct,
            total,
        })
        .collect();
    let scaled = scaled_score(raw_correct, scored_total, format);
    Report {
        raw_correct,
        scored_total,
        scaled_score: scaled,
        passed: passed(scaled, format),
        domains,
        item_correct,
    }
}

// ----- the clock -----

/// The time limit of an exam: the pack's minutes plus any extra minutes; `None` when untimed.
pub fn time_limit_ms(format: &Format, extra_minutes: u32, untimed: bool) -> Option<i64> {
    if untimed {
        return None;
    }
    Some((i64::from(format.minutes) + i64::from(extra_minutes)) * 60_000)
}

/// Time left, never below zero; `None` when untimed.
pub fn remaining_ms(time_limit_ms: Option<i64>, elapsed_ms: i64) -> Option<i64> {
    time_limit_ms.map(|limit| limit.saturating_sub(elapsed_ms).max(0))
}

/// True when a timed exam has used all its time.
pub fn time_is_up(time_limit_ms: Option<i64>, elapsed_ms: i64) -> bool {
    remaining_ms(time_limit_ms, elapsed_ms) == Some(0)
}

/// A countdown as minutes and seconds, "129:59", rounding up to the second so that "0:00"
/// shows only when the time is up. Negative values show as "0:00".
pub fn format_clock(ms: i64) -> String {
    let secs = ms.max(0).saturating_add(999) / 1000;
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// A duration in words, unambiguous at a glance: "1 h 39 min", "12 min", "45 s".
pub fn format_duration_words(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    match (h, m) {
        (0, 0) => format!("{secs} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A time per question in minutes and seconds, "1 min 24 s", "2 min", "45 s" (rounded down to
/// the second; negative values show as "0 s").
pub fn format_min_sec(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// The exam's pace: its time limit over its number of questions, in milliseconds (130 minutes
/// for 65 questions: 120,000). 0 for a format without questions.
pub fn pace_ms(format: &Format) -> i64 {
    if format.questions == 0 {
        return 0;
    }
    i64::from(format.minutes) * 60_000 / i64::from(format.questions)
}

/// Minutes left at which the exam clock turns to a warning (colour, and ⚠ without colour).
pub const CLOCK_WARNING_MIN: i64 = 10;
/// Minutes left at which the exam says so once.
pub const CLOCK_ALERT_MIN: i64 = 5;

/// Time used as minutes and seconds, "12:05", rounding down.
pub fn format_elapsed(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// The exam clock: time used before the current stretch on screen, plus the stretch since
/// `running_since`. A deadline compared with `now`, never a counter bumped on ticks, so a late
/// or missed redraw loses nothing. A `now` before the start of the stretch counts as no time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub time_limit_ms: Option<i64>,
    elapsed_before_ms: i64,
    running_since: Option<DateTime<Utc>>,
}

impl Clock {
    /// A paused clock that has used `elapsed_ms` (0 for a new exam, the saved value on resume).
    pub fn new(time_limit_ms: Option<i64>, elapsed_ms: i64) -> Clock {
        Clock {
            time_limit_ms,
            elapsed_before_ms: elapsed_ms.max(0),
            running_since: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }

    /// Starts (or keeps) the clock running from `now`.
    pub fn start(&mut self, now: DateTime<Utc>) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Stops the clock at `now`, keeping the time used.
    pub fn pause(&mut self, now: DateTime<Utc>) {
        self.elapsed_before_ms = self.elapsed_ms(now);
        self.running_since = None;
    }

    /// Time used up to `now`.
    pub fn elapsed_ms(&self, now: DateTime<Utc>) -> i64 {
        let stretch = self
            .running_since
            .map(|since| (now - since).num_milliseconds().max(0))
            .unwrap_or(0);
        self.elapsed_before_ms.saturating_add(stretch)
    }

    /// Time left at `now`; `None` when untimed.
    pub fn remaining_ms(&self, now: DateTime<Utc>) -> Option<i64> {
        remaining_ms(self.time_limit_ms, self.elapsed_ms(now))
    }

    /// True when a timed exam has run out at `now`.
    pub fn is_up(&self, now: DateTime<Utc>) -> bool {
        time_is_up(self.time_limit_ms, self.elapsed_ms(now))
    }

    /// What the exam screen shows: the countdown, or the time used when untimed.
    pub fn display(&self, now: DateTime<Utc>) -> String {
        match self.remaining_ms(now) {
            Some(left) => format_clock(left),
            None => format_elapsed(self.elapsed_ms(now)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::LazyLock;

    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;
    use rand::RngExt;

    use super::*;
    use crate::content::{self, ContentSource};
    use crate::model::{Domain, Exam, Kind, QOption, Reference, Skill, Task};

    static BANK: LazyLock<Pack> = LazyLock::new(|| {
        let loaded = content::load(&ContentSource::Embedded, "SOA-C03");
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        loaded.pack.expect("the shipped pack loads")
    });

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().expect("valid time")
    }

    /// Scored and unscored counts per domain, blueprint order.
    fn per_domain(pack: &Pack, draw: &Draw) -> (Vec<u32>, Vec<u32>) {
        let idx = |d: &str| pack.exam.domains.iter().position(|x| x.id == d).expect("known domain");
        let n = pack.exam.domains.len();
        let (mut s, mut u) = (vec![0; n], vec![0; n]);
        for it in &draw.items {
            if it.scored {
                s[idx(&it.domain)] += 1;
            } else {
                u[idx(&it.domain)] += 1;
            }
        }
        (s, u)
    }

    fn assert_sound(pack: &Pack, draw: &Draw) {
        let mut ids = HashSet::new();
        for it in &draw.items {
            assert!(ids.insert(it.question_id.clone()), "{} drawn twice", it.question_id);
            let q = pack.question(&it.question_id).expect("drawn from the pack");
            assert_eq!(it.domain, q.domain_id());
            assert_eq!(it.skill, q.skill);
            let mut order = it.option_order.clone();
            order.sort_unstable();
            assert_eq!(
                order,
                (0..q.options.len()).collect::<Vec<_>>(),
                "option order is a permutation"
            );
        }
    }

    fn question(id: &str, skill: &str, multiple: bool) -> Question {
        let correct: &[bool] = if multiple {
            &[true, false, true, false, false]
        } else {
            &[false, true, false, false]
        };
        Question {
            id: id.to_string(),
            skill: skill.to_string(),
            kind: if multiple { Kind::Multiple } else { Kind::Single },
            difficulty: 2,
            stem: format!("Stem of {id}?"),
            options: correct
                .iter()
                .enumerate()
                .map(|(i, &c)| QOption {
                    text: format!("option {i}"),
                    correct: c,
                    why: "because".to_string(),
                })
                .collect(),
            explanation: "Explained.".to_string(),
            references: vec![Reference {
                title: "Docs".to_string(),
                url: None,
            }],
            tags: vec![],
            verified: None,
            file: "questions/test.yaml".to_string(),
        }
    }

    /// A pack with `weights.len()` domains of two tasks of two skills each, and
    /// `per_domain[d]` questions in domain d spread over its skills.
    fn synthetic(format: Format, weights: &[u32], per_domain: &[usize]) -> Pack {
        let domains = weights
            .iter()
            .enumerate()
            .map(|(d, &weight)| Domain {
                id: (d + 1).to_string(),
                title: format!("Domain {}", d + 1),
                weight,
                tasks: (1..=2)
                    .map(|t| Task {
                        id: format!("{}.{t}", d + 1),
                        title: format!("Task {}.{t}", d + 1),
                        skills: (1..=2)
                            .map(|s| Skill {
                                id: format!("{}.{t}.{s}", d + 1),
                                title: format!("Skill {}.{t}.{s}", d + 1),
                                services: vec![],
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let mut questions = Vec::new();
        for (d, &n) in per_domain.iter().enumerate() {
            for i in 0..n {
                let skill = format!("{}.{}.{}", d + 1, i % 2 + 1, (i / 2) % 2 + 1);
                questions.push(question(&format!("d{}-q{i}", d + 1), &skill, i % 3 == 0));
            }
        }
        Pack::new(
            Exam {
                code: "TEST".to_string(),
                title: "Test exam".to_string(),
                format,
                domains,
            },
            questions,
        )
    }

    fn soa_format() -> Format {
        Format::soa_c03()
    }

    fn dop_format() -> Format {
        Format::dop_c02()
    }

    /// A random mock-exam history over the bank: about a third of the questions met, at one of a
    /// few exam times (questions met on the same exam share a time).
    fn history(pack: &Pack, seed: u64) -> HashMap<String, DateTime<Utc>> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        pack.questions
            .iter()
            .filter_map(|q| {
                let r: u32 = rng.random_range(0..12);
                (r < 4).then(|| (q.id.clone(), t0() + Duration::days(i64::from(r) * 7)))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn the_shipped_bank_gives_a_full_exam_by_the_blueprint(seed in any::<u64>()) {
            let pack = &*BANK;
            let draw = assemble(pack, seed, &HashMap::new());
            prop_assert_eq!(draw.items.len(), 65);
            prop_assert_eq!(draw.scored_count(), 50);
            prop_assert!(draw.warnings.is_empty(), "{:?}", draw.warnings);
            let (s, u) = per_domain(pack, &draw);
            prop_assert_eq!(s, vec![11, 11, 11, 8, 9]);
            prop_assert_eq!(u, vec![3, 3, 3, 3, 3]);
            assert_sound(pack, &draw);
        }

        #[test]
        fn the_same_seed_gives_the_same_draw(seed in any::<u64>(), hist in any::<u64>()) {
            let pack = &*BANK;
            let met = history(pack, hist);
            prop_assert_eq!(assemble(pack, seed, &met), assemble(pack, seed, &met));
        }

        #[test]
        fn fresher_questions_are_drawn_first(seed in any::<u64>(), hist in any::<u64>()) {
            let pack = &*BANK;
            let met = history(pack, hist);
            let draw = assemble(pack, seed, &met);
            prop_assert_eq!(draw.items.len(), 65);
            let drawn: HashSet<&str> = draw.items.iter().map(|i| i.question_id.as_str()).collect();
            for d in &pack.exam.domains {
                let key = |q: &Question| met.get(&q.id).copied();
                let in_domain = pack.questions.iter().filter(|q| q.domain_id() == d.id);
                let (taken, left): (Vec<&Question>, Vec<&Question>) =
                    in_domain.partition(|q| drawn.contains(q.id.as_str()));
                let stalest_taken = taken.iter().map(|q| key(q)).max().flatten();
                let freshest_left = left.iter().map(|q| key(q)).min();
                if let Some(freshest_left) = freshest_left {
                    // Option order: None (never met) < Some(older) < Some(newer).
                    prop_assert!(
                        taken.iter().map(|q| key(q)).max() <= Some(freshest_left),
                        "domain {}: took {:?} while {:?} was left", d.id, stalest_taken, freshest_left
                    );
                }
            }
            assert_sound(pack, &draw);
        }

        #[test]
        fn a_starved_bank_never_panics_or_repeats(
            seed in any::<u64>(),
            counts in proptest::collection::vec(0usize..20, 5),
        ) {
            let pack = synthetic(soa_format(), &[22, 22, 22, 16, 18], &counts);
            let draw = assemble(&pack, seed, &HashMap::new());
            assert_sound(&pack, &draw);
            let bank: usize = counts.iter().sum();
            prop_assert_eq!(draw.items.len(), bank.min(65));
            prop_assert_eq!(draw.scored_count(), bank.min(50));
            let wants = [14, 14, 14, 11, 12];
            let starved = counts.iter().zip(wants).any(|(&have, want)| have < want);
            prop_assert_eq!(starved, !draw.warnings.is_empty());
            if bank < 65 {
                prop_assert!(draw.warnings.iter().any(|w| w.contains("The bank has only")));
            }
        }

        #[test]
        fn scaled_scores_stay_in_range_and_rise_with_correct_answers(total in 0u32..200, c in 0u32..200) {
            let f = soa_format();
            let c = c.min(total);
            let s = scaled_score(c, total, &f);
            prop_assert!((100..=1000).contains(&s));
            if c < total {
                prop_assert!(scaled_score(c + 1, total, &f) >= s);
            }
        }
    }

    #[test]
    fn items_spread_over_skills_and_tasks() {
        let pack = &*BANK;
        for seed in 0..20 {
            let draw = assemble(pack, seed, &HashMap::new());
            for d in &pack.exam.domains {
                let mut per_skill: BTreeMap<&str, usize> = BTreeMap::new();
                for t in &d.tasks {
                    for s in &t.skills {
                        per_skill.insert(&s.id, 0);
                    }
                }
                for it in draw.items.iter().filter(|i| i.domain == d.id) {
                    *per_skill.entry(&it.skill).or_default() += 1;
                }
                let max = per_skill.values().max().copied().unwrap_or(0);
                let min = per_skill.values().min().copied().unwrap_or(0);
                assert!(max - min <= 1, "seed {seed}, domain {}: {per_skill:?}", d.id);
            }
        }
    }

    #[test]
    fn different_seeds_give_different_draws() {
        let pack = &*BANK;
        let a = assemble(pack, 1, &HashMap::new());
        let b = assemble(pack, 2, &HashMap::new());
        assert_ne!(a, b);
        let ids = |d: &Draw| d.items.iter().map(|i| i.question_id.clone()).collect::<HashSet<_>>();
        assert_ne!(ids(&a), ids(&b));
    }

    #[test]
    fn never_met_questions_come_before_met_ones() {
        let pack = &*BANK;
        // Every question met except 20 of domain 1: those 20 must supply domain 1's 14 items.
        let fresh: Vec<&str> = pack
            .questions
            .iter()
            .filter(|q| q.domain_id() == "1")
            .take(20)
            .map(|q| q.id.as_str())
            .collect();
        let met: HashMap<String, DateTime<Utc>> = pack
            .questions
            .iter()
            .filter(|q| !fresh.contains(&q.id.as_str()))
            .map(|q| (q.id.clone(), t0()))
            .collect();
        let draw = assemble(pack, 7, &met);
        for it in draw.items.iter().filter(|i| i.domain == "1") {
            assert!(fresh.contains(&it.question_id.as_str()), "{} was met", it.question_id);
        }
    }

    #[test]
    fn a_starved_domain_is_filled_from_the_others_with_a_warning() {
        // Domain 4 has 5 questions for its 8 scored + 3 unscored.
        let pack = synthetic(soa_format(), &[22, 22, 22, 16, 18], &[30, 30, 30, 5, 30]);
        let draw = assemble(&pack, 42, &HashMap::new());
        assert_sound(&pack, &draw);
        assert_eq!(draw.items.len(), 65);
        assert_eq!(draw.scored_count(), 50);
        let (s, u) = per_domain(&pack, &draw);
        assert_eq!(s[3], 5, "the short domain keeps its scored items first");
        assert_eq!(u[3], 0);
        assert_eq!(s.iter().sum::<u32>(), 50);
        assert_eq!(u.iter().sum::<u32>(), 15);
        assert_eq!(
            draw.warnings,
            vec![
                "Domain 4 (Domain 4) has 5 questions for its 11 items: the 6 missing items are drawn \
                 from the other domains."
                    .to_string()
            ]
        );
    }

    #[test]
    fn a_bank_smaller_than_the_exam_gives_a_smaller_exam() {
        let pack = synthetic(soa_format(), &[22, 22, 22, 16, 18], &[10, 0, 10, 10, 10]);
        let draw = assemble(&pack, 3, &HashMap::new());
        assert_sound(&pack, &draw);
        assert_eq!(draw.items.len(), 40);
        assert_eq!(draw.scored_count(), 40);
        assert!(
            draw.warnings
                .iter()
                .any(|w| w.starts_with("Domain 2 (Domain 2) has 0 questions"))
        );
        assert_eq!(
            draw.warnings.last().map(String::as_str),
            Some(
                "The bank has only 40 usable questions for a full exam of 65 items: this exam has 40 items, 40 of them scored."
            )
        );
        let empty = synthetic(soa_format(), &[22, 22, 22, 16, 18], &[0, 0, 0, 0, 0]);
        let draw = assemble(&empty, 3, &HashMap::new());
        assert!(draw.items.is_empty());
        assert_eq!(draw.warnings.len(), 6);
    }

    #[test]
    fn another_exam_works_from_its_own_format() {
        // DOP-C02-like: 75 items, 65 scored, pass 750, six domains.
        let weights = [22, 17, 15, 15, 14, 17];
        let pack = synthetic(dop_format(), &weights, &[40; 6]);
        let split = domain_split(&pack);
        let scored: Vec<u32> = split.iter().map(|x| x.1).collect();
        let unscored: Vec<u32> = split.iter().map(|x| x.2).collect();
        assert_eq!(scored, vec![14, 11, 10, 10, 9, 11]);
        assert_eq!(unscored, vec![2, 2, 2, 1, 1, 2]);
        let draw = assemble(&pack, 9, &HashMap::new());
        assert_sound(&pack, &draw);
        assert!(draw.warnings.is_empty());
        assert_eq!(draw.items.len(), 75);
        assert_eq!(per_domain(&pack, &draw), (scored, unscored));

        let f = dop_format();
        assert_eq!(scaled_score(0, 65, &f), 100);
        assert_eq!(scaled_score(65, 65, &f), 1000);
        // 75 % of 60 is 45 (the score's middle point is exact there).
        assert_eq!(scaled_score(45, 60, &f), 750);
        assert!(passed(750, &f));
        assert!(!passed(749, &f));
        assert!(meets(3, 4, &f));
        assert!(!meets(2, 3, &f));

        // Score a draw: all right but one scored item.
        let chosen: Vec<Vec<usize>> = draw
            .items
            .iter()
            .map(|it| {
                pack.question(&it.question_id)
                    .map(Question::correct_set)
                    .unwrap_or_default()
            })
            .collect();
        let wrong = draw.items.iter().position(|i| i.scored).expect("a scored item");
        let answers: Vec<ItemAnswer> = draw
            .items
            .iter()
            .zip(&chosen)
            .enumerate()
            .map(|(n, (it, c))| ItemAnswer {
                question_id: &it.question_id,
                domain: &it.domain,
                scored: it.scored,
                chosen: if n == wrong { &[] } else { c },
            })
            .collect();
        let r = score(&pack, &answers);
        assert_eq!((r.raw_correct, r.scored_total), (64, 65));
        assert_eq!(r.scaled_score, scaled_score(64, 65, &f));
        assert!(r.passed);
        assert_eq!(r.domains.len(), 6);
        assert_eq!(r.item_correct.iter().filter(|&&c| !c).count(), 1);
    }

    #[test]
    fn scaled_score_fixed_points() {
        let f = soa_format();
        assert_eq!(scaled_score(0, 50, &f), 100);
        assert_eq!(scaled_score(36, 50, &f), 720); // 72 %
        assert_eq!(scaled_score(50, 50, &f), 1000);
        assert_eq!(scaled_score(0, 0, &f), 100);
        // 50 % is on the lower segment: 100 + 620 * 50 / 72 = 530.55...
        assert_eq!(scaled_score(25, 50, &f), 531);
        // 86 % is halfway up the upper segment: 720 + 280 * 14 / 28 = 860.
        assert_eq!(scaled_score(43, 50, &f), 860);
        // 35/50 = 70 %: 100 + 620 * 70 / 72 = 702.77...
        assert_eq!(scaled_score(35, 50, &f), 703);
        assert!(!passed(703, &f));
        assert!(passed(720, &f));
        assert!(!passed(719, &f));
    }

    #[test]
    fn scoring_is_all_or_nothing() {
        let pack = synthetic(soa_format(), &[22, 22, 22, 16, 18], &[3, 0, 0, 0, 0]);
        // d1-q0 is multiple (correct 0 and 2); d1-q1 and d1-q2 single (correct 1).
        let item = |id: &'static str, chosen: &'static [usize]| ItemAnswer {
            question_id: id,
            domain: "1",
            scored: true,
            chosen,
        };
        assert!(item_correct(&pack, "d1-q0", &[2, 0]));
        assert!(!item_correct(&pack, "d1-q0", &[0]));
        assert!(!item_correct(&pack, "d1-q0", &[0, 2, 3]));
        assert!(!item_correct(&pack, "d1-q1", &[]));
        assert!(!item_correct(&pack, "gone", &[1]));
        let r = score(
            &pack,
            &[
                item("d1-q0", &[0]),
                item("d1-q1", &[1]),
                item("gone", &[1]),
                ItemAnswer {
                    scored: false,
                    ..item("d1-q2", &[1])
                },
            ],
        );
        assert_eq!(r.raw_correct, 1);
        assert_eq!(r.scored_total, 3);
        assert_eq!(r.item_correct, vec![false, true, false, true]);
        assert_eq!(r.domains.len(), 1);
        let d = &r.domains[0];
        assert_eq!((d.domain.as_str(), d.correct, d.total), ("1", 1, 3));
        assert!((d.percent - 100.0 / 3.0).abs() < 1e-9);
        assert!(!d.meets);
        assert_eq!(d.label(), "Needs improvement");
        assert!(!r.passed);
    }

    #[test]
    fn domain_results_use_the_pass_mark() {
        let f = soa_format();
        assert!(meets(18, 25, &f)); // exactly 72 %
        assert!(!meets(17, 25, &f));
        assert!(!meets(0, 0, &f));
        let pack = synthetic(f, &[22, 22, 22, 16, 18], &[2, 0, 0, 0, 0]);
        let r = score(
            &pack,
            &[ItemAnswer {
                question_id: "d1-q1",
                domain: "9",
                scored: true,
                chosen: &[1],
            }],
        );
        assert_eq!(r.domains.len(), 1, "a domain gone from the blueprint still reports");
        assert_eq!(r.domains[0].domain, "9");
        assert_eq!(r.domains[0].label(), "Meets competencies");
    }

    #[test]
    fn the_clock() {
        let f = soa_format();
        assert_eq!(time_limit_ms(&f, 0, false), Some(7_800_000));
        assert_eq!(time_limit_ms(&f, 30, false), Some(9_600_000));
        assert_eq!(time_limit_ms(&f, 30, true), None);
        assert_eq!(remaining_ms(Some(1000), 400), Some(600));
        assert_eq!(remaining_ms(Some(1000), 5000), Some(0));
        assert_eq!(remaining_ms(None, 5000), None);
        assert!(time_is_up(Some(1000), 1000));
        assert!(!time_is_up(None, i64::MAX));
        assert_eq!(format_clock(7_800_000), "130:00");
        assert_eq!(format_clock(7_799_000), "129:59");
        assert_eq!(format_clock(7_799_001), "130:00");
        assert_eq!(format_clock(1), "0:01");
        assert_eq!(format_clock(0), "0:00");
        assert_eq!(format_clock(-5), "0:00");
        assert_eq!(format_elapsed(65_999), "1:05");

        let mut c = Clock::new(time_limit_ms(&f, 0, false), 60_000);
        assert_eq!(
            c.elapsed_ms(t0() + Duration::hours(5)),
            60_000,
            "a paused clock stands still"
        );
        c.start(t0());
        c.start(t0() + Duration::seconds(10)); // already running: no restart
        assert_eq!(c.elapsed_ms(t0() + Duration::seconds(30)), 90_000);
        assert_eq!(
            c.elapsed_ms(t0() - Duration::seconds(30)),
            60_000,
            "time going back counts as none"
        );
        c.pause(t0() + Duration::seconds(30));
        assert!(!c.is_running());
        assert_eq!(c.display(t0() + Duration::days(1)), "128:30");
        c.start(t0() + Duration::days(1));
        assert!(c.is_up(t0() + Duration::days(1) + Duration::minutes(129)));
        let untimed = Clock::new(None, 65_000);
        assert_eq!(untimed.display(t0()), "1:05");
        assert!(!untimed.is_up(t0()));
    }

    #[test]
    fn pace_comes_from_the_format_and_times_read_as_minutes_and_seconds() {
        assert_eq!(pace_ms(&soa_format()), 120_000);
        // DOP-C02: 180 minutes for 75 questions.
        assert_eq!(pace_ms(&dop_format()), 144_000);
        let empty = Format {
            questions: 0,
            ..soa_format()
        };
        assert_eq!(pace_ms(&empty), 0);
        assert_eq!(format_min_sec(84_000), "1 min 24 s");
        assert_eq!(format_min_sec(84_999), "1 min 24 s");
        assert_eq!(format_min_sec(120_000), "2 min");
        assert_eq!(format_min_sec(144_000), "2 min 24 s");
        assert_eq!(format_min_sec(45_500), "45 s");
        assert_eq!(format_min_sec(0), "0 s");
        assert_eq!(format_min_sec(-3), "0 s");
        assert_eq!(format_min_sec(i64::MAX), "153722867280912 min 55 s");
    }
}
