//! The domain types of a question pack: the exam blueprint and its questions.
//!
//! Pure data with serde derives (the YAML specifics live in [`crate::content`]); nothing here
//! knows about files, the database or the terminal.

use serde::{Deserialize, Serialize};

/// One exam pack: its blueprint and its questions, validated. Built with [`Pack::new`], which
/// indexes the questions and skills by id so that a lookup never scans the bank.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pack {
    pub exam: Exam,
    pub questions: Vec<Question>,
    /// Question id to position in `questions`, and skill id to (domain, task, skill) positions
    /// in `exam`; built on first use (a deserialized pack has none until then).
    #[serde(skip)]
    index: std::sync::OnceLock<PackIndex>,
}

#[derive(Debug, Clone, Default)]
struct PackIndex {
    questions: std::collections::HashMap<String, usize>,
    skills: std::collections::HashMap<String, (usize, usize, usize)>,
    /// Questions per domain, task and skill id.
    counts: std::collections::HashMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exam {
    pub code: String,
    pub title: String,
    pub format: Format,
    pub domains: Vec<Domain>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub questions: u32,
    pub scored: u32,
    pub minutes: u32,
    pub passing_score: u32,
    pub score_min: u32,
    pub score_max: u32,
}

#[cfg(test)]
impl Format {
    /// The DOP-C02 format, for tests of another exam: 75 items, 65 scored, 180 minutes, pass 750.
    pub(crate) fn dop_c02() -> Format {
        Format {
            questions: 75,
            scored: 65,
            minutes: 180,
            passing_score: 750,
            score_min: 100,
            score_max: 1000,
        }
    }

