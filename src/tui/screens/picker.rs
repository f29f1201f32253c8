//! The practice chooser: domain, then task, then skill, each row with what you have seen of it
//! and your mastery; how many questions, and which subset (all, unseen, missed, bookmarked).

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::model::Pack;
use crate::session::{Filter, Marks, Subset};
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key, search_key};
use crate::tui::list;
use crate::tui::view::{Theme, Title};
use std::rc::Rc;

/// The practice chooser: domain, then task, then skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub level: PickLevel,
    pub index: usize,
    /// Which of the chosen questions to take.
    pub subset: Subset,
    /// How many questions to practise.
    pub count: usize,
    pub facts: Rc<PickerFacts>,
}

/// What the chooser shows on each row: questions seen of the total, mastery, and how many
/// are in each subset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickerFacts {
    /// Mastery (0..1) by domain, task and skill id.
    pub mastery: std::collections::HashMap<String, f64>,
    /// Counts by domain, task and skill id, and "" for the whole bank.
    pub counts: std::collections::HashMap<String, RowCounts>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub total: usize,
    pub seen: usize,
    pub missed: usize,
    pub bookmarked: usize,
}

impl RowCounts {
    /// How many questions of the row are in `subset`.
    pub fn in_subset(&self, subset: Subset) -> usize {
        match subset {
            Subset::All => self.total,
            Subset::Unseen => self.total - self.seen.min(self.total),
            Subset::Missed => self.missed,
            Subset::Bookmarked => self.bookmarked,
        }
    }
}

impl PickerFacts {
    /// Counts every question once into its skill, task, domain and the whole bank.
    pub fn new(pack: &Pack, marks: &Marks, mastery: &crate::mastery::MasteryMap) -> PickerFacts {
        let mut counts: std::collections::HashMap<String, RowCounts> = std::collections::HashMap::new();
        for q in &pack.questions {
            let (seen, missed, marked) = (
                marks.seen.contains(&q.id),
                marks.missed.contains(&q.id),
                marks.bookmarked.contains(&q.id),
            );
            for id in ["", q.domain_id(), q.task_id(), q.skill.as_str()] {
                let c = counts.entry(id.to_string()).or_default();
                c.total += 1;
                c.seen += usize::from(seen);
                c.missed += usize::from(missed);
                c.bookmarked += usize::from(marked);
            }
        }
        let mastery = mastery
            .domains
            .iter()
            .chain(&mastery.tasks)
            .chain(&mastery.skills)
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        PickerFacts { mastery, counts }
    }

    pub fn row(&self, f: &Filter) -> RowCounts {
        let id = match f {
            Filter::All => "",
            Filter::Domain(id) | Filter::Task(id) | Filter::Skill(id) => id.as_str(),
        };
        self.counts.get(id).copied().unwrap_or_default()
    }

