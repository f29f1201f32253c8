//! The question on screen, shared by practice, review, drill, the mock exam and the reviews of
//! answers: its state (the option order shown, the choice, the outcome) and its drawing (stem,
//! options and, after an answer, the feedback with every option's why and the references).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;

use crate::model::{Kind, Question};
use crate::session;
use crate::srs::{Card, Rating};
use crate::tui::view::{Theme, relative_time};
use ratatui::buffer::{Buffer, CellDiffOption};

/// One question on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionView {
    pub question: Question,
    /// `order[display] = original index`.
    pub order: Vec<usize>,
    /// Chosen display positions, ascending.
    pub selected: Vec<usize>,
    pub highlight: usize,
    pub scroll: u16,
    pub shown_at: DateTime<Utc>,
    pub outcome: Option<Outcome>,
    /// The learner bookmarked the question.
    pub bookmarked: bool,
    /// The learner's own note on the question, shown with its feedback.
    pub note: Option<String>,
    /// Reviewing a mock-exam item: feedback without the rating lines.
    pub exam_review: bool,
}

impl QuestionView {
    pub fn new(question: Question, order: Vec<usize>, now: DateTime<Utc>) -> QuestionView {
        QuestionView {
            question,
            order,
            selected: Vec::new(),
            highlight: 0,
            scroll: 0,
            shown_at: now,
            outcome: None,
            bookmarked: false,
            note: None,
            exam_review: false,
        }
    }

    pub fn toggle(&mut self, display: usize) {
        if display >= self.order.len() || self.outcome.is_some() {
            return;
        }
        self.highlight = display;
        if self.question.kind == Kind::Single {
            self.selected = vec![display];
        } else if let Some(i) = self.selected.iter().position(|&d| d == display) {
            self.selected.remove(i);
        } else {
            self.selected.push(display);
            self.selected.sort_unstable();
        }
    }

