//! Drawing: every function here only reads the [`App`]. Layout helpers are shared with the
//! mouse handling so that a click lands on what was drawn.

use chrono::{DateTime, Local, Utc};
use ratatui::Frame;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, MENU, Notice, PickLevel, Picker, QuestionView, Screen, Study, Summary, picker_entries};
use super::exam_view as ev;
use crate::model::{Kind, clip};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Styles, with or without colour (`NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    /// Colours for a light terminal background.
    pub light: bool,
    /// Make reference URLs terminal hyperlinks (OSC 8).
    pub hyperlinks: bool,
}

impl Theme {
    /// No colour: modifiers only.
    pub fn plain() -> Theme {
        Theme {
            color: false,
            light: false,
            hyperlinks: false,
        }
    }
    fn fg(self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }
    pub fn accent(self) -> Style {
        self.fg(if self.light { Color::Blue } else { Color::Cyan })
            .add_modifier(Modifier::BOLD)
    }
    pub fn good(self) -> Style {
        self.fg(if self.light { Color::Green } else { Color::LightGreen })
            .add_modifier(Modifier::BOLD)
    }
    pub fn bad(self) -> Style {
        self.fg(if self.light { Color::Red } else { Color::LightRed })
            .add_modifier(Modifier::BOLD)
    }
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(if self.light { Color::DarkGray } else { Color::Gray })
        } else {
            Style::new()
        }
    }
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    /// A URL: underlined, so it reads as a link with or without colour.
    pub fn link(self) -> Style {
        self.fg(if self.light { Color::Blue } else { Color::Cyan })
            .add_modifier(Modifier::UNDERLINED)
    }
}

/// The areas of a screen: title bar, body, status line, footer.
pub fn frame_areas(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
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

pub fn render(app: &App, f: &mut Frame) {
    render_at(app, f, chrono::Utc::now());
}

/// Whether a terminal of this size is too small for the app (a notice is drawn instead).
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Draws the app as of `now` (the exam clock is the only thing that reads it).
pub fn render_at(app: &App, f: &mut Frame, now: DateTime<Utc>) {
    let area = f.area();
    let theme = Theme {
        color: app.color,
        light: app.light,
        hyperlinks: app.hyperlinks,
    };
    if too_small(area) {
        let msg = format!(
            "Terminal too small: {}×{}. cloudprep needs at least {MIN_WIDTH}×{MIN_HEIGHT}. Enlarge the window, or press q to quit.",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, body, status, footer] = frame_areas(area);
    let title = match &app.screen {
        Screen::Home => format!(" cloudprep · {} · {}", app.pack.exam.code, app.pack.exam.title),
        Screen::Picker(_) => " Practice · choose what to study".to_string(),
        Screen::Study(st) => study_title(st),
        Screen::Summary(s) => match s.detail {
            Some(i) => format!(
                " {} · missed question {} of {} · skill {}",
                s.mode.title(),
                i + 1,
                s.missed.len(),
                s.missed.get(i).map(|v| v.question.skill.as_str()).unwrap_or("")
            ),
            None => format!(" {} · session done", s.mode.title()),
        },
        Screen::Notice(n) => format!(" {}", n.title),
        Screen::Exam(ex) => ev::exam_title(ex, now),
        Screen::ExamIntro(_) => " Mock exam".to_string(),
        Screen::ResumePrompt(_) => " Mock exam · unfinished".to_string(),
        Screen::Report(r) => ev::report_title(r),
        Screen::History(_) => " History".to_string(),
        Screen::Stats(st) => super::stats::title(st),
        Screen::Search(_) => " Search".to_string(),
    };
    // The exam's title turns to the warning colour in its last minutes.
    let title_style = match &app.screen {
        Screen::Exam(ex) if ex.clock_within(now, crate::mock::CLOCK_WARNING_MIN) => theme.bad(),
        _ => theme.accent(),
    };
    // A quiet counter of the time on the question, at the right of the title.
    let counter = match &app.screen {
        Screen::Study(st) if st.current.outcome.is_none() => Some(crate::mock::format_elapsed(
            (now - st.current.shown_at).num_milliseconds(),
        )),
        _ => None,
    };
    let title_w = (top.width as usize).saturating_sub(counter.as_ref().map_or(0, |c| c.len() + 2));
    f.render_widget(Paragraph::new(Line::styled(clip(&title, title_w), title_style)), top);
    if let Some(c) = counter {
        f.render_widget(
            Paragraph::new(Line::styled(format!("{c} "), theme.dim())).alignment(Alignment::Right),
            top,
        );
    }
    match &app.screen {
        Screen::Home => home(app, theme, f, body),
        Screen::Picker(p) => picker(app, p, theme, f, body),
        Screen::Study(st) => question(&st.current, theme, f, body),
        Screen::Summary(s) => match s.detail.and_then(|i| s.missed.get(i)) {
            Some(v) => question(v, theme, f, body),
            None => summary(app, s, now, theme, f, body),
        },
        Screen::Notice(n) => notice(n, theme, f, body),
        Screen::Exam(ex) => ev::exam(ex, theme, f, body),
        Screen::ExamIntro(i) => ev::intro(i, theme, f, body),
        Screen::ResumePrompt(p) => ev::resume(p, theme, f, body),
        Screen::Report(r) => ev::report(r, theme, f, body),
        Screen::History(h) => ev::history(h, theme, f, body),
        Screen::Stats(st) => super::stats::render(st, theme, f, body),
        Screen::Search(sr) => search_results(app, sr, theme, f, body),
    }
    if let Some(s) = &app.status {
        f.render_widget(Paragraph::new(Line::styled(format!(" {s}"), theme.bad())), status);
    }
    f.render_widget(
        Paragraph::new(Line::styled(format!(" {}", footer_keys(app)), theme.dim())),
        footer,
    );
    if let Some(input) = &app.input {
        text_input(input, theme, f, area);
    }
    if app.help {
        help(app, theme, f, area);
    }
}

fn text_input(input: &super::app::TextInput, theme: Theme, f: &mut Frame, area: Rect) {
    let w = 70u16.min(area.width);
    let inner = w.saturating_sub(4) as usize;
    let (title, mut lines) = match &input.purpose {
        super::app::InputPurpose::Report { question_id: id, .. } => (
            " Report ",
            vec![
                Line::styled(format!(" Report a problem with {id}"), theme.title()),
                Line::raw(" What is wrong or unclear? (Enter saves, Esc cancels)"),
                Line::raw(""),
            ],
        ),
        super::app::InputPurpose::Note { question_id: id } => (
            " Your note ",
            vec![
                Line::styled(format!(" Your note on {id}"), theme.title()),
                Line::raw(" Shown with its feedback from now on (Enter saves, empty deletes, Esc cancels)"),
                Line::raw(""),
            ],
        ),
        super::app::InputPurpose::Search => (
            " Search ",
            vec![
                Line::styled(" Search the bank: stem, options, tags, services, ids", theme.title()),
                Line::raw(" Words to find, all of them (Enter searches, Esc cancels)"),
                Line::raw(""),
            ],
        ),
    };
    // The cursor, where the next character goes.
    let at = input
        .text
        .char_indices()
        .nth(input.cursor)
        .map_or(input.text.len(), |(i, _)| i);
    let text = format!("{}▏{}", &input.text[..at], &input.text[at..]);
    for l in textwrap::wrap(&text, inner.max(10)) {
        lines.push(Line::styled(format!(" {l}"), theme.accent()));
    }
    let r = centered(area, w, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), r);
}

fn search_results(app: &App, sr: &super::app::SearchScreen, theme: Theme, f: &mut Frame, area: Rect) {
    let w = area.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if sr.hits.is_empty() {
        lines.push(Line::raw(format!(
            " Nothing in the bank matches \"{}\". Press / to search again.",
            sr.query
        )));
    }
    let height = area.height.saturating_sub(2) as usize;
    let top = sr.cursor.saturating_sub(height.saturating_sub(1));
    let terms = crate::session::search_terms(&sr.query);
    for (i, id) in sr.hits.iter().enumerate().skip(top).take(height) {
        let Some(q) = app.pack.question(id) else { continue };
        let stem = q.stem.split_whitespace().collect::<Vec<_>>().join(" ");
        let head = format!(" {:<7}", q.skill);
        let text = clip(&format!("{head}{stem}"), w);
        let base = if i == sr.cursor { theme.selected() } else { Style::new() };
        lines.push(highlighted(
            &text,
            &terms,
            base,
            base.patch(theme.accent()).add_modifier(Modifier::BOLD),
        ));
    }
    let title = format!(
        " {} match{} for \"{}\" ",
        sr.hits.len(),
        if sr.hits.len() == 1 { "" } else { "es" },
        sr.query
    );
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), area);
}

/// `text` with every match of the search terms (any of their forms) in `hit` style.
fn highlighted(text: &str, terms: &[Vec<String>], base: Style, hit: Style) -> Line<'static> {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; then the line is shown plain.
    if lower.len() != text.len() {
        return Line::styled(text.to_string(), base);
    }
    let mut marks: Vec<std::ops::Range<usize>> = terms
        .iter()
        .flatten()
        .flat_map(|t| crate::session::term_at(&lower, t).collect::<Vec<_>>())
        .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .collect();
    marks.sort_by_key(|r| r.start);
    let mut spans = Vec::new();
    let mut at = 0;
    for r in marks {
        if r.start < at {
            // Overlaps the previous match: extend it.
            if r.end > at {
                spans.push(Span::styled(text[at..r.end].to_string(), hit));
                at = r.end;
            }
            continue;
        }
        if r.start > at {
            spans.push(Span::styled(text[at..r.start].to_string(), base));
        }
        spans.push(Span::styled(text[r.clone()].to_string(), hit));
        at = r.end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), base));
    }
    Line::from(spans).style(base)
}

fn study_title(st: &Study) -> String {
    let q = &st.current.question;
    let n = (st.answered + usize::from(st.current.outcome.is_none())).min(st.planned.max(1));
    // Review counts what is left as Anki does, new, learning and due apart, instead of a total
    // that grows as cards come back.
    if st.mode == crate::model::Mode::Review {
        let (new, learning, due) = st.left();
        return format!(
            " Review · {new} new · {learning} learning · {due} due · skill {} · difficulty {}",
            q.skill, q.difficulty
        );
    }
    // Progress first, the (clippable) session name last, the skill id once.
    let name = st
        .title
        .strip_prefix(&format!("skill {} ", q.skill))
        .unwrap_or(&st.title);
    format!(
        " {} · question {} of {} · skill {} · difficulty {} · {}",
        st.mode.title(),
        n,
        st.planned,
        q.skill,
        q.difficulty,
        name
    )
}

/// The keys of the current screen, for the footer.
pub fn footer_keys(app: &App) -> String {
    match &app.screen {
        Screen::Home => {
            let keys: Vec<String> = MENU[..6].iter().map(|m| app.menu_key(*m).to_string()).collect();
            format!(
                "↑↓ move · Enter open · {} (see menu) · / search · ? help · q quit",
                keys.join(" ")
            )
        }
        Screen::Picker(_) => "↑↓ move · Enter choose · + - how many · f filter · Esc back · ? help".into(),
        Screen::Study(st) if st.current.outcome.is_some() => {
            let auto = st.current.outcome.as_ref().map(|o| o.auto.label()).unwrap_or("Good");
            let saved = st.current.outcome.as_ref().and_then(|o| o.saved.as_ref());
            match saved.filter(|s| s.previews.len() == 4) {
                // Each rating with the interval it gives, as Anki shows them.
                Some(s) => {
                    let keys: Vec<String> = ["Again", "Hard", "Good", "Easy"]
                        .iter()
                        .zip(&s.previews)
                        .enumerate()
                        .map(|(i, (name, due))| format!("{} {name} {}", i + 1, short_interval(*due - s.at)))
                        .collect();
                    format!("Enter next ({auto}) · {} · u undo", keys.join(" · "))
                }
                None => format!("Enter next ({auto}) · 1 Again 2 Hard 3 Good 4 Easy · u undo · ? help · q end"),
            }
        }
        Screen::Study(st) if !st.done.is_empty() => {
            "a-f pick · Enter submit · u undo last answer · PgDn more · ? help · q end".into()
        }
        Screen::Study(_) => "a-f pick · Space toggle · ↑↓ move · Enter submit · PgDn more · ? help · q end".into(),
        Screen::Summary(s) if s.detail.is_some() => {
            "n p next / previous missed · ↑↓ PgUp PgDn scroll · Esc back to the summary · ? help".into()
        }
        Screen::Summary(s) if !s.missed.is_empty() => {
            "↑↓ move · Enter open the missed question · r retry the missed · q home · ? help".into()
        }
        Screen::Summary(_) => "Enter home · ? help".into(),
        Screen::Notice(n) if n.drill.is_some() => "Enter start the drill · Esc home · ? help".into(),
        Screen::Notice(n) if n.offer_practice => "p practice · Enter home · ? help".into(),
        Screen::Notice(_) => "Enter home · ? help".into(),
        Screen::Exam(ex) => ev::exam_footer(ex).into(),
        Screen::ExamIntro(_) => "Enter start · Esc back · ? help".into(),
        Screen::ResumePrompt(p) if p.confirm_discard => "y discard · n keep it".into(),
        Screen::ResumePrompt(_) => "y/Enter resume · d discard · Esc back".into(),
        Screen::Report(r) => ev::report_footer(r).into(),
        Screen::History(_) => "↑↓ move · Enter open the report · q back · ? help".into(),
        Screen::Stats(_) => super::stats::FOOTER.into(),
        Screen::Search(_) => "↑↓ move · Enter practise this question · / search again · q back".into(),
    }
}

/// A bar of `width` cells filled to `frac`.
pub fn bar(frac: f64, width: usize) -> String {
    let filled = ((frac.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// An interval as the rating keys show it: "1m", "10m", "5h", "3d", "4mo", "1.2y".
pub fn short_interval(d: chrono::Duration) -> String {
    let mins = d.num_minutes().max(1);
    match mins {
        m if m < 60 => format!("{m}m"),
        m if m < 24 * 60 => format!("{}h", (m + 30) / 60),
        m if m < 60 * 24 * 60 => format!("{}d", (m + 720) / (24 * 60)),
        m if m < 365 * 24 * 60 => format!("{}mo", (m + 15 * 24 * 60) / (30 * 24 * 60)),
        m => format!("{:.1}y", m as f64 / (365.0 * 24.0 * 60.0)),
    }
}

/// When `t` is, seen from `now`: "now", "in 10 min", "in 3 h", "today 18:30", "tomorrow
/// 09:00", or the date and time.
pub fn relative_time(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    let (lt, ln) = (t.with_timezone(&Local), now.with_timezone(&Local));
    let days = (lt.date_naive() - ln.date_naive()).num_days();
    match secs {
        s if s <= 30 => "now".to_string(),
        s if s < 3600 => format!("in {} min", (s + 59) / 60),
        s if s < 6 * 3600 && days == 0 => format!("in {} h", (s + 1800) / 3600),
        _ if days == 0 => format!("today {}", lt.format("%H:%M")),
        _ if days == 1 => format!("tomorrow {}", lt.format("%H:%M")),
        _ => local_time(t),
    }
}

fn home(app: &App, theme: Theme, f: &mut Frame, area: Rect) {
    let [top, menu_area] =
        Layout::vertical([Constraint::Min(9), Constraint::Length(MENU.len() as u16 + 2)]).areas(area);
    let [today, domains] = Layout::horizontal([Constraint::Length(34), Constraint::Min(30)]).areas(top);
    let d = &app.dash;
    let row = |k: &str, v: String| Line::from(vec![Span::raw(format!(" {k:<15}")), Span::styled(v, theme.title())]);
    let streak = match (d.streak_days, d.studied_today) {
        (0, _) => "—".to_string(),
        (n, true) => format!("{n} day{}", if n == 1 { "" } else { "s" }),
        (n, false) => format!("{n} day{} (study today)", if n == 1 { "" } else { "s" }),
    };
    // Most important first: at 80×24 the box shows ten lines.
    let mut lines = vec![
        row("Due now", d.due_now.to_string()),
        row("New available", d.new_available.to_string()),
        row(
            "Readiness",
            match &d.readiness {
                Some(r) => format!(
                    "{} · pass {:.0}% ({:.0}–{:.0})",
                    r.predicted_score,
                    r.pass_probability * 100.0,
                    r.low * 100.0,
                    r.high * 100.0
                ),
                None => "not enough data".to_string(),
            },
        ),
    ];
    if let Some(r) = &d.readiness {
        if r.capped_by_mock {
            lines.push(Line::styled(
                format!(
                    " Last mock failed: pass ≤ {:.0}%",
                    crate::readiness::FAILED_MOCK_CAP * 100.0
                ),
                theme.bad(),
            ));
        }
        if !r.missing.is_empty() {
            let what = if r.missing.len() == 1 { "domain" } else { "domains" };
            lines.push(Line::styled(
                format!(" ? {what} {}: no evidence yet", r.missing.join(", ")),
                theme.bad(),
            ));
        }
    }
    if let Some(p) = &d.plan {
        if p.days_left >= 0 {
            lines.push(row(
                "Exam in",
                format!(
                    "{} day{} · {}",
                    p.days_left,
                    if p.days_left == 1 { "" } else { "s" },
                    if p.on_track { "on track" } else { "behind" }
                ),
            ));
            lines.push(row("New a day", p.new_per_day.to_string()));
            lines.push(row("Reviews a day", format!("about {}", p.reviews_per_day)));
            if let Some(m) = p.mock_days.first() {
                lines.push(row("Next mock", m.format("%a %-d %b").to_string()));
            }
        } else {
            lines.push(row("Exam date", format!("{} (passed)", p.exam_date)));
        }
    }
    lines.extend([
        row(
            "Last mock exam",
            match d.last_exam {
                Some((s, p)) => format!("{s} ({})", if p { "pass" } else { "fail" }),
                None => "—".to_string(),
            },
        ),
        row("Seen", format!("{} of {}", d.seen, d.questions)),
        row("Reviews today", d.reviews_today.to_string()),
        row("Streak", streak),
    ]);
    if d.exam_in_progress {
        lines.push(Line::styled(" Exam in progress: e to resume", theme.accent()));
    }
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Today ")), today);

    let inner_w = domains.width.saturating_sub(2) as usize;
    let bar_w = 12usize;
    let title_w = inner_w.saturating_sub(3 + 5 + bar_w + 6 + 2).max(8);
    let mut dl = vec![Line::styled(
        format!(
            " {:<2}{:<title_w$} {:>4} {:<bar_w$} {:>5}",
            "", "Domain", "wt", "mastery", ""
        ),
        theme.dim(),
    )];
    for (id, title, weight, m) in &d.domains {
        dl.push(Line::from(vec![
            Span::raw(format!(" {id:<2}{:<title_w$} {weight:>3}% ", clip(title, title_w))),
            Span::styled(bar(*m, bar_w), theme.accent()),
            Span::raw(format!(" {:>4}%", crate::model::percent(*m))),
        ]));
    }
    f.render_widget(Paragraph::new(dl).block(Block::bordered().title(" Domains ")), domains);

    let items: Vec<Line> = MENU
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let extra = match m {
                super::app::MenuItem::Review => format!("  ({} due, {} new)", d.due_now, d.new_available),
                _ => String::new(),
            };
            let label = match m {
                // From the pack's format, and "resume" while an exam is unfinished.
                super::app::MenuItem::Exam if d.exam_in_progress => "Resume the unfinished mock exam".to_string(),
                super::app::MenuItem::Exam => {
                    let f = &app.pack.exam.format;
                    format!("Mock exam ({} questions, {} minutes)", f.questions, f.minutes)
                }
                _ => m.label().to_string(),
            };
            let text = format!(" {}  {label}{extra}", app.menu_key(*m));
            if i == app.menu_index {
                Line::styled(format!("›{text}"), theme.selected())
            } else {
                Line::raw(format!(" {text}"))
            }
        })
        .collect();
    f.render_widget(
        Paragraph::new(items).block(Block::bordered().title(" Menu ")),
        menu_area,
    );
}

fn picker(app: &App, p: &Picker, theme: Theme, f: &mut Frame, area: Rect) {
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

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn summary(app: &App, s: &Summary, now: DateTime<Utc>, theme: Theme, f: &mut Frame, area: Rect) {
    let pct = if s.answered == 0 {
        0.0
    } else {
        100.0 * s.correct as f64 / s.answered as f64
    };
    let width = area.width.min(96);
    let w = width.saturating_sub(4) as usize;
    let mut time = format!("in {}", crate::mock::format_duration_words(s.spent_ms));
    if let Some(m) = s.median_answer_ms {
        time.push_str(&format!(" · median {} to answer", crate::mock::format_min_sec(m)));
    }
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            clip(
                &format!("  {} answered, {} right ({pct:.0}%) {time}", s.answered, s.correct),
                w,
            ),
            theme.title(),
        ),
        Line::raw("  Every answer is saved and scheduled with FSRS-6."),
    ];
    if let Some(t) = s.next_due {
        let when = relative_time(t, now);
        lines.push(Line::raw(if t > now && (t - now).num_minutes() < 60 {
            format!("  Cards in their learning steps come back {when}: review again then.")
        } else {
            format!("  The last card comes back {when}.")
        }));
    }
    if !s.domains.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("  By domain", theme.title()));
        for d in &s.domains {
            let tail = format!("{} of {} right", d.correct, d.answered);
            let name = app.pack.exam.domain(&d.domain).map(|x| x.title.as_str()).unwrap_or("");
            let label_w = w.saturating_sub(tail.len() + 4);
            let label = clip(&format!("{} {name}", d.domain), label_w);
            let style = if d.correct == d.answered {
                Style::new()
            } else {
                theme.bad()
            };
            lines.push(Line::styled(format!("  {label:<label_w$}  {tail}"), style));
        }
    }
    lines.push(Line::raw(""));
    let list_start = lines.len();
    if s.missed.is_empty() {
        lines.push(Line::styled("  Nothing missed.", theme.good()));
    } else {
        lines.push(Line::styled(
            format!(
                "  Missed ({}): Enter opens one with its feedback · r retries them now",
                s.missed.len()
            ),
            theme.title(),
        ));
        for (i, v) in s.missed.iter().enumerate() {
            let stem = v.question.stem.split_whitespace().collect::<Vec<_>>().join(" ");
            let text = clip(&format!("{:<7} {stem}", v.question.skill), w.saturating_sub(2));
            lines.push(if i == s.cursor {
                Line::styled(format!("  › {text}"), theme.selected())
            } else {
                Line::raw(format!("    {text}"))
            });
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        if s.missed.is_empty() {
            "  Enter: home"
        } else {
            "  Enter: open · r: retry the missed · q: home"
        },
        theme.dim(),
    ));
    let r = centered(area, width, (lines.len() as u16 + 2).min(area.height));
    // Keep the highlighted missed question in view.
    let inner = r.height.saturating_sub(2) as usize;
    let cursor_row = list_start + 1 + s.cursor;
    let scroll = (cursor_row + 3)
        .saturating_sub(inner)
        .min(lines.len().saturating_sub(inner)) as u16;
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(format!(" {} ", s.mode.title()))),
        r,
    );
}

fn notice(n: &Notice, theme: Theme, f: &mut Frame, area: Rect) {
    let mut lines = vec![Line::raw("")];
    for l in &n.lines {
        lines.push(Line::raw(format!("  {l}")));
    }
    lines.push(Line::raw(""));
    if n.drill.is_some() {
        lines.push(Line::styled("  Enter: start the drill · Esc: home", theme.dim()));
    } else if n.offer_practice {
        lines.push(Line::styled("  p: practise instead · Enter: home", theme.dim()));
    } else {
        lines.push(Line::styled("  Enter: home", theme.dim()));
    }
    let h = lines.len() as u16 + 2;
    let r = centered(area, 70, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(format!(" {} ", n.title))),
        r,
    );
}

fn help(app: &App, theme: Theme, f: &mut Frame, area: Rect) {
    // Home's menu keys come from the same place as the keys the app acts on and the footer
    // (`App::menu_key`, after the config's [keys]).
    let menu_keys: Vec<(String, &str)> = MENU
        .iter()
        .filter(|m| **m != super::app::MenuItem::Quit)
        .map(|m| (app.menu_key(*m).to_string(), m.label()))
        .collect();
    let mut home: Vec<(&str, &str)> = vec![("↑↓ j k", "move in the menu"), ("Enter", "open the highlighted entry")];
    home.extend(menu_keys.iter().map(|(k, l)| (k.as_str(), *l)));
    home.extend([("/", "search the bank"), ("q", "quit")]);
    let screen_keys: &[(&str, &str)] = match &app.screen {
        Screen::Home => &home,
        Screen::Picker(_) => &[
            ("↑↓ j k", "move"),
            ("Enter", "choose / start"),
            ("+ -", "more / fewer questions"),
            ("f", "take all / unseen only / missed before / bookmarked"),
            ("q Esc", "back"),
        ],
        Screen::Study(_) => &[
            ("!", "report a problem with this question"),
            ("a-f 1-6", "toggle an option (single answer: replace)"),
            ("Space", "toggle the highlighted option"),
            ("↑↓ j k", "move the highlight / scroll"),
            ("PgUp PgDn", "scroll"),
            ("Enter", "submit; after the feedback: next"),
            ("1 2 3 4", "after the feedback: rate Again/Hard/Good/Easy"),
            (
                "u Ctrl-Z",
                "take the last answer back (on its feedback or the next question)",
            ),
            ("b", "after the feedback: bookmark the question (again: take it off)"),
            (
                "N",
                "after the feedback: write or edit your note (shown with its feedback)",
            ),
            ("mouse", "click an option, wheel to scroll"),
            ("q Esc", "end the session"),
        ],
        Screen::Summary(_) => &[
            ("↑↓ j k", "move in the missed questions"),
            ("Enter", "open a missed question with its feedback (none missed: home)"),
            ("n p", "in a missed question: next / previous"),
            ("r", "retry the missed questions now (practice)"),
            ("q Esc", "home (from a missed question: the summary)"),
        ],
        Screen::Notice(_) => &[
            ("Enter", "home (on a drill's plan: start the drill)"),
            ("p", "practice (when offered)"),
            ("Esc", "home"),
        ],
        Screen::Exam(_) => &[
            ("!", "report a problem with this question"),
            ("a-f 1-6", "choose an option (single answer: replace)"),
            ("Space", "toggle the highlighted option"),
            ("n → Enter", "next item"),
            ("p ←", "previous item"),
            ("m", "mark / unmark for review"),
            ("g", "review grid (Enter jumps to an item)"),
            (
                "u m 0-9",
                "in the grid: next unanswered, next marked, type an item number",
            ),
            ("S", "submit (asks; y confirms)"),
            ("PgUp PgDn", "scroll a long item"),
            ("q Esc", "pause and leave (resume later)"),
        ],
        Screen::ExamIntro(_) => &[("Enter", "start the exam"), ("Esc", "back")],
        Screen::ResumePrompt(_) => &[
            ("y Enter", "resume"),
            ("d", "discard it and start a new one (asks first)"),
            ("Esc", "back"),
        ],
        Screen::Report(_) => &[
            ("↑↓", "move in the item list"),
            ("Enter", "review the item: your answer, the key, why"),
            ("a w m u", "show all / wrong / marked / unscored items"),
            ("p", "practise the items missed (wrong or unanswered) now"),
            ("n p", "in an item: next / previous"),
            ("q Esc", "back"),
        ],
        Screen::History(_) => &[("↑↓", "move"), ("Enter", "open the report"), ("q Esc", "back")],
        Screen::Stats(_) => &[
            ("← →", "previous / next page"),
            ("1-4", "go to a page"),
            ("↑↓ PgUp PgDn", "scroll what does not fit"),
            ("q Esc", "back"),
        ],
        Screen::Search(_) => &[
            ("↑↓", "move"),
            ("Enter", "practise the question"),
            ("/", "search again"),
            ("q Esc", "back"),
        ],
    };
    let mut lines = vec![Line::raw("")];
    for (k, v) in screen_keys
        .iter()
        .chain([("?", "this help"), ("Ctrl-C", "quit at once")].iter())
    {
        lines.push(Line::from(vec![
            Span::styled(format!("  {k:<11}"), theme.accent()),
            Span::raw(*v),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("  any key closes this help", theme.dim()));
    let r = centered(area, 64, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().borders(Borders::ALL).title(" Keys ")),
        r,
    );
}
