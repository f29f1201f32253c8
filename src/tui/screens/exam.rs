//! The mock exam on screen: the item, the clock, marks, the review grid and the submit question.
//! The clock is a deadline compared with `now`; the time on each item is counted on it.

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::mock::{self, Clock};
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key, option_keys, report_key};
use crate::tui::question::{QuestionView, question};
use crate::tui::view::{Theme, Title, centered};

/// How often the clock is saved while the exam is on screen.
pub const CLOCK_SAVE_MS: i64 = 5_000;

/// Columns of the review grid.
pub const GRID_COLS: usize = 13;

#[derive(Debug, Clone, PartialEq)]
pub struct ExamItem {
    /// The item's position in the stored exam.
    pub position: usize,
    pub view: QuestionView,
    pub flagged: bool,
    pub scored: bool,
    /// Time spent on the item so far, summed over its visits (exam clock).
    pub time_ms: i64,
}

impl ExamItem {
    pub fn answered(&self) -> bool {
        !self.view.selected.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExamScreen {
    pub exam_id: i64,
    pub items: Vec<ExamItem>,
    pub pos: usize,
    pub clock: Clock,
    /// Clock value when it was last saved.
    pub saved_elapsed_ms: i64,
    /// The review grid, open with its cursor.
    pub grid: Option<usize>,
    pub confirm_submit: bool,
    /// The five-minute warning was given.
    pub warned: bool,
    /// The item number typed in the review grid so far (the cursor follows it).
    pub grid_number: String,
    /// The exam clock when the time on the item on screen was last counted.
    pub item_counted_ms: i64,
}

impl ExamScreen {
    /// Whether the clock is in its last minutes (a timed exam with at most `minutes` left).
    pub fn clock_within(&self, now: DateTime<Utc>, minutes: i64) -> bool {
        self.clock.remaining_ms(now).is_some_and(|ms| ms <= minutes * 60_000)
    }

    pub fn answered(&self) -> usize {
        self.items.iter().filter(|i| i.answered()).count()
    }
    pub fn flagged(&self) -> usize {
        self.items.iter().filter(|i| i.flagged).count()
    }
    pub fn unanswered(&self) -> usize {
        self.items.len() - self.answered()
    }

    /// The first item after `from` (wrapping round, `from` itself last) that `want` accepts.
    fn next_where(&self, from: usize, want: impl Fn(&ExamItem) -> bool) -> Option<usize> {
        let n = self.items.len();
        (1..=n)
            .map(|k| (from + k) % n)
            .find(|&i| self.items.get(i).is_some_and(&want))
    }

    /// A digit typed in the review grid: the number typed so far grows while it names an item
    /// (so `4`, `2` goes to 42 in a 65-item exam), and starts again from this digit when it
    /// would not. Returns the cursor for the number, if it names an item.
    fn type_grid_digit(&mut self, d: char) -> Option<usize> {
        let n = self.items.len();
        let longer = format!("{}{d}", self.grid_number);
        let named = |s: &str| s.parse::<usize>().ok().filter(|&k| (1..=n).contains(&k));
        self.grid_number = if named(&longer).is_some() {
            longer
        } else {
            d.to_string()
        };
        named(&self.grid_number).map(|k| k - 1)
    }
    /// Counts the exam-clock time since the last count to the item on screen (not while the
    /// grid or the submit question is open), so that the report can say where the time went.
    /// Called before anything that changes what is on screen, and with every clock save.
    pub fn count_item_time(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let elapsed = self.clock.elapsed_ms(now);
        let ms = elapsed - self.item_counted_ms;
        self.item_counted_ms = elapsed;
        if ms <= 0 || self.grid.is_some() || self.confirm_submit {
            return None;
        }
        let it = self.items.get_mut(self.pos)?;
        it.time_ms += ms;
        Some(Effect::AddExamItemTime {
            exam_id: self.exam_id,
            position: it.position,
            ms,
        })
    }

    /// [`Self::count_item_time`], then the clock's save.
    pub fn save(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        let mut v: Vec<Effect> = self.count_item_time(now).into_iter().collect();
        v.push(self.progress(now));
        v
    }

    fn progress(&mut self, now: DateTime<Utc>) -> Effect {
        let elapsed = self.clock.elapsed_ms(now);
        self.saved_elapsed_ms = elapsed;
        Effect::SaveExamProgress {
            exam_id: self.exam_id,
            position: self.items.get(self.pos).map(|i| i.position).unwrap_or(0),
            elapsed_ms: elapsed,
        }
    }
    fn finish(&mut self, now: DateTime<Utc>, timed_out: bool) -> Vec<Effect> {
        let mut v: Vec<Effect> = self.count_item_time(now).into_iter().collect();
        self.clock.pause(now);
        v.push(Effect::FinishExam {
            exam_id: self.exam_id,
            elapsed_ms: self.clock.elapsed_ms(now),
            timed_out,
        });
        v
    }
}

pub fn update(_app: &mut App, mut ex: Box<ExamScreen>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if action == Action::Tick {
        if ex.clock.is_up(now) {
            let e = ex.finish(now, true);
            return (Screen::Exam(ex), e);
        }
        if ex.clock.elapsed_ms(now) - ex.saved_elapsed_ms >= CLOCK_SAVE_MS {
            let e = ex.save(now);
            return (Screen::Exam(ex), e);
        }
        return (Screen::Exam(ex), vec![]);
    }
    // Whatever the key does to the screen, the time so far goes to the item it was on.
    let counted: Vec<Effect> = ex.count_item_time(now).into_iter().collect();
    let (screen, mut effects) = exam_key(ex, action, now);
    let mut all = counted;
    all.append(&mut effects);
    (screen, all)
}

fn exam_key(mut ex: Box<ExamScreen>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if ex.confirm_submit {
        return match action {
            Action::Yes => {
                ex.confirm_submit = false;
                let e = ex.finish(now, false);
                (Screen::Exam(ex), e)
            }
            Action::No | Action::Back => {
                ex.confirm_submit = false;
                (Screen::Exam(ex), vec![])
            }
            _ => (Screen::Exam(ex), vec![]),
        };
    }
    if let Some(cur) = ex.grid {
        let n = ex.items.len().max(1);
        if let Action::Char(d @ '0'..='9') = action {
            if let Some(to) = ex.type_grid_digit(d) {
                ex.grid = Some(to);
            }
            return (Screen::Exam(ex), vec![]);
        }
        ex.grid_number.clear();
        let cur = match action {
            Action::NextUnanswered => ex.next_where(cur, |i| !i.answered()).unwrap_or(cur),
            Action::NextMarked => ex.next_where(cur, |i| i.flagged).unwrap_or(cur),
            Action::Left => cur.checked_sub(1).unwrap_or(n - 1),
            Action::Right => (cur + 1) % n,
            Action::Up => cur.checked_sub(GRID_COLS).unwrap_or(cur),
            Action::Down => {
                if cur + GRID_COLS < n {
                    cur + GRID_COLS
                } else {
                    cur
                }
            }
            Action::Enter => {
                ex.pos = cur.min(n - 1);
                ex.grid = None;
                let e = ex.progress(now);
                return (Screen::Exam(ex), vec![e]);
            }
            Action::Back | Action::Grid => {
                ex.grid = None;
                return (Screen::Exam(ex), vec![]);
            }
            Action::Submit => {
                ex.grid = None;
                ex.confirm_submit = true;
                return (Screen::Exam(ex), vec![]);
            }
            _ => cur,
        };
        ex.grid = Some(cur);
        return (Screen::Exam(ex), vec![]);
    }
    let n = ex.items.len();
    let exam_id = ex.exam_id;
    match action {
        Action::Back => {
            ex.clock.pause(now);
            let e = ex.progress(now);
            return (Screen::Home, vec![e, Effect::RefreshDashboard]);
        }
        Action::Next | Action::Right | Action::Enter if ex.pos + 1 < n => {
            ex.pos += 1;
            let e = ex.progress(now);
            return (Screen::Exam(ex), vec![e]);
        }
        Action::Next | Action::Right | Action::Enter => {
            // On the last item, "next" opens the grid to review before submitting.
            ex.grid = Some(ex.pos);
        }
        Action::Prev | Action::Left if ex.pos > 0 => {
            ex.pos -= 1;
            let e = ex.progress(now);
            return (Screen::Exam(ex), vec![e]);
        }
        Action::Mark => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                it.flagged = !it.flagged;
                let e = Effect::SaveExamFlag {
                    exam_id,
                    position: it.position,
                    flagged: it.flagged,
                };
                return (Screen::Exam(ex), vec![e]);
            }
        }
        Action::Grid => {
            ex.grid = Some(ex.pos);
            ex.grid_number.clear();
        }
        Action::Submit => ex.confirm_submit = true,
        Action::Toggle(_) | Action::ToggleHighlighted => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                let d = match action {
                    Action::Toggle(d) => d,
                    _ => it.view.highlight,
                };
                let before = it.view.selected.clone();
                it.view.toggle(d);
                if it.view.selected != before {
                    let e = Effect::SaveExamAnswer {
                        exam_id,
                        position: it.position,
                        chosen: it.view.chosen_original(),
                    };
                    return (Screen::Exam(ex), vec![e]);
                }
            }
        }
        Action::Up => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                let k = it.view.order.len();
                it.view.highlight = it.view.highlight.checked_sub(1).unwrap_or(k.saturating_sub(1));
            }
        }
        Action::Down => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                let k = it.view.order.len().max(1);
                it.view.highlight = (it.view.highlight + 1) % k;
            }
        }
        Action::PageUp | Action::ScrollUp => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                it.view.scroll = it
                    .view
                    .scroll
                    .saturating_sub(if action == Action::PageUp { 10 } else { 3 });
            }
        }
        Action::PageDown | Action::ScrollDown => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                it.view.scroll = it
                    .view
                    .scroll
                    .saturating_add(if action == Action::PageDown { 10 } else { 3 });
            }
        }
        _ => {}
    }
    (Screen::Exam(ex), vec![])
}