    /// The chosen options as original indices.
    pub fn chosen_original(&self) -> Vec<usize> {
        session::to_original(&self.order, &self.selected)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub correct: bool,
    pub auto: Rating,
    pub rating: Rating,
    /// Time from showing the question to the answer.
    pub elapsed_ms: i64,
    /// Set once the store has the answer; until then nothing on screen says "saved".
    pub saved: Option<Saved>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub review_id: i64,
    pub at: DateTime<Utc>,
    pub card_before: Card,
    pub next_due: DateTime<Utc>,
    /// When the card would next be due for each rating, Again to Easy (from the scheduler),
    /// shown on the rating keys as Anki does.
    pub previews: Vec<DateTime<Utc>>,
    /// FSRS's estimate of the chance of recalling it when it was asked (none for a new card).
    pub recall: Option<f32>,
}

/// The text area of a question body (inside a one-column margin).
pub fn question_text_area(body: Rect) -> Rect {
    Rect {
        x: body.x + 1,
        y: body.y,
        width: body.width.saturating_sub(2),
        height: body.height,
    }
}

/// One line of a question body, and the option (display position) it belongs to.
pub struct BodyLine {
    pub line: Line<'static>,
    pub option: Option<usize>,
    /// The URL this line shows (a reference's address), made a terminal hyperlink on screen.
    pub link: Option<String>,
}

const LETTERS: [char; 6] = ['A', 'B', 'C', 'D', 'E', 'F'];

fn wrap_into(
    out: &mut Vec<BodyLine>,
    text: &str,
    width: usize,
    first: &str,
    rest: &str,
    style: Style,
    option: Option<usize>,
) {
    let opts = textwrap::Options::new(width.max(10))
        .initial_indent(first)
        .subsequent_indent(rest);
    // YAML block scalars break lines at the writer's width (see `model::text_blocks`); a blank
    // entry separates paragraphs.
    let mut paras: Vec<String> = Vec::new();
    for (i, block) in crate::model::text_blocks(text).into_iter().enumerate() {
        if i > 0 {
            paras.push(String::new());
        }
        paras.extend(block);
    }
    for para in &paras {
        if para.is_empty() {
            out.push(BodyLine {
                line: Line::raw(""),
                option,
                link: None,
            });
            continue;
        }
        for l in textwrap::wrap(para, &opts) {
            out.push(BodyLine {
                line: Line::styled(l.into_owned(), style),
                option,
                link: None,
            });
        }
    }
}

fn blank(out: &mut Vec<BodyLine>) {
    out.push(BodyLine {
        line: Line::raw(""),
        option: None,
        link: None,
    });
}

/// The question body as lines for `width` columns: stem, options and, after an answer, the
/// feedback (right/wrong, every option's why, the explanation, the references).
pub fn question_lines(v: &QuestionView, theme: Theme, width: u16) -> Vec<BodyLine> {
    let w = width as usize;
    let q = &v.question;
    let mut out = Vec::new();
    if let Some(o) = &v.outcome {
        let right: Vec<String> = crate::session::to_display(&v.order, &q.correct_set())
            .iter()
            .map(|&d| LETTERS[d.min(5)].to_string())
            .collect();
        let saved = if o.saved.is_some() { " · saved" } else { "" };
        let chosen_none = v.selected.is_empty();
        let (mark, style) = if o.correct {
            (format!("✓ Correct{saved}"), theme.good())
        } else if chosen_none {
            (
                format!("✗ Not answered — the answer is {}", right.join(", ")),
                theme.bad(),
            )
        } else {
            (
                format!("✗ Incorrect — the answer is {}{saved}", right.join(", ")),
                theme.bad(),
            )
        };
        out.push(BodyLine {
            line: Line::styled(mark, style),
            option: None,
            link: None,
        });
        if !v.exam_review {
            let rating = match &o.saved {
                Some(s) => {
                    let recall = match s.recall {
                        Some(r) => format!("FSRS put your recall at {:.0}% when asked", f64::from(r) * 100.0),
                        None => "new card".to_string(),
                    };
                    format!(
                        "Rated {} · next review {} · {recall}",
                        o.rating.label(),
                        relative_time(s.next_due, s.at)
                    )
                }
                None => format!("Rated {}", o.rating.label()),
            };
            wrap_into(&mut out, &rating, w, "", "", theme.dim(), None);
        }
        let marks = if v.bookmarked {
            "★ Bookmarked (b takes it off) · N edit your note"
        } else if v.note.is_some() {
            "b bookmark · N edit your note"
        } else {
            "b bookmark · N write a note"
        };
        out.push(BodyLine {
            line: Line::styled(marks, theme.dim()),
            option: None,
            link: None,
        });
        if let Some(n) = &v.note {
            wrap_into(&mut out, &format!("Your note: {n}"), w, "", "  ", theme.accent(), None);
        }
        blank(&mut out);
    }
    wrap_into(&mut out, &q.stem, w, "", "", Style::new(), None);
    if let Some(h) = q.select_hint() {
        out.push(BodyLine {
            line: Line::styled(h, theme.title()),
            option: None,
            link: None,
        });
    }
    blank(&mut out);
    let correct = q.correct_set();
    for (d, &orig) in v.order.iter().enumerate() {
        let opt = &q.options[orig];
        let chosen = v.selected.contains(&d);
        let letter = LETTERS[d.min(5)];
        let boxmark = match (q.kind, chosen) {
            (Kind::Single, true) => "(•)",
            (Kind::Single, false) => "( )",
            (Kind::Multiple, true) => "[x]",
            (Kind::Multiple, false) => "[ ]",
        };
        let (verdict, style) = match &v.outcome {
            None if d == v.highlight => (" ", theme.selected()),
            None => (" ", Style::new()),
            Some(_) if correct.contains(&orig) => ("✓", theme.good()),
            Some(_) if chosen => ("✗", theme.bad()),
            Some(_) => (" ", Style::new()),
        };
        let first = format!("{verdict} {boxmark} {letter}. ");
        let rest = " ".repeat(first.chars().count());
        wrap_into(&mut out, &opt.text, w, &first, &rest, style, Some(d));
        if v.outcome.is_some() {
            let why_style = if correct.contains(&orig) || chosen {
                style.remove_modifier(Modifier::BOLD)
            } else {
                theme.dim()
            };
            wrap_into(&mut out, &opt.why, w, &rest, &rest, why_style, Some(d));
            blank(&mut out);
        }
    }
    if v.outcome.is_some() {
        out.push(BodyLine {
            line: Line::styled("Explanation", theme.title()),
            option: None,
            link: None,
        });
        wrap_into(&mut out, &q.explanation, w, "", "", Style::new(), None);
        blank(&mut out);
        let heading = match q.verified {
            Some(m) => format!("References · checked against the AWS documentation {}", month_name(m)),
            None => "References".to_string(),
        };
        out.push(BodyLine {
            line: Line::styled(heading, theme.title()),
            option: None,
            link: None,
        });
        for r in &q.references {
            wrap_into(&mut out, &r.title, w, "• ", "  ", theme.dim(), None);
            if let Some(u) = &r.url {
                url_lines(&mut out, u, w, theme.link());
            }
        }
    }
    out
}

/// A URL on lines of its own, indented two columns: never joined to other text, and when it is
/// wider than the column it is cut into pieces at the width, with nothing added, so that the
/// pieces join back into the address. On screen each piece is a hyperlink to the whole URL.
fn url_lines(out: &mut Vec<BodyLine>, url: &str, width: usize, style: Style) {
    let room = width.saturating_sub(2).max(10);
    let chars: Vec<char> = url.chars().collect();
    for piece in chars.chunks(room) {
        let piece: String = piece.iter().collect();
        out.push(BodyLine {
            line: Line::from(vec![Span::raw("  "), Span::styled(piece, style)]),
            option: None,
            link: Some(url.to_string()),
        });
    }
}

/// "December 2026" for 2026-12.
pub fn month_name(m: crate::model::Month) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let name = NAMES
        .get(usize::from(m.month.saturating_sub(1)))
        .copied()
        .unwrap_or("?");
    format!("{name} {}", m.year)
}

