//! Drawing: every function here only reads the [`App`]. Layout helpers are shared with the
//! mouse handling so that a click lands on what was drawn.

use chrono::{DateTime, Local, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::app::{App, Screen};
use super::bindings;
use super::input::text_input;
use crate::model::clip;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// A screen's title row: its text (in the warning colour when `warn`) and a quiet note at its
/// right.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Title {
    pub text: String,
    pub warn: bool,
    pub right: Option<String>,
}

impl From<String> for Title {
    fn from(text: String) -> Title {
        Title {
            text,
            ..Title::default()
        }
    }
}

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
    let title = screen_title(app, now);
    let title_style = if title.warn { theme.bad() } else { theme.accent() };
    let title_w = (top.width as usize).saturating_sub(title.right.as_ref().map_or(0, |c| c.len() + 2));
    f.render_widget(
        Paragraph::new(Line::styled(clip(&title.text, title_w), title_style)),
        top,
    );
    if let Some(c) = title.right {
        f.render_widget(
            Paragraph::new(Line::styled(format!("{c} "), theme.dim())).alignment(Alignment::Right),
            top,
        );
    }
    render_screen(app, theme, f, body, now);
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

/// The screen's title row.
fn screen_title(app: &App, now: DateTime<Utc>) -> Title {
    use super::screens::*;
    match &app.screen {
        Screen::Home => home::title(app, now),
        Screen::Picker(p) => picker::title(app, p, now),
        Screen::Study(st) => study::title(app, st, now),
        Screen::Summary(s) => summary::title(app, s, now),
        Screen::Notice(n) => notice::title(app, n, now),
        Screen::Exam(ex) => exam::title(app, ex, now),
        Screen::ExamIntro(i) => exam_intro::title(app, i, now),
        Screen::ResumePrompt(p) => resume::title(app, p, now),
        Screen::Report(r) => report::title(app, r, now),
        Screen::History(h) => history::title(app, h, now),
        Screen::Stats(st) => stats::title(app, st, now),
        Screen::Search(sr) => search::title(app, sr, now),
    }
}

/// The screen's body.
fn render_screen(app: &App, theme: Theme, f: &mut Frame, body: Rect, now: DateTime<Utc>) {
    use super::screens::*;
    match &app.screen {
        Screen::Home => home::render(app, theme, f, body, now),
        Screen::Picker(p) => picker::render(app, p, theme, f, body, now),
        Screen::Study(st) => study::render(app, st, theme, f, body, now),
        Screen::Summary(s) => summary::render(app, s, theme, f, body, now),
        Screen::Notice(n) => notice::render(app, n, theme, f, body, now),
        Screen::Exam(ex) => exam::render(app, ex, theme, f, body, now),
        Screen::ExamIntro(i) => exam_intro::render(app, i, theme, f, body, now),
        Screen::ResumePrompt(p) => resume::render(app, p, theme, f, body, now),
        Screen::Report(r) => report::render(app, r, theme, f, body, now),
        Screen::History(h) => history::render(app, h, theme, f, body, now),
        Screen::Stats(st) => stats::render(app, st, theme, f, body, now),
        Screen::Search(sr) => search::render(app, sr, theme, f, body, now),
    }
}

/// The keys of the current screen, for the footer: generated from its bindings.
pub fn footer_keys(app: &App) -> String {
    bindings::footer(&super::keys::bindings(app))
}

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

/// A box of `width` columns centred over `area`, `height` rows tall (clipped to the area),
/// cleared, bordered, titled, with `lines` wrapped inside.
pub fn dialog(f: &mut Frame, area: Rect, width: u16, height: u16, title: &str, lines: Vec<Line<'_>>) {
    let r = centered(area, width, height);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title.to_string())),
        r,
    );
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

/// The help overlay: the current screen's keys, generated from its bindings.
fn help(app: &App, theme: Theme, f: &mut Frame, area: Rect) {
    let screen_keys = bindings::help(&super::keys::bindings(app));
    let mut lines = vec![Line::raw("")];
    let globals = [("?", "this help"), ("Ctrl-C", "quit at once")].map(|(k, v)| (k.to_string(), v.to_string()));
    for (k, v) in screen_keys.iter().chain(globals.iter()) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {k:<11}"), theme.accent()),
            Span::raw(v.clone()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("  any key closes this help", theme.dim()));
    let h = lines.len() as u16 + 2;
    dialog(f, area, 72, h, " Keys ", lines);
}