    /// Mastery of the row (none for the whole bank).
    pub fn mastery(&self, f: &Filter) -> Option<f64> {
        match f {
            Filter::All => None,
            Filter::Domain(id) | Filter::Task(id) | Filter::Skill(id) => {
                Some(self.mastery.get(id).copied().unwrap_or(0.0))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PickLevel {
    Domains,
    Tasks(String),
    Skills(String),
}

/// Most questions one practice session takes.
pub const PRACTICE_MAX: usize = 100;

/// The entries of a picker level: (filter, label).
pub fn picker_entries(pack: &Pack, level: &PickLevel) -> Vec<(Filter, String)> {
    let e = &pack.exam;
    match level {
        PickLevel::Domains => {
            let mut v = vec![(Filter::All, "Everything (all domains)".to_string())];
            v.extend(
                e.domains
                    .iter()
                    .map(|d| (Filter::Domain(d.id.clone()), format!("{} {}", d.id, d.title))),
            );
            v
        }
        PickLevel::Tasks(d) => {
            let mut v = vec![(Filter::Domain(d.clone()), format!("All of domain {d}"))];
            if let Some(dom) = e.domain(d) {
                v.extend(
                    dom.tasks
                        .iter()
                        .map(|t| (Filter::Task(t.id.clone()), format!("{} {}", t.id, t.title))),
                );
            }
            v
        }
        PickLevel::Skills(t) => {
            let mut v = vec![(Filter::Task(t.clone()), format!("All of task {t}"))];
            if let Some(task) = e.task(t) {
                v.extend(
                    task.skills
                        .iter()
                        .map(|s| (Filter::Skill(s.id.clone()), format!("{} {}", s.id, s.title))),
                );
            }
            v
        }
    }
}

pub fn update(app: &mut App, mut p: Picker, action: Action, _now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let entries = picker_entries(&app.pack, &p.level);
    match action {
        Action::Up | Action::Down => {
            p.index = list::moved(p.index, entries.len(), &action, list::Ends::Wrap).unwrap_or(0)
        }
        Action::More => {
            p.count = if p.count < 5 {
                p.count + 1
            } else {
                (p.count + 5).min(PRACTICE_MAX)
            }
        }
        Action::Fewer => {
            p.count = if p.count > 5 {
                p.count - 5
            } else {
                p.count.saturating_sub(1).max(1)
            }
        }
        Action::CycleSubset => p.subset = p.subset.next(),
        Action::Back => {
            let (level, index) = match p.level.clone() {
                PickLevel::Domains => return (Screen::Home, vec![Effect::RefreshDashboard]),
                PickLevel::Tasks(d) => {
                    let index = entries_index(&app.pack, &PickLevel::Domains, &Filter::Domain(d));
                    (PickLevel::Domains, index)
                }
                PickLevel::Skills(t) => {
                    let d = crate::model::parent_id(&t).to_string();
                    let level = PickLevel::Tasks(d);
                    let index = entries_index(&app.pack, &level, &Filter::Task(t));
                    (level, index)
                }
            };
            p.level = level;
            p.index = index;
        }
        Action::Enter => {
            let Some((filter, _)) = entries.get(p.index).cloned() else {
                return (Screen::Picker(p), vec![]);
            };
            // The first entry of a level ("Everything", "All of ...") starts practice; the
            // others open the next level, except skills, which start practice.
            let start = p.index == 0 || matches!(filter, Filter::Skill(_));
            if start {
                if p.facts.row(&filter).in_subset(p.subset) == 0 {
                    app.status = Some(format!(
                        "No questions here are {}: f changes the filter.",
                        p.subset.label()
                    ));
                    return (Screen::Picker(p), vec![]);
                }
                // The count chosen here is kept for the next practice.
                app.practice_count = p.count;
                return (
                    Screen::Home,
                    vec![Effect::StartPractice {
                        filter,
                        count: p.count,
                        subset: p.subset,
                    }],
                );
            }
            p.level = match filter {
                Filter::Domain(d) => PickLevel::Tasks(d),
                Filter::Task(t) => PickLevel::Skills(t),
                _ => p.level.clone(),
            };
            p.index = 0;
        }
        _ => {}
    }
    (Screen::Picker(p), vec![])
}

fn entries_index(pack: &Pack, level: &PickLevel, f: &Filter) -> usize {
    picker_entries(pack, level)
        .iter()
        .skip(1)
        .position(|(x, _)| x == f)
        .map(|i| i + 1)
        .unwrap_or(0)
}

pub fn render(app: &App, p: &Picker, theme: Theme, f: &mut Frame, area: Rect, _now: DateTime<Utc>) {
    use crate::session::Subset;
    let entries = picker_entries(&app.pack, &p.level);
    let heading = match &p.level {
        PickLevel::Domains => "Choose a domain, or everything".to_string(),
        PickLevel::Tasks(d) => format!("Domain {d}: choose a task, or all of it"),
        PickLevel::Skills(t) => format!("Task {t}: choose a skill, or all of it"),
    };
    let w = area.width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::styled(format!(" {heading}"), theme.title()),
        Line::from(vec![
            Span::raw(format!(" Practise {} questions ", p.count)),
            Span::styled("(+ - to change)", theme.dim()),
            Span::raw(format!(" · taking {} ", p.subset.label())),
            Span::styled("(f to change)", theme.dim()),
        ]),
    ];
    // Each row: its name, wrapped in full, and a right column with what you have done there.
    let tails: Vec<String> = entries
        .iter()
        .map(|(filter, _)| {
            let c = p.facts.row(filter);
            let mut tail = String::new();
            if p.subset != Subset::All {
                let word = match p.subset {
                    Subset::Unseen => "unseen",
                    Subset::Missed => "missed",
                    _ => "bookmarked",
                };
                tail.push_str(&format!("{} {word} · ", c.in_subset(p.subset)));
            }
            tail.push_str(&format!("{}/{} seen", c.seen, c.total));
            if let Some(m) = p.facts.mastery(filter) {
                tail.push_str(&format!(" {:>4}%", crate::model::percent(m)));
            }
            tail
        })
        .collect();
    let tail_w = tails.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let label_w = w.saturating_sub(tail_w + 4).max(10);
    lines.push(Line::styled(
        format!(" {:>1$}", "seen  mastery", label_w + 3 + tail_w),
        theme.dim(),
    ));
    let mut cursor_rows = (0, 0);
    for (i, ((_, label), tail)) in entries.iter().zip(&tails).enumerate() {
        let wrapped = textwrap::wrap(label, textwrap::Options::new(label_w).subsequent_indent("  "));
        let start = lines.len();
        for (k, part) in wrapped.iter().enumerate() {
            let right = if k == 0 { tail.as_str() } else { "" };
            let text = format!(" {:<label_w$}  {right:>tail_w$}", part);
            let mark = if i == p.index && k == 0 { "›" } else { " " };
            lines.push(if i == p.index {
                Line::styled(format!("{mark}{text}"), theme.selected())
            } else {
                Line::raw(format!("{mark}{text}"))
            });
        }
        if i == p.index {
            cursor_rows = (start, lines.len());
        }
    }
    let visible = area.height.saturating_sub(2) as usize;
    let scroll = cursor_rows.1.saturating_sub(visible).min(cursor_rows.0) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(" Practice ")),
        area,
    );
}

pub fn title(_app: &App, _p: &Picker, _now: DateTime<Utc>) -> Title {
    " Practice · choose what to study".to_string().into()
}

pub fn bindings(_app: &App, _p: &Picker) -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Code(KeyCode::Up), Key::Char('k')], Action::Up)
            .footer("↑↓ move")
            .help("↑↓ j k", "move"),
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter choose")
            .help("Enter", "choose / start"),
        Binding::new(&[Key::Char('+'), Key::Char('=')], Action::More)
            .footer("+ - how many")
            .help("+ -", "more / fewer questions"),
        Binding::new(&[Key::Char('-')], Action::Fewer),
        Binding::new(&[Key::Char('f')], Action::CycleSubset)
            .footer("f filter")
            .help("f", "take all / unseen only / missed before / bookmarked"),
        search_key(),
        Binding::new(&[Key::Code(KeyCode::Esc)], Action::Escape)
            .footer("Esc back")
            .help("q Esc", "back"),
        help_key().footer("? help"),
    ]
}

impl App {
    /// The shell read the learner's counts and mastery: the chooser opens on the domains.
    pub(crate) fn open_picker(&mut self, facts: PickerFacts) {
        self.screen = Screen::Picker(Picker {
            level: PickLevel::Domains,
            index: 0,
            subset: Subset::All,
            count: self.practice_count,
            facts: Rc::new(facts),
        });
    }
}