    /// The SOA-C03 format, for tests: 65 items, 50 scored, 130 minutes, pass 720 on 100-1000.
    pub(crate) fn soa_c03() -> Format {
        Format {
            questions: 65,
            scored: 50,
            minutes: 130,
            passing_score: 720,
            score_min: 100,
            score_max: 1000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    pub id: String,
    pub title: String,
    pub weight: u32,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub skills: Vec<Skill>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Single,
    Multiple,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub skill: String,
    pub kind: Kind,
    pub difficulty: u8,
    pub stem: String,
    pub options: Vec<QOption>,
    pub explanation: String,
    pub references: Vec<Reference>,
    pub tags: Vec<String>,
    /// The month its facts were last checked against the AWS documentation.
    pub verified: Option<Month>,
    /// The file the question came from, for messages.
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QOption {
    pub text: String,
    #[serde(default)]
    pub correct: bool,
    pub why: String,
}

/// A year and month, as in `verified: 2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: u16,
    pub month: u8,
}

impl Month {
    /// Parses `YYYY-MM` (month 01 to 12); anything else is `None`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        (1..=12).contains(&month).then_some(Month { year, month })
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
}

impl Question {
    /// Original indices of the correct options, ascending.
    pub fn correct_set(&self) -> Vec<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect()
    }

    /// "(Select TWO.)" and the like for multiple-response questions; `None` for single.
    pub fn select_hint(&self) -> Option<String> {
        if self.kind == Kind::Single {
            return None;
        }
        let n = self.correct_set().len();
        let word = match n {
            2 => "TWO",
            3 => "THREE",
            4 => "FOUR",
            5 => "FIVE",
            _ => return Some(format!("(Select {n}.)")),
        };
        Some(format!("(Select {word}.)"))
    }

    /// True when `chosen` (original indices, any order) is exactly the correct set.
    pub fn is_correct(&self, chosen: &[usize]) -> bool {
        let mut c: Vec<usize> = chosen.to_vec();
        c.sort_unstable();
        c.dedup();
        c == self.correct_set()
    }

    /// The task id a skill id belongs to ("1.2.3" -> "1.2").
    pub fn task_id(&self) -> &str {
        parent_id(&self.skill)
    }

    /// The domain id ("1.2.3" -> "1").
    pub fn domain_id(&self) -> &str {
        parent_id(parent_id(&self.skill))
    }
}

/// `s` cut to at most `n` characters, ending in "…" when cut (for tables and screens).
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Whether a line of a YAML block text is a list item: it starts with `- `, `* ` or a number
/// and `. ` (`3. `), and it is the first line of its paragraph (`previous` is `None`), follows
/// another list item, or follows a line that ends with `:`. A wrapped sentence whose next line
/// happens to start with "10. " is not a list. `previous` is the line before and whether it
/// was an item.
pub fn is_list_item(line: &str, previous: Option<(&str, bool)>) -> bool {
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let marker = t.starts_with("- ") || t.starts_with("* ") || (digits > 0 && t[digits..].starts_with(". "));
    marker
        && match previous {
            None => true,
            Some((p, was_item)) => was_item || p.trim_end().ends_with(':'),
        }
}

/// The paragraphs of a YAML block text, each a list of lines: YAML writers break lines at a
/// width, so a single newline is a space; a blank line starts a paragraph; a list item starts
/// a line of its own.
pub fn text_blocks(text: &str) -> Vec<Vec<String>> {
    let mut paras: Vec<Vec<String>> = Vec::new();
    let mut previous: Option<(&str, bool)> = None;
    for line in text.trim().lines() {
        let t = line.trim();
        if t.is_empty() {
            previous = None;
            continue;
        }
        let item = is_list_item(t, previous);
        match (previous, paras.last_mut()) {
            (Some(_), Some(p)) => match p.last_mut() {
                Some(l) if !item => {
                    l.push(' ');
                    l.push_str(t);
                }
                _ => p.push(t.to_string()),
            },
            _ => paras.push(vec![t.to_string()]),
        }
        previous = Some((t, item));
    }
    paras
}

/// A share in 0..1 as a whole percent, rounded once, the same way on every screen and output.
pub fn percent(share: f64) -> i64 {
    (share * 100.0).round() as i64
}

/// The domain of a skill or task id: "2.1.3" → "2".
pub fn domain_of(id: &str) -> &str {
    id.split('.').next().unwrap_or(id)
}

/// "1.2.3" -> "1.2", "1.2" -> "1", "1" -> "1".
pub fn parent_id(id: &str) -> &str {
    match id.rfind('.') {
        Some(i) => &id[..i],
        None => id,
    }
}

impl Exam {
    pub fn skills(&self) -> impl Iterator<Item = (&Domain, &Task, &Skill)> {
        self.domains.iter().flat_map(|d| {
            d.tasks
                .iter()
                .flat_map(move |t| t.skills.iter().map(move |s| (d, t, s)))
        })
    }

    pub fn tasks(&self) -> impl Iterator<Item = (&Domain, &Task)> {
        self.domains.iter().flat_map(|d| d.tasks.iter().map(move |t| (d, t)))
    }

    pub fn domain(&self, id: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.id == id)
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks().find(|(_, t)| t.id == id).map(|(_, t)| t)
    }

    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skills().find(|(_, _, s)| s.id == id).map(|(_, _, s)| s)
    }

    /// Domain weight as a fraction of 1.
    pub fn weight_of_domain(&self, id: &str) -> f64 {
        self.domain(id).map(|d| f64::from(d.weight) / 100.0).unwrap_or(0.0)
    }
}

