//! Which questions a study session serves: practice by filter, the review queue, the weak-area
//! drill, and the shuffled option order of a question. Pure: randomness and time come in as
//! parameters.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use crate::mastery::MasteryMap;
use crate::model::{Exam, Pack, Question};
use crate::srs::{Card, CardPhase};

/// What part of the blueprint a practice session covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    All,
    Domain(String),
    Task(String),
    Skill(String),
}

impl Filter {
    pub fn matches(&self, q: &Question) -> bool {
        match self {
            Filter::All => true,
            Filter::Domain(d) => q.domain_id() == d,
            Filter::Task(t) => q.task_id() == t,
            Filter::Skill(s) => &q.skill == s,
        }
    }

    /// How many questions of the pack this filter covers, without scanning the bank.
    pub fn count(&self, pack: &Pack) -> usize {
        match self {
            Filter::All => pack.questions.len(),
            Filter::Domain(id) | Filter::Task(id) | Filter::Skill(id) => pack.count_in(id),
        }
    }

    pub fn label(&self, exam: &Exam) -> String {
        match self {
            Filter::All => "all domains".to_string(),
            Filter::Domain(d) => format!("domain {d} {}", exam.domain(d).map(|x| x.title.as_str()).unwrap_or("")),
            Filter::Task(t) => format!("task {t} {}", exam.task(t).map(|x| x.title.as_str()).unwrap_or("")),
            Filter::Skill(s) => format!("skill {s} {}", exam.skill(s).map(|x| x.title.as_str()).unwrap_or("")),
        }
    }

    /// Builds a filter from the command-line flags, checking the ids against the blueprint.
    /// The most specific flag wins; an unknown id is an error that lists the valid ones.
    pub fn from_flags(
        exam: &Exam,
        domain: Option<&str>,
        task: Option<&str>,
        skill: Option<&str>,
    ) -> Result<Filter, FilterError> {
        let unknown = |part: &'static str, id: &str, valid: Vec<&str>| FilterError {
            part,
            id: id.to_string(),
            exam: exam.code.clone(),
            valid: valid.join(", "),
        };
        if let Some(s) = skill {
            return match exam.skill(s) {
                Some(_) => Ok(Filter::Skill(s.to_string())),
                None => Err(unknown(
                    "skill",
                    s,
                    exam.skills().map(|(_, _, s)| s.id.as_str()).collect(),
                )),
            };
        }
        if let Some(t) = task {
            return match exam.task(t) {
                Some(_) => Ok(Filter::Task(t.to_string())),
                None => Err(unknown("task", t, exam.tasks().map(|(_, t)| t.id.as_str()).collect())),
            };
        }
        if let Some(d) = domain {
            return match exam.domain(d) {
                Some(_) => Ok(Filter::Domain(d.to_string())),
                None => Err(unknown(
                    "domain",
                    d,
                    exam.domains.iter().map(|d| d.id.as_str()).collect(),
                )),
            };
        }
        Ok(Filter::All)
    }
}

/// A `--domain`, `--task` or `--skill` that names no part of the blueprint: the flag, the value
/// and the valid ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--{part} {id:?} is not a {part} of {exam}; valid: {valid}")]
pub struct FilterError {
    /// `domain`, `task` or `skill`: the flag and the kind of id.
    pub part: &'static str,
    pub id: String,
    pub exam: String,
    /// The valid ids, comma-separated.
    pub valid: String,
}

/// A random display order for `n` options: `order[display] = original index`.
pub fn shuffle_options(n: usize, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    order
}

/// Maps display positions chosen on screen back to original option indices, sorted.
pub fn to_original(order: &[usize], displayed: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = displayed.iter().filter_map(|&d| order.get(d).copied()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Maps original option indices to display positions, sorted.
pub fn to_display(order: &[usize], original: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = original
        .iter()
        .filter_map(|&o| order.iter().position(|&x| x == o))
        .collect();
    v.sort_unstable();
    v
}

/// Orders candidates: never answered first (random among them), then the least recently
/// answered first, with random tie-breaks.
fn freshest_first<'a>(
    candidates: Vec<&'a Question>,
    last_seen: &HashMap<String, DateTime<Utc>>,
    rng: &mut impl Rng,
) -> Vec<&'a Question> {
    let mut c = candidates;
    c.shuffle(rng);
    c.sort_by_key(|q| last_seen.get(&q.id).copied());
    c
}