pub fn title(_app: &App, ex: &ExamScreen, now: DateTime<Utc>) -> Title {
    let flag = if ex.items.get(ex.pos).is_some_and(|i| i.flagged) {
        " · ⚑ marked"
    } else {
        ""
    };
    let clock = match ex.clock.time_limit_ms {
        // The last minutes: ⚠ as well as the colour, for NO_COLOR.
        Some(_) if ex.clock_within(now, mock::CLOCK_WARNING_MIN) => format!("⚠ {} left", ex.clock.display(now)),
        Some(_) => format!("⏱ {} left", ex.clock.display(now)),
        None => format!("untimed · {} used", ex.clock.display(now)),
    };
    Title {
        text: format!(
            " Mock exam · Question {} of {} · {clock} · answered {} · marked {}{flag}",
            ex.pos + 1,
            ex.items.len(),
            ex.answered(),
            ex.flagged()
        ),
        // The title turns to the warning colour in the last minutes.
        warn: ex.clock_within(now, mock::CLOCK_WARNING_MIN),
        right: None,
    }
}

pub fn render(_app: &App, ex: &ExamScreen, theme: Theme, f: &mut Frame, body: Rect, _now: DateTime<Utc>) {
    if let Some(it) = ex.items.get(ex.pos) {
        question(&it.view, theme, f, body);
    }
    if let Some(cur) = ex.grid {
        grid(ex, cur, theme, f, body);
    }
    if ex.confirm_submit {
        let mut lines = vec![Line::raw(""), Line::styled("  Submit the exam now?", theme.title())];
        let (u, m) = (ex.unanswered(), ex.flagged());
        lines.push(Line::raw(format!(
            "  {u} unanswered item{} and {m} marked for review.",
            if u == 1 { "" } else { "s" }
        )));
        if u > 0 {
            lines.push(Line::styled("  Unanswered items count as wrong.", theme.bad()));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("  y submit · n/Esc keep working", theme.dim()));
        let r = centered(body, 56, lines.len() as u16 + 2);
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Submit ")), r);
    }
}