/// Makes the URL pieces on screen terminal hyperlinks (OSC 8): each piece's first cell holds the
/// whole piece wrapped in the link's escape sequence and is drawn as that many columns wide.
/// Terminals without OSC 8 show the plain text. `rows` are (screen row, line) pairs.
fn hyperlink_rows(buf: &mut Buffer, area: Rect, rows: &[(u16, &BodyLine)]) {
    for (y, l) in rows {
        let Some(url) = &l.link else { continue };
        let x = area.x + 2;
        let piece: String = l.line.spans.get(1).map(|s| s.content.to_string()).unwrap_or_default();
        let n = piece.chars().count();
        if n == 0 || x >= area.x + area.width {
            continue;
        }
        let n = n.min(usize::from(area.x + area.width - x));
        let shown: String = piece.chars().take(n).collect();
        let Some(width) = u16::try_from(n).ok().and_then(std::num::NonZeroU16::new) else {
            continue;
        };
        if let Some(cell) = buf.cell_mut((x, *y)) {
            let id = crate::anki::fnv1a(url) % 1_000_000_007;
            cell.set_symbol(&format!("\x1b]8;id=cp{id};{url}\x1b\\{shown}\x1b]8;;\x1b\\"));
            cell.set_diff_option(CellDiffOption::ForcedWidth(width));
        }
    }
}

/// The first line shown, given the wanted scroll: never past the last screenful.
pub fn effective_scroll(lines: usize, height: u16, scroll: u16) -> u16 {
    let max = lines.saturating_sub(height as usize) as u16;
    scroll.min(max)
}

pub fn question(v: &QuestionView, theme: Theme, f: &mut Frame, body: Rect) {
    let area = question_text_area(body);
    let lines = question_lines(v, theme, area.width);
    let scroll = effective_scroll(lines.len(), area.height, v.scroll);
    let more_below = lines.len() > scroll as usize + area.height as usize;
    // With more below, the last row is the "↓ more" marker's own: it never covers text.
    let text_area = if more_below && area.height > 1 {
        Rect {
            height: area.height - 1,
            ..area
        }
    } else {
        area
    };
    let visible: Vec<(u16, &BodyLine)> = lines
        .iter()
        .skip(scroll as usize)
        .take(text_area.height as usize)
        .enumerate()
        .map(|(i, l)| (text_area.y + i as u16, l))
        .collect();
    let linked = if theme.hyperlinks { visible } else { Vec::new() };
    let text: Vec<Line> = lines.iter().map(|b| b.line.clone()).collect();
    f.render_widget(Paragraph::new(Text::from(text)).scroll((scroll, 0)), text_area);
    hyperlink_rows(f.buffer_mut(), text_area, &linked);
    if more_below && area.height > 1 {
        let r = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        f.render_widget(
            Paragraph::new(Line::styled("↓ more", theme.accent())).alignment(Alignment::Right),
            r,
        );
    }
}