/// Which of a filter's questions a practice takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Subset {
    #[default]
    All,
    /// Never answered.
    Unseen,
    /// The last answer to it was wrong.
    Missed,
    Bookmarked,
}

impl Subset {
    /// The next subset, as `f` in the chooser cycles them.
    pub fn next(self) -> Subset {
        match self {
            Subset::All => Subset::Unseen,
            Subset::Unseen => Subset::Missed,
            Subset::Missed => Subset::Bookmarked,
            Subset::Bookmarked => Subset::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Subset::All => "all questions",
            Subset::Unseen => "unseen only",
            Subset::Missed => "missed before",
            Subset::Bookmarked => "bookmarked",
        }
    }
}

/// What the learner has done with the questions, for the chooser's counts and subsets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Answered at least once.
    pub seen: HashSet<String>,
    /// The last answer was wrong.
    pub missed: HashSet<String>,
    pub bookmarked: HashSet<String>,
}

impl Marks {
    pub fn admits(&self, subset: Subset, id: &str) -> bool {
        match subset {
            Subset::All => true,
            Subset::Unseen => !self.seen.contains(id),
            Subset::Missed => self.missed.contains(id),
            Subset::Bookmarked => self.bookmarked.contains(id),
        }
    }
}

/// Practice: up to `count` questions of the filter (and of the subset), fresh ones first,
/// then shuffled so topics mix.
pub fn practice_queue(
    pack: &Pack,
    filter: &Filter,
    only: (&Marks, Subset),
    count: usize,
    last_seen: &HashMap<String, DateTime<Utc>>,
    rng: &mut impl Rng,
) -> Vec<String> {
    let (marks, subset) = only;
    let candidates: Vec<&Question> = pack
        .questions
        .iter()
        .filter(|q| filter.matches(q) && marks.admits(subset, &q.id))
        .collect();
    let mut picked: Vec<String> = freshest_first(candidates, last_seen, rng)
        .into_iter()
        .take(count)
        .map(|q| q.id.clone())
        .collect();
    picked.shuffle(rng);
    picked
}

