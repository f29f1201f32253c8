//! The question bank as an Anki deck: the note type, the decks and one note per question. Pure.
//!
//! This module decides what a card shows and how it is filed (fields, HTML, tags, deck names,
//! stable ids); [`crate::store::anki`] writes the result as an `.apkg` file. Every id here is
//! derived from a name, so the same pack exported twice gives the same note guids, note type and
//! deck ids: Anki then updates the notes it already has instead of adding copies.

use crate::model::{Exam, Kind, Pack, Question};

/// The note type's fields, in order. `Front` is the sort field.
pub const FIELDS: [&str; 3] = ["Front", "Back", "Id"];

/// The card template: the question side, then the answer side under it.
pub const FRONT_TEMPLATE: &str = "<div class=\"cloudprep\">{{Front}}</div>";
pub const BACK_TEMPLATE: &str = "{{FrontSide}}\n\n<hr id=answer>\n\n<div class=\"cloudprep\">{{Back}}</div>";

/// The note type's style; `.nightMode` is Anki's dark theme.
pub const CSS: &str = "\
.card { font-family: -apple-system, \"Segoe UI\", Roboto, Helvetica, Arial, sans-serif; font-size: 18px;
  line-height: 1.45; text-align: left; color: #1f2328; background-color: #ffffff; }