impl Pack {
    pub fn new(exam: Exam, questions: Vec<Question>) -> Pack {
        Pack {
            exam,
            questions,
            index: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &PackIndex {
        self.index.get_or_init(|| {
            let mut ix = PackIndex::default();
            for (i, q) in self.questions.iter().enumerate() {
                ix.questions.entry(q.id.clone()).or_insert(i);
                for id in [q.domain_id(), q.task_id(), q.skill.as_str()] {
                    *ix.counts.entry(id.to_string()).or_insert(0) += 1;
                }
            }
            for (di, d) in self.exam.domains.iter().enumerate() {
                for (ti, t) in d.tasks.iter().enumerate() {
                    for (si, s) in t.skills.iter().enumerate() {
                        ix.skills.entry(s.id.clone()).or_insert((di, ti, si));
                    }
                }
            }
            ix
        })
    }

    /// The question with this id, in constant time. (Should `questions` have been changed after
    /// the index was built, a stale entry is detected and the bank is searched instead.)
    pub fn question(&self, id: &str) -> Option<&Question> {
        match self.index().questions.get(id).and_then(|&i| self.questions.get(i)) {
            Some(q) if q.id == id => Some(q),
            _ => self.questions.iter().find(|q| q.id == id),
        }
    }

    /// How many questions a domain, task or skill id has.
    pub fn count_in(&self, id: &str) -> usize {
        self.index().counts.get(id).copied().unwrap_or(0)
    }

    /// The skill with this id with its domain and task, in constant time.
    pub fn skill(&self, id: &str) -> Option<(&Domain, &Task, &Skill)> {
        let &(d, t, s) = self.index().skills.get(id)?;
        let dom = self.exam.domains.get(d)?;
        let task = dom.tasks.get(t)?;
        Some((dom, task, task.skills.get(s)?))
    }
}

/// The mode an answer was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Practice,
    Review,
    Drill,
    Exam,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Review => "review",
            Mode::Drill => "drill",
            Mode::Exam => "exam",
        }
    }

    /// The mode named by [`Mode::as_str`]'s text; None for any other text.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "practice" => Some(Mode::Practice),
            "review" => Some(Mode::Review),
            "drill" => Some(Mode::Drill),
            "exam" => Some(Mode::Exam),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Practice => "Practice",
            Mode::Review => "Review",
            Mode::Drill => "Weak-area drill",
            Mode::Exam => "Mock exam",
        }
    }
}

/// Largest-remainder rounding of `weights` (any scale) to integers summing to `total`.
/// Ties in the remainder go to the earlier entry, so the result is deterministic.
pub fn largest_remainder(weights: &[u32], total: u32) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if sum == 0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let mut out = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let exact = u64::from(w) * u64::from(total);
        out.push((exact / sum) as u32);
        rems.push((exact % sum, i));
    }
    let given: u32 = out.iter().sum();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take((total - given) as usize) {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_gives_the_soa_c03_split() {
        assert_eq!(largest_remainder(&[22, 22, 22, 16, 18], 50), vec![11, 11, 11, 8, 9]);
        assert_eq!(largest_remainder(&[22, 22, 22, 16, 18], 15), vec![3, 3, 3, 3, 3]);
        assert_eq!(largest_remainder(&[1, 1, 1], 2), vec![1, 1, 0]);
        assert_eq!(largest_remainder(&[], 5), Vec::<u32>::new());
    }

    #[test]
    fn parents() {
        assert_eq!(parent_id("1.2.3"), "1.2");
        assert_eq!(parent_id(parent_id("1.2.3")), "1");
        assert_eq!(parent_id("4"), "4");
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn a_wrapped_sentence_is_not_a_list_but_real_items_are() {
        // The continuation of a sentence that starts with a number and ". " (issue 14's bug).
        let text = "CloudFront keeps the object for the maximum TTL, which is\n31536000 seconds. Then it asks the origin again.\n";
        assert_eq!(
            text_blocks(text),
            vec![vec![
                "CloudFront keeps the object for the maximum TTL, which is 31536000 seconds. Then it asks the origin again."
                    .to_string()
            ]]
        );
        assert_eq!(
            text_blocks("Do this:\n1. stop\n2. start\nand then wait.\n\n- a first item\n- b"),
            vec![
                vec![
                    "Do this:".to_string(),
                    "1. stop".into(),
                    "2. start and then wait.".into()
                ],
                vec!["- a first item".to_string(), "- b".into()],
            ]
        );
        assert!(!is_list_item("10. That means", Some(("has a TTL of", false))));
        assert!(is_list_item("10. That means", Some(("Steps:", false))));
        assert!(is_list_item("3. c", Some(("2. b", true))));
        assert!(!is_list_item("2026. The year", Some(("in", false))));
        assert!(!is_list_item("10.5 percent", None));
    }
}