/// The review queue: due cards whose question still exists, most overdue first, then new
/// questions (never answered) up to `new_limit`, skills and domains taking turns, with random
/// order inside a skill.
pub fn review_queue(
    pack: &Pack,
    due: &[Card],
    seen: &HashSet<String>,
    new_limit: usize,
    rng: &mut impl Rng,
) -> Vec<String> {
    let mut q: Vec<String> = due
        .iter()
        .filter(|c| pack.question(&c.question_id).is_some())
        .map(|c| c.question_id.clone())
        .collect();
    let mut fresh: Vec<&Question> = pack.questions.iter().filter(|x| !seen.contains(&x.id)).collect();
    fresh.shuffle(rng);
    // Interleave skills so the new cards of a day cover ground rather than drill one skill.
    let mut by_skill: Vec<(String, Vec<&Question>)> = Vec::new();
    for x in fresh {
        match by_skill.iter_mut().find(|(s, _)| *s == x.skill) {
            Some((_, v)) => v.push(x),
            None => by_skill.push((x.skill.clone(), vec![x])),
        }
    }
    // Domains take turns too: the first skill of each domain, then the second of each, and so
    // on, so a day's new cards are not all from domain 1 (blueprint order).
    by_skill.sort_by(|a, b| a.0.cmp(&b.0));
    let domain_of = |skill: &str| crate::model::domain_of(skill).to_string();
    let mut per_domain: HashMap<String, usize> = HashMap::new();
    let mut rank: HashMap<String, usize> = HashMap::new();
    for (skill, _) in &by_skill {
        let r = per_domain.entry(domain_of(skill)).or_insert(0);
        *r += 1;
        rank.insert(skill.clone(), *r);
    }
    by_skill.sort_by_key(|(skill, _)| (rank.get(skill).copied().unwrap_or(0), domain_of(skill)));
    let mut added = 0;
    let mut round = 0;
    while added < new_limit {
        let mut any = false;
        for (_, v) in &by_skill {
            if let Some(x) = v.get(round) {
                any = true;
                if added < new_limit {
                    q.push(x.id.clone());
                    added += 1;
                }
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    q
}

/// Weight of a skill in the blueprint: its domain's weight shared among the domain's skills.
pub fn skill_weights(exam: &Exam) -> HashMap<String, f64> {
    let mut w = HashMap::new();
    for d in &exam.domains {
        let n = d.tasks.iter().map(|t| t.skills.len()).sum::<usize>().max(1);
        for t in &d.tasks {
            for s in &t.skills {
                w.insert(s.id.clone(), f64::from(d.weight) / n as f64);
            }
        }
    }
    w
}

/// How much a skill is wanted by the drill: blueprint weight × weakness. Weakness is
/// `1 - mastery`, floored at 0.05 so that even mastered skills come back now and then.
pub fn drill_weight(blueprint_weight: f64, mastery: f64) -> f64 {
    blueprint_weight * (1.0 - mastery).max(0.05)
}

/// The weak-area drill: skills drawn with probability ∝ blueprint weight × weakness; within a
/// skill, the question not seen for longest (never seen first). Questions answered in the
/// last `recent` are avoided while others remain.
pub fn drill_queue(
    pack: &Pack,
    mastery: &MasteryMap,
    last_seen: &HashMap<String, DateTime<Utc>>,
    count: usize,
    now: DateTime<Utc>,
    rng: &mut impl Rng,
) -> Vec<String> {
    let recent = Duration::hours(12);
    let weights = skill_weights(&pack.exam);
    let mut pools: HashMap<&str, Vec<&Question>> = HashMap::new();
    for q in &pack.questions {
        pools.entry(q.skill.as_str()).or_default().push(q);
    }
    let mut pools: Vec<(&str, f64, Vec<&Question>)> = pools
        .into_iter()
        .map(|(s, qs)| {
            let w = drill_weight(weights.get(s).copied().unwrap_or(0.0), mastery.skill(s));
            (s, w, freshest_first(qs, last_seen, rng))
        })
        .collect();
    pools.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    let mut used = HashSet::new();
    for pass in 0..2 {
        while out.len() < count {
            // Skills that still have an acceptable question in this pass.
            let ok = |q: &&Question| {
                !used.contains(&q.id) && (pass == 1 || last_seen.get(&q.id).is_none_or(|t| now - *t >= recent))
            };
            let avail: Vec<usize> = (0..pools.len())
                .filter(|&i| pools[i].1 > 0.0 && pools[i].2.iter().any(ok))
                .collect();
            if avail.is_empty() {
                break;
            }
            let total: f64 = avail.iter().map(|&i| pools[i].1).sum();
            let mut r = rng.random_range(0.0..total);
            let mut pick = avail[avail.len() - 1];
            for &i in &avail {
                if r < pools[i].1 {
                    pick = i;
                    break;
                }
                r -= pools[i].1;
            }
            if let Some(q) = pools[pick].2.iter().find(|q| ok(q)) {
                used.insert(q.id.clone());
                out.push(q.id.clone());
            }
        }
    }
    out
}

/// Abbreviations the bank's search takes as the same as the words they stand for, in both
/// directions: each group's forms are interchangeable. The one list the app keeps.
pub const SEARCH_SYNONYMS: &[&[&str]] = &[
    &["nacl", "network acl"],
    &["asg", "auto scaling group"],
    &["sg", "security group"],
    &["ebs", "elastic block store"],
    &["alb", "application load balancer"],
    &["nlb", "network load balancer"],
    &["elb", "elastic load balancing"],
    &["kms", "key management service"],
    &["ssm", "systems manager"],
    &["privatelink", "vpc endpoint", "interface endpoint"],
    &["iam", "identity and access management"],
    &["s3", "simple storage service"],
    &["efs", "elastic file system"],
    &["rds", "relational database service"],
    &["sns", "simple notification service"],
    &["sqs", "simple queue service"],
    &["cfn", "cloudformation"],
];

/// The search terms of a query, each with the forms that match it: a word's group of synonyms
/// ([`SEARCH_SYNONYMS`]), and a phrase of the list typed out ("network acl") taken as one term.
pub fn search_terms(query: &str) -> Vec<Vec<String>> {
    let words: Vec<String> = query.split_whitespace().map(|t| t.to_lowercase()).collect();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // The longest synonym phrase that starts here, if any.
        let phrase = SEARCH_SYNONYMS
            .iter()
            .flat_map(|g| g.iter().map(move |f| (g, *f)))
            .filter(|(_, f)| {
                let n = f.split(' ').count();
                n > 1 && i + n <= words.len() && words[i..i + n].join(" ") == *f
            })
            .max_by_key(|(_, f)| f.len());
        let (group, used) = match phrase {
            Some((g, f)) => (Some(g), f.split(' ').count()),
            None => (SEARCH_SYNONYMS.iter().find(|g| g.contains(&words[i].as_str())), 1),
        };
        terms.push(match group {
            Some(g) => g.iter().map(|f| f.to_string()).collect(),
            None => vec![words[i].clone()],
        });
        i += used;
    }
    terms
}

/// Where `term` occurs in `hay` (both lower case), as byte ranges. A term of up to three
/// characters ("rds", "sg") counts only at the start of a word, so "rds" does not find
/// "records"; a longer one anywhere ("watch" finds "CloudWatch").
pub fn term_at<'a>(hay: &'a str, term: &'a str) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let short = term.chars().count() <= 3;
    hay.match_indices(term)
        .filter(move |(i, _)| !short || !hay[..*i].chars().next_back().is_some_and(char::is_alphanumeric))
        .map(|(i, m)| i..i + m.len())
}

/// Questions matching every term of `query` (case-insensitive, a term by any of its forms, see
/// [`search_terms`]) in their stem, options, tags, skill services, skill id or question id; the
/// ones with the most hits in the stem first.
pub fn search(pack: &Pack, query: &str) -> Vec<String> {
    let terms = search_terms(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(usize, usize, &str)> = Vec::new();
    for (i, q) in pack.questions.iter().enumerate() {
        let services = pack
            .exam
            .skill(&q.skill)
            .map(|s| s.services.join(" "))
            .unwrap_or_default();
        let mut hay = format!("{} {} {} {} {}", q.id, q.skill, q.stem, q.tags.join(" "), services);
        for o in &q.options {
            hay.push(' ');
            hay.push_str(&o.text);
        }
        let hay = hay.to_lowercase();
        if terms
            .iter()
            .all(|forms| forms.iter().any(|t| term_at(&hay, t).next().is_some()))
        {
            let stem = q.stem.to_lowercase();
            let score = terms.iter().flatten().map(|t| term_at(&stem, t).count()).sum();
            hits.push((score, i, &q.id));
        }
    }
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, _, id)| id.to_string()).collect()
}