.cloudprep { max-width: 46em; margin: 0 auto; }
.cp-stem p { margin: 0 0 0.6em 0; }
.cp-hint { font-weight: bold; margin: 0 0 0.6em 0; }
.cp-option { margin: 0.35em 0; padding-left: 2em; text-indent: -2em; }
.cp-answer { font-size: 1.1em; font-weight: bold; margin-bottom: 0.6em; }
.cp-why { margin: 0.45em 0; padding-left: 2em; text-indent: -2em; }
.cp-right .cp-verdict { color: #1a7f37; }
.cp-wrong .cp-verdict { color: #b42318; }
.cp-explanation, .cp-refs { margin-top: 0.9em; }
.cp-label { font-weight: bold; margin-bottom: 0.3em; }
.cp-explanation p { margin: 0 0 0.6em 0; }
.cp-refs ul { margin: 0.3em 0; }
.cp-meta { margin-top: 0.9em; font-size: 0.8em; color: #59636e; }
.nightMode.card, .nightMode .card { color: #e6edf3; background-color: #0d1117; }
.nightMode .cp-right .cp-verdict { color: #3fb950; }
.nightMode .cp-wrong .cp-verdict { color: #f85149; }
.nightMode .cp-meta { color: #9198a1; }
.nightMode a { color: #58a6ff; }
";

/// Option letters, in file order (validation allows at most six options).
const LETTERS: [char; 6] = ['A', 'B', 'C', 'D', 'E', 'F'];

/// Everything that goes into the package.
#[derive(Debug, Clone, PartialEq)]
pub struct AnkiDeck {
    pub notetype: NoteType,
    /// The top deck first, then one subdeck per domain in blueprint order.
    pub decks: Vec<Deck>,
    /// One note (and so one card) per question, in the pack's order.
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteType {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    pub id: i64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub guid: String,
    pub deck_id: i64,
    /// Front, Back, Id (see [`FIELDS`]).
    pub fields: [String; 3],
    /// The sort field as plain text (what Anki shows in its browser).
    pub sort_field: String,
    pub tags: Vec<String>,
}

/// The top deck's name: "cloudprep SOA-C03".
pub fn top_deck_name(exam: &Exam) -> String {
    format!("cloudprep {}", deck_part(&exam.code))
}

/// A domain's deck: "cloudprep SOA-C03::1 Monitoring, Logging, …".
pub fn domain_deck_name(exam: &Exam, domain_id: &str) -> String {
    let title = exam.domain(domain_id).map(|d| d.title.as_str()).unwrap_or("");
    let part = deck_part(&format!("{domain_id} {title}"));
    format!("{}::{part}", top_deck_name(exam))
}

/// One component of a deck name: "::" would nest, so it becomes ":"; whitespace is collapsed.
fn deck_part(s: &str) -> String {
    let mut s = collapse_ws(s);
    while s.contains("::") {
        s = s.replace("::", ":");
    }
    s
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the deck for a validated pack.
pub fn build(pack: &Pack) -> AnkiDeck {
    let exam = &pack.exam;
    let top = top_deck_name(exam);
    let mut decks = vec![Deck {
        id: stable_id(&format!("deck:{top}")),
        name: top.clone(),
        description: format!(
            "{} ({}), exported by cloudprep: one card per question, one subdeck per domain.",
            escape(&exam.title),
            escape(&exam.code)
        ),
    }];
    for d in &exam.domains {
        let name = domain_deck_name(exam, &d.id);
        decks.push(Deck {
            id: stable_id(&format!("deck:{name}")),
            name,
            description: format!(
                "Domain {}: {} ({}% of scored content).",
                escape(&d.id),
                escape(&d.title),
                d.weight
            ),
        });
    }
    let notes = pack
        .questions
        .iter()
        .map(|q| {
            // A validated question always names a domain of the blueprint; the top deck is a
            // fallback, never a panic.
            let deck_name = domain_deck_name(exam, q.domain_id());
            let deck_id = decks
                .iter()
                .find(|d| d.name == deck_name)
                .map(|d| d.id)
                .unwrap_or(decks[0].id);
            note(exam, q, deck_id)
        })
        .collect();
    AnkiDeck {
        notetype: NoteType {
            id: stable_id(&format!("notetype:cloudprep:{}", exam.code)),
            name: format!("cloudprep {} question", deck_part(&exam.code)),
        },
        decks,
        notes,
    }
}

fn note(exam: &Exam, q: &Question, deck_id: i64) -> Note {
    Note {
        guid: guid(&exam.code, &q.id),
        deck_id,
        fields: [front_html(q), back_html(exam, q), escape(&q.id)],
        sort_field: sort_text(q),
        tags: tags(q),
    }
}

/// The sort field as Anki would derive it from the Front field: its text without markup.
fn sort_text(q: &Question) -> String {
    let mut s = collapse_ws(&q.stem);
    if let Some(h) = q.select_hint() {
        s.push(' ');
        s.push_str(&h);
    }
    for (i, o) in q.options.iter().enumerate() {
        s.push_str(&format!(" {}. {}", letter(i), collapse_ws(&o.text)));
    }
    s
}

fn letter(i: usize) -> char {
    LETTERS.get(i).copied().unwrap_or('?')
}

/// The question side: the stem, "(Select TWO.)" when there are several answers, and the options
/// lettered A–F in file order.
pub fn front_html(q: &Question) -> String {
    let mut h = format!("<div class=\"cp-stem\">{}</div>\n", paragraphs(&q.stem));
    if let Some(hint) = q.select_hint() {
        h.push_str(&format!("<div class=\"cp-hint\">{}</div>\n", escape(&hint)));
    }
    h.push_str("<div class=\"cp-options\">\n");
    for (i, o) in q.options.iter().enumerate() {
        h.push_str(&format!(
            "<div class=\"cp-option\"><b>{}.</b> {}</div>\n",
            letter(i),
            inline(&o.text)
        ));
    }
    h.push_str("</div>");
    h
}

/// The answer side: the right letters, every option's verdict and why, the explanation, the
/// references (links when there is a url) and where the question sits in the blueprint.
pub fn back_html(exam: &Exam, q: &Question) -> String {
    let right: Vec<String> = q.correct_set().iter().map(|&i| letter(i).to_string()).collect();
    let label = if right.len() == 1 { "Answer" } else { "Answers" };
    let mut h = format!("<div class=\"cp-answer\">{label}: {}</div>\n", right.join(", "));
    h.push_str("<div class=\"cp-whys\">\n");
    for (i, o) in q.options.iter().enumerate() {
        let (class, verdict) = if o.correct {
            ("cp-right", "✓ Correct.")
        } else {
            ("cp-wrong", "✗ Wrong.")
        };
        h.push_str(&format!(
            "<div class=\"cp-why {class}\"><b>{}.</b> <span class=\"cp-verdict\">{verdict}</span> {}</div>\n",
            letter(i),
            inline(&o.why)
        ));
    }
    h.push_str("</div>\n");
    h.push_str(&format!(
        "<div class=\"cp-explanation\"><div class=\"cp-label\">Explanation</div>{}</div>\n",
        paragraphs(&q.explanation)
    ));
    h.push_str("<div class=\"cp-refs\"><div class=\"cp-label\">References</div>\n<ul>\n");
    for r in &q.references {
        let title = escape(&collapse_ws(&r.title));
        match r.url.as_deref().filter(|u| is_web_url(u)) {
            Some(u) => h.push_str(&format!("<li><a href=\"{}\">{title}</a></li>\n", escape(u.trim()))),
            None => h.push_str(&format!("<li>{title}</li>\n")),
        }
    }
    h.push_str("</ul></div>\n");
    let skill = exam
        .skill(&q.skill)
        .map(|s| format!(" {}", escape(&s.title)))
        .unwrap_or_default();
    let kind = match q.kind {
        Kind::Single => "single answer",
        Kind::Multiple => "multiple answers",
    };
    h.push_str(&format!(
        "<div class=\"cp-meta\">Skill {}{skill} · {kind} · difficulty {} · {}</div>",
        escape(&q.skill),
        q.difficulty,
        escape(&q.id)
    ));
    h
}

/// Only http(s) addresses become links.
fn is_web_url(u: &str) -> bool {
    let u = u.trim();
    (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace)
}

/// The tags: `domain::1`, `task::1.1`, `skill::1.1.1`, then the question's own tags (a tag
/// cannot hold a space in Anki, so spaces become `_`).
pub fn tags(q: &Question) -> Vec<String> {
    let mut t = vec![
        format!("domain::{}", tag_part(q.domain_id())),
        format!("task::{}", tag_part(q.task_id())),
        format!("skill::{}", tag_part(&q.skill)),
    ];
    for own in &q.tags {
        let own = tag_part(own);
        if !own.is_empty() && !t.contains(&own) {
            t.push(own);
        }
    }
    t
}

fn tag_part(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect()
}

/// YAML block text as HTML: a single line break is a space, a blank line starts a paragraph,
/// and a line that starts a list item ("- ", "* ", "1. ") keeps its break, as the TUI shows it.
pub fn paragraphs(text: &str) -> String {
    let paras = crate::model::text_blocks(text);
    paras
        .iter()
        .map(|p| {
            let lines: Vec<String> = p.iter().map(|l| escape(l)).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect::<Vec<_>>()
        .join("")
}

/// Short text (an option, a why) on one line: paragraph breaks become `<br>`.
fn inline(text: &str) -> String {
    let p = paragraphs(text);
    let inner = p.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")).unwrap_or(&p);
    inner.replace("</p><p>", "<br>")
}

/// Escapes text for HTML. `[` is escaped too, so that text such as `[sound:x]` or `[latex]`
/// is never taken by Anki for a media or LaTeX tag; control characters (among them Anki's field
/// separator) are dropped, except tabs and line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '[' => out.push_str("&#91;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A note's guid: the question id hashed with the exam code, in the base-91 alphabet Anki uses
/// for guids. Stable across exports and builds (FNV-1a, not the std hasher).
pub fn guid(exam_code: &str, question_id: &str) -> String {
    const TABLE: &[u8; 91] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~";
    let mut n = fnv1a(&format!("cloudprep:{exam_code}:{question_id}"));
    let mut out = Vec::new();
    loop {
        out.push(TABLE[(n % 91) as usize]);
        n /= 91;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// A stable id for a deck or note type, derived from `key`: positive and below 2^53 (Anki's
/// JavaScript side reads ids as numbers), in the range of millisecond timestamps Anki uses.
pub fn stable_id(key: &str) -> i64 {
    const BASE: u64 = 1_000_000_000_000;
    (BASE + fnv1a(key) % BASE) as i64
}

/// 64-bit FNV-1a: a fixed, documented hash, so ids never change between builds.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Domain, Format, QOption, Reference, Skill, Task};

    fn exam() -> Exam {
        let domain = |id: &str, title: &str, weight| Domain {
            id: id.into(),
            title: title.into(),
            weight,
            tasks: vec![Task {
                id: format!("{id}.1"),
                title: "Task".into(),
                skills: vec![Skill {
                    id: format!("{id}.1.1"),
                    title: "Configure <things>".into(),
                    services: vec![],
                }],
            }],
        };
        Exam {
            code: "SOA-C03".into(),
            title: "AWS Certified CloudOps Engineer - Associate".into(),
            format: Format::soa_c03(),
            domains: vec![domain("1", "Monitoring, Logging", 60), domain("2", "Odd :: title", 40)],
        }
    }

    fn question(id: &str, skill: &str, kind: Kind, correct: &[usize], n: usize) -> Question {
        Question {
            id: id.into(),
            skill: skill.into(),
            kind,
            difficulty: 2,
            stem: "A company uses <b>S3</b> & \"quotes\".\nIt wraps here.\n\nWhich one?\n".into(),
            options: (0..n)
                .map(|i| QOption {
                    text: format!("Option {i} [sound:x.mp3]"),
                    correct: correct.contains(&i),
                    why: format!("Because {i}."),
                })
                .collect(),
            explanation: "The reason.\nMore reason.".into(),
            references: vec![
                Reference {
                    title: "Doc & guide".into(),
                    url: Some("https://docs.aws.amazon.com/x?a=1&b=\"2\"".into()),
                },
                Reference {
                    title: "No link".into(),
                    url: None,
                },
                Reference {
                    title: "Bad link".into(),
                    url: Some("javascript:alert(1)".into()),
                },
            ],
            tags: vec!["cloudwatch".into(), "two words".into()],
            verified: None,
            file: "q.yaml".into(),
        }
    }

    fn pack() -> Pack {
        Pack::new(
            exam(),
            vec![
                question("q-one", "1.1.1", Kind::Single, &[1], 4),
                question("q-two", "2.1.1", Kind::Multiple, &[0, 4], 6),
            ],
        )
    }

    #[test]
    fn escape_covers_html_and_anki_tags() {
        assert_eq!(
            escape("<a href=\"x\">Tom's & [sound:y]</a>\u{1f}"),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; &#91;sound:y]&lt;/a&gt;"
        );
    }

    #[test]
    fn paragraphs_join_wrapped_lines_and_keep_list_items() {
        assert_eq!(paragraphs("one\ntwo\n\nthree\n"), "<p>one two</p><p>three</p>");
        assert_eq!(
            paragraphs("Steps:\n- a\n- b\n1. c"),
            "<p>Steps:<br>- a<br>- b<br>1. c</p>"
        );
        assert_eq!(inline("a\nb\n\nc"), "a b<br>c");
        // A sentence that wraps onto a line starting with a number and ". " stays one line.
        assert_eq!(
            paragraphs("Set the TTL to\n300. Then wait."),
            "<p>Set the TTL to 300. Then wait.</p>"
        );
    }

    #[test]
    fn front_has_the_stem_and_lettered_options_in_file_order() {
        let q = question("q", "1.1.1", Kind::Multiple, &[0, 2], 5);
        let f = front_html(&q);
        assert!(f.contains("A company uses &lt;b&gt;S3&lt;/b&gt; &amp; &quot;quotes&quot;. It wraps here."));
        assert!(f.contains("(Select TWO.)"));
        let a = f.find("<b>A.</b> Option 0").expect("A");
        let e = f.find("<b>E.</b> Option 4").expect("E");
        assert!(a < e);
        assert!(!f.contains("[sound:"), "{f}");
        assert!(!f.contains("Because"), "the front must not give the answer away");
        let single = front_html(&question("q", "1.1.1", Kind::Single, &[3], 4));
        assert!(!single.contains("Select"));
        assert!(single.contains("<b>D.</b> Option 3"));
    }

    #[test]
    fn back_marks_the_right_options_and_has_every_why_and_the_references() {
        let ex = exam();
        let q = question("q-two", "2.1.1", Kind::Multiple, &[0, 4], 6);
        let b = back_html(&ex, &q);
        assert!(b.contains("Answers: A, E"), "{b}");
        for i in 0..6 {
            assert!(b.contains(&format!("Because {i}.")), "why {i}");
        }
        assert!(b.contains("cp-right\"><b>A.</b> <span class=\"cp-verdict\">✓ Correct.</span> Because 0."));
        assert!(b.contains("cp-wrong\"><b>B.</b> <span class=\"cp-verdict\">✗ Wrong.</span> Because 1."));
        assert!(b.contains("The reason. More reason."));
        assert!(b.contains("<a href=\"https://docs.aws.amazon.com/x?a=1&amp;b=&quot;2&quot;\">Doc &amp; guide</a>"));
        assert!(b.contains("<li>No link</li>"));
        assert!(b.contains("<li>Bad link</li>") && !b.contains("javascript:"));
        assert!(b.contains("Skill 2.1.1 Configure &lt;things&gt;"));
        let one = back_html(&ex, &question("q", "1.1.1", Kind::Single, &[1], 4));
        assert!(one.contains("Answer: B<"));
    }

    #[test]
    fn tags_name_domain_task_skill_then_own_tags() {
        let q = question("q", "1.1.1", Kind::Single, &[0], 4);
        assert_eq!(
            tags(&q),
            vec!["domain::1", "task::1.1", "skill::1.1.1", "cloudwatch", "two_words"]
        );
    }

    #[test]
    fn decks_are_one_per_domain_under_the_exam() {
        let d = build(&pack());
        let names: Vec<&str> = d.decks.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "cloudprep SOA-C03",
                "cloudprep SOA-C03::1 Monitoring, Logging",
                "cloudprep SOA-C03::2 Odd : title"
            ]
        );
        assert_eq!(d.notes[0].deck_id, d.decks[1].id);
        assert_eq!(d.notes[1].deck_id, d.decks[2].id);
        let mut ids: Vec<i64> = d.decks.iter().map(|d| d.id).collect();
        ids.push(d.notetype.id);
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 4, "ids are distinct");
        assert!(ids.iter().all(|&i| i > 0 && i < (1_i64 << 53)));
        assert_eq!(d.notetype.name, "cloudprep SOA-C03 question");
    }

    #[test]
    fn notes_have_three_fields_and_no_field_separator() {
        let d = build(&pack());
        assert_eq!(d.notes.len(), 2);
        let n = &d.notes[1];
        assert_eq!(n.fields[2], "q-two");
        assert!(n.fields.iter().all(|f| !f.contains('\u{1f}')));
        assert!(n.sort_field.starts_with("A company uses <b>S3</b>"));
        assert!(n.sort_field.contains("(Select TWO.) A. Option 0"));
    }

    #[test]
    fn guids_are_stable_and_distinct() {
        // Pinned: a change here makes Anki duplicate every note on the next import.
        assert_eq!(
            guid("SOA-C03", "cw-composite-alarm-sns"),
            guid("SOA-C03", "cw-composite-alarm-sns")
        );
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        let g = guid("SOA-C03", "cw-composite-alarm-sns");
        assert_eq!(g, GUID_CW_COMPOSITE);
        assert_ne!(g, guid("SOA-C03", "cw-composite-alarm-sns2"));
        assert_ne!(g, guid("DOP-C02", "cw-composite-alarm-sns"));
        assert!(g.len() <= 10 && !g.contains(' '));
        let d1 = build(&pack());
        let d2 = build(&pack());
        assert_eq!(d1, d2);
    }

    const GUID_CW_COMPOSITE: &str = "e!^[hz3Vlj";
}
