//! Home: the dashboard (due, new, readiness, plan, last exam, domains with mastery) and the
//! menu.

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::model::clip;
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key, search_key};
use crate::tui::view::{Theme, Title, bar};
use crate::tui::{ExamOptions, list};

/// Seconds between refreshes of home's dashboard while it is on screen.
pub const DASHBOARD_REFRESH_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MenuItem {
    Review,
    Practice,
    Drill,
    Exam,
    History,
    Stats,
    Quit,
}

pub const MENU: [MenuItem; 7] = [
    MenuItem::Review,
    MenuItem::Practice,
    MenuItem::Drill,
    MenuItem::Exam,
    MenuItem::History,
    MenuItem::Stats,
    MenuItem::Quit,
];

impl MenuItem {
    pub fn key(self) -> char {
        match self {
            MenuItem::Review => 'r',
            MenuItem::Practice => 'p',
            MenuItem::Drill => 'w',
            MenuItem::Exam => 'e',
            MenuItem::History => 'h',
            MenuItem::Stats => 's',
            MenuItem::Quit => 'q',
        }
    }
    /// The entry a config `[keys]` name stands for.
    pub fn from_name(name: &str) -> Option<MenuItem> {
        Some(match name {
            "review" => MenuItem::Review,
            "practice" => MenuItem::Practice,
            "drill" => MenuItem::Drill,
            "exam" => MenuItem::Exam,
            "history" => MenuItem::History,
            "stats" => MenuItem::Stats,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            MenuItem::Review => "Review due cards",
            MenuItem::Practice => "Practice by domain, task or skill",
            MenuItem::Drill => "Weak-area drill",
            MenuItem::Exam => "Mock exam (65 questions, 130 minutes)",
            MenuItem::History => "History of mock exams",
            MenuItem::Stats => "Stats and readiness",
            MenuItem::Quit => "Quit",
        }
    }
}

pub fn update(app: &mut App, action: Action, _now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let item = match action {
        Action::Up | Action::Down => {
            app.menu_index = list::moved(app.menu_index, MENU.len(), &action, list::Ends::Wrap).unwrap_or(0);
            return (Screen::Home, vec![]);
        }
        Action::Enter => MENU[app.menu_index.min(MENU.len() - 1)],
        Action::Menu(m) => m,
        Action::Back => MenuItem::Quit,
        _ => return (Screen::Home, vec![]),
    };
    match item {
        MenuItem::Review => (Screen::Home, vec![Effect::StartReview]),
        MenuItem::Practice => (Screen::Home, vec![Effect::OpenPicker]),
        MenuItem::Drill => (Screen::Home, vec![Effect::StartDrill { count: app.drill_count }]),
        MenuItem::Exam => (Screen::Home, vec![Effect::OpenExam(ExamOptions::default())]),
        MenuItem::History => (Screen::Home, vec![Effect::OpenHistory]),
        MenuItem::Stats => (Screen::Home, vec![Effect::OpenStats]),
        MenuItem::Quit => (Screen::Home, vec![Effect::Quit]),
    }
}

pub fn render(app: &App, theme: Theme, f: &mut Frame, area: Rect, _now: DateTime<Utc>) {
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
    for crate::study::DomainRow {
        id,
        title,
        weight,
        mastery: m,
    } in &d.domains
    {
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
                MenuItem::Review => format!("  ({} due, {} new)", d.due_now, d.new_available),
                _ => String::new(),
            };
            let label = match m {
                // From the pack's format, and "resume" while an exam is unfinished.
                MenuItem::Exam if d.exam_in_progress => "Resume the unfinished mock exam".to_string(),
                MenuItem::Exam => {
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

pub fn title(app: &App, _now: DateTime<Utc>) -> Title {
    format!(" cloudprep · {} · {}", app.pack.exam.code, app.pack.exam.title).into()
}

/// Home's keys: the menu's (after the config's `[keys]`), which the footer sums up and the
/// help lists one by one.
pub fn bindings(app: &App) -> Vec<Binding> {
    let menu: Vec<MenuItem> = MENU.iter().copied().filter(|m| *m != MenuItem::Quit).collect();
    let mut v: Vec<Binding> = vec![Binding::nothing(&[Key::Code(KeyCode::Esc)])];
    v.extend(menu.iter().map(|m| {
        let k = app.menu_key(*m);
        Binding::new(&[Key::Char(k)], Action::Menu(*m)).help(k.to_string(), m.label())
    }));
    let keys: Vec<String> = menu.iter().map(|m| app.menu_key(*m).to_string()).collect();
    v.extend([
        Binding::new(&[Key::Code(KeyCode::Up), Key::Char('k')], Action::Up)
            .footer("↑↓ move")
            .help("↑↓ j k", "move in the menu"),
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter open")
            .help("Enter", "open the highlighted entry"),
        Binding::text().footer(format!("{} (see menu)", keys.join(" "))),
        search_key().footer("/ search"),
        help_key().footer("? help"),
        Binding::new(&[Key::Char('q')], Action::Back)
            .footer("q quit")
            .help("q", "quit"),
    ]);
    v
}