/// Whether a card is in a short-term step (learning or relearning).
pub fn in_steps(c: &Card) -> bool {
    matches!(c.phase, CardPhase::Learning | CardPhase::Relearning)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{self, ContentSource};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn pack() -> Pack {
        content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack")
    }

    #[test]
    fn option_shuffle_round_trips() {
        let mut rng = StdRng::seed_from_u64(7);
        for n in 4..=6 {
            for _ in 0..50 {
                let order = shuffle_options(n, &mut rng);
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n).collect::<Vec<_>>());
                let displayed = vec![0, 2];
                let orig = to_original(&order, &displayed);
                assert_eq!(to_display(&order, &orig), displayed);
            }
        }
    }

    #[test]
    fn filters_check_ids_and_list_valid_ones() {
        let p = pack();
        assert_eq!(
            Filter::from_flags(&p.exam, None, None, Some("1.2.3")),
            Ok(Filter::Skill("1.2.3".into()))
        );
        assert_eq!(
            Filter::from_flags(&p.exam, Some("2"), None, None),
            Ok(Filter::Domain("2".into()))
        );
        let e = Filter::from_flags(&p.exam, Some("9"), None, None)
            .expect_err("bad domain")
            .to_string();
        assert!(e.starts_with("--domain \"9\" is not a domain of "), "{e}");
        assert!(e.ends_with("; valid: 1, 2, 3, 4, 5"), "{e}");
        let e = Filter::from_flags(&p.exam, None, Some("1.9"), None)
            .expect_err("bad task")
            .to_string();
        assert!(e.contains("1.1, 1.2, 1.3"), "{e}");
    }

    #[test]
    fn practice_respects_filter_and_prefers_unseen() {
        let p = pack();
        let mut rng = StdRng::seed_from_u64(1);
        let f = Filter::Task("1.2".into());
        let all: Vec<&Question> = p.questions.iter().filter(|q| f.matches(q)).collect();
        let mut last_seen = HashMap::new();
        for q in all.iter().take(all.len() - 3) {
            last_seen.insert(q.id.clone(), Utc::now());
        }
        let picked = practice_queue(&p, &f, (&Marks::default(), Subset::All), 3, &last_seen, &mut rng);
        assert_eq!(picked.len(), 3);
        for id in &picked {
            assert!(!last_seen.contains_key(id), "{id} was seen, unseen ones remained");
            assert_eq!(p.question(id).map(|q| q.task_id()), Some("1.2"));
        }
    }

    #[test]
    fn practice_takes_only_the_chosen_subset() {
        let p = pack();
        let mut rng = StdRng::seed_from_u64(1);
        let f = Filter::Task("1.2".into());
        let ids: Vec<String> = p
            .questions
            .iter()
            .filter(|q| f.matches(q))
            .map(|q| q.id.clone())
            .collect();
        let marks = Marks {
            seen: ids[..ids.len() - 2].iter().cloned().collect(),
            missed: ids[..3].iter().cloned().collect(),
            bookmarked: [ids[4].clone()].into_iter().collect(),
        };
        let none = HashMap::new();
        let mut unseen = practice_queue(&p, &f, (&marks, Subset::Unseen), 10, &none, &mut rng);
        unseen.sort();
        let mut want = ids[ids.len() - 2..].to_vec();
        want.sort();
        assert_eq!(unseen, want);
        let mut missed = practice_queue(&p, &f, (&marks, Subset::Missed), 10, &none, &mut rng);
        missed.sort();
        let mut want = ids[..3].to_vec();
        want.sort();
        assert_eq!(missed, want);
        assert_eq!(
            practice_queue(&p, &f, (&marks, Subset::Bookmarked), 10, &none, &mut rng),
            vec![ids[4].clone()]
        );
        assert_eq!(Subset::All.next().next().next().next(), Subset::All);
    }

    #[test]
    fn review_queue_puts_due_first_then_new_up_to_limit() {
        let p = pack();
        let mut rng = StdRng::seed_from_u64(3);
        let now = Utc::now();
        let due = vec![Card::new(&p.questions[5].id, now), Card::new("retired-question", now)];
        let seen: HashSet<String> = [p.questions[5].id.clone()].into();
        let q = review_queue(&p, &due, &seen, 4, &mut rng);
        assert_eq!(q.len(), 5);
        assert_eq!(q[0], p.questions[5].id);
        assert!(!q.contains(&"retired-question".to_string()));
        let skills: HashSet<&str> = q[1..]
            .iter()
            .filter_map(|id| p.question(id))
            .map(|x| x.skill.as_str())
            .collect();
        assert_eq!(skills.len(), 4, "new cards spread over skills");
    }

    #[test]
    fn drill_targets_weak_skills() {
        let p = pack();
        let mut m = MasteryMap::default();
        for (_, _, s) in p.exam.skills() {
            m.skills
                .insert(s.id.clone(), if s.id.starts_with("4.2") { 0.0 } else { 0.95 });
        }
        let mut rng = StdRng::seed_from_u64(11);
        let q = drill_queue(&p, &m, &HashMap::new(), 20, Utc::now(), &mut rng);
        assert_eq!(q.len(), 20);
        let unique: HashSet<_> = q.iter().collect();
        assert_eq!(unique.len(), 20);
        let weak = q
            .iter()
            .filter(|id| p.question(id).is_some_and(|x| x.task_id() == "4.2"))
            .count();
        assert!(weak >= 12, "only {weak} of 20 from the weak task");
    }

    #[test]
    fn drill_prefers_questions_not_seen_recently() {
        let p = pack();
        let mut m = MasteryMap::default();
        for (_, _, s) in p.exam.skills() {
            m.skills.insert(s.id.clone(), if s.id == "1.1.1" { 0.0 } else { 1.0 });
        }
        let now = Utc::now();
        let skill_qs: Vec<&Question> = p.questions.iter().filter(|q| q.skill == "1.1.1").collect();
        let mut last_seen = HashMap::new();
        last_seen.insert(skill_qs[0].id.clone(), now);
        let mut rng = StdRng::seed_from_u64(5);
        let q = drill_queue(&p, &m, &last_seen, 2, now, &mut rng);
        assert!(!q.contains(&skill_qs[0].id), "{q:?}");
    }

    #[test]
    fn search_finds_all_words_anywhere() {
        let p = pack();
        let hits = search(&p, "composite ALARM");
        assert!(!hits.is_empty());
        for id in &hits {
            let q = p.question(id).expect("hit exists");
            let text = format!("{} {} {:?}", q.stem, q.tags.join(" "), q.options).to_lowercase();
            assert!(text.contains("composite") && text.contains("alarm"), "{id}");
        }
        assert!(search(&p, "zzqqxx-nothing").is_empty());
        assert!(search(&p, "   ").is_empty());
        // Services of the skill count: every 5.3.5 question mentions a monitoring service.
        assert!(search(&p, "5.3.5").len() >= 3);
    }

    #[test]
    fn new_cards_in_review_take_the_domains_in_turn() {
        let p = pack();
        let domains: HashSet<&str> = p.questions.iter().map(|q| q.domain_id()).collect();
        assert!(domains.len() >= 2, "the fixture has several domains");
        let mut rng = StdRng::seed_from_u64(3);
        let q = review_queue(&p, &[], &HashSet::new(), domains.len(), &mut rng);
        let first: HashSet<&str> = q
            .iter()
            .map(|id| p.question(id).expect("question").domain_id())
            .collect();
        assert_eq!(first.len(), domains.len(), "one new card from each domain first: {q:?}");
    }

    #[test]
    fn search_takes_abbreviations_and_their_long_forms_alike() {
        assert_eq!(
            search_terms("NACL deny"),
            vec![
                vec!["nacl".to_string(), "network acl".to_string()],
                vec!["deny".to_string()]
            ]
        );
        // A phrase of the list typed out is one term, with its abbreviation.
        assert_eq!(
            search_terms("Auto Scaling group"),
            vec![vec!["asg".to_string(), "auto scaling group".to_string()]]
        );
        assert_eq!(search_terms("scaling"), vec![vec!["scaling".to_string()]]);
        // Short terms only at a word start: "rds" is not in "records".
        assert_eq!(term_at("dns records for rds", "rds").collect::<Vec<_>>(), vec![16..19]);
        assert_eq!(term_at("amazon cloudwatch", "watch").count(), 1);
        // Every group is lower case and no form is in two groups.
        let mut seen = HashSet::new();
        for g in SEARCH_SYNONYMS {
            for f in *g {
                assert_eq!(*f, f.to_lowercase());
                assert!(seen.insert(*f), "{f} twice");
            }
        }
    }

    #[test]
    fn drill_weight_is_weight_times_weakness() {
        assert!(drill_weight(2.0, 0.0) > drill_weight(2.0, 0.5));
        assert!(drill_weight(2.0, 0.5) > drill_weight(1.0, 0.5));
        assert!(drill_weight(1.0, 1.0) > 0.0);
    }
}