fn grid(ex: &ExamScreen, cur: usize, theme: Theme, f: &mut Frame, body: Rect) {
    let rows = ex.items.len().div_ceil(GRID_COLS);
    let mut lines = vec![Line::styled(
        " ● answered  ○ unanswered  ⚑ marked for review",
        theme.dim(),
    )];
    for r in 0..rows {
        let mut spans = vec![Span::raw(" ")];
        for c in 0..GRID_COLS {
            let i = r * GRID_COLS + c;
            let Some(it) = ex.items.get(i) else { break };
            let cell = format!(
                "{:>2}{}{}",
                i + 1,
                if it.answered() { '●' } else { '○' },
                if it.flagged { '⚑' } else { ' ' }
            );
            let style = if i == cur {
                theme.selected()
            } else if it.flagged {
                theme.accent()
            } else if !it.answered() {
                theme.bad()
            } else {
                ratatui::style::Style::new()
            };
            spans.push(Span::styled(cell, style));
            spans.push(Span::raw("  "));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    let typed = if ex.grid_number.is_empty() {
        String::new()
    } else {
        format!(" · go to {}", ex.grid_number)
    };
    lines.push(Line::raw(format!(
        " {} answered · {} unanswered · {} marked{typed}",
        ex.answered(),
        ex.unanswered(),
        ex.flagged()
    )));
    lines.push(Line::styled(
        " u next unanswered · m next marked · type a number · Enter go",
        theme.dim(),
    ));
    let r = centered(body, (GRID_COLS * 6 + 3) as u16, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Review grid ")), r);
}

/// The exam's keys: the item's, the review grid's, or the submit question's.
pub fn bindings(_app: &App, ex: &ExamScreen) -> Vec<Binding> {
    if ex.confirm_submit {
        // Submitting is confirmed with `y` only: Enter is "next" in the exam, and a double
        // Enter must not submit.
        return vec![
            Binding::new(&[Key::Char('y'), Key::Char('Y')], Action::Yes)
                .footer("y submit")
                .help("y", "submit the exam"),
            Binding::new(&[Key::Char('n'), Key::Code(KeyCode::Esc)], Action::No)
                .footer("n/Esc keep working")
                .help("n Esc", "keep working"),
            Binding::new(&[Key::Char('?')], Action::Help),
            Binding::nothing(&[Key::Any]),
        ];
    }
    if ex.grid.is_some() {
        return vec![
            Binding::new(&[Key::Code(KeyCode::Left), Key::Char('h')], Action::Left),
            Binding::new(&[Key::Code(KeyCode::Right), Key::Char('l')], Action::Right),
            Binding::range('0', '9', Action::Char)
                .footer("arrows/0-9 move")
                .help("arrows 0-9", "move; type an item number (4 2 → item 42)"),
            Binding::new(&[Key::Char('u')], Action::NextUnanswered)
                .footer("u unanswered")
                .help("u", "next unanswered item"),
            Binding::new(&[Key::Char('m')], Action::NextMarked)
                .footer("m marked")
                .help("m", "next marked item"),
            Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
                .footer("Enter go")
                .help("Enter", "open the item"),
            Binding::new(&[Key::Char('g')], Action::Grid)
                .footer("g/Esc close")
                .help("g Esc", "close the grid"),
            Binding::new(&[Key::Char('S')], Action::Submit)
                .footer("S submit")
                .help("S", "submit (asks; y confirms)"),
        ];
    }
    let mut v: Vec<Binding> = option_keys("a-f pick", "choose an option (single answer: replace)").into();
    v.extend([
        Binding::new(&[Key::Char(' ')], Action::ToggleHighlighted).help("Space", "toggle the highlighted option"),
        Binding::new(
            &[Key::Char('n'), Key::Code(KeyCode::Right), Key::Code(KeyCode::Enter)],
            Action::Next,
        )
        .footer("n/→ next")
        .help("n → Enter", "next item"),
        Binding::new(&[Key::Char('p'), Key::Code(KeyCode::Left)], Action::Prev)
            .footer("p/← prev")
            .help("p ←", "previous item"),
        Binding::new(&[Key::Char('m')], Action::Mark)
            .footer("m mark")
            .help("m", "mark / unmark for review"),
        Binding::new(&[Key::Char('g')], Action::Grid).footer("g grid").help(
            "g",
            "review grid: u next unanswered, m next marked, type a number, Enter jumps",
        ),
        Binding::new(&[Key::Char('S')], Action::Submit)
            .footer("S submit")
            .help("S", "submit (asks; y confirms)"),
        report_key(),
        Binding::text().help("PgUp PgDn", "scroll a long item"),
        Binding::new(&[Key::Char('q')], Action::Back)
            .footer("q pause")
            .help("q Esc", "pause and leave (resume later)"),
        help_key().footer("? help"),
    ]);
    v
}

impl ExamScreen {
    /// A stored exam on screen exactly as it was left (items, option order, answers, marks,
    /// position, clock), its clock started at `now`; and how many of its items were removed
    /// from the content since (they count as unanswered).
    pub fn resume(e: &crate::study::StoredExam, pack: &crate::model::Pack, now: DateTime<Utc>) -> (ExamScreen, usize) {
        let sum = &e.summary;
        let mut items = Vec::new();
        let mut missing = 0;
        for r in &e.items {
            let Some(q) = pack.question(&r.question_id) else {
                missing += 1;
                continue;
            };
            let mut view = QuestionView::new(q.clone(), r.option_order.clone(), now);
            view.selected = crate::session::to_display(&r.option_order, &r.chosen);
            items.push(ExamItem {
                position: r.position,
                view,
                flagged: r.flagged,
                scored: r.scored,
                time_ms: r.time_ms,
            });
        }
        let pos = items
            .iter()
            .position(|i| i.position as i64 == sum.position)
            .unwrap_or(0);
        let mut clock = Clock::new(sum.time_limit_ms, sum.elapsed_ms);
        clock.start(now);
        let screen = ExamScreen {
            exam_id: sum.id,
            items,
            pos,
            clock,
            saved_elapsed_ms: sum.elapsed_ms,
            grid: None,
            confirm_submit: false,
            warned: false,
            grid_number: String::new(),
            item_counted_ms: sum.elapsed_ms,
        };
        (screen, missing)
    }
}
