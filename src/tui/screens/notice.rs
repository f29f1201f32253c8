//! A screen that only says something and offers a way on (nothing due, a drill's plan).

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::model::Mode;
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key, search_key};
use crate::tui::view::{Theme, Title, dialog};

/// A screen that only says something and offers a way on.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
    pub offer_practice: bool,
    /// A drill's plan: `Enter` starts the drill with these questions.
    pub drill: Option<Vec<String>>,
}

pub fn update(app: &mut App, n: Notice, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    match action {
        Action::OfferPractice if n.offer_practice => (Screen::Home, vec![Effect::OpenPicker]),
        Action::Enter if n.drill.is_some() => {
            let queue = n.drill.unwrap_or_default();
            app.start_study(Mode::Drill, "weakest skills".to_string(), queue, now);
            (std::mem::replace(&mut app.screen, Screen::Home), vec![])
        }
        Action::Enter | Action::Back => (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => (Screen::Notice(n), vec![]),
    }
}

pub fn render(_app: &App, n: &Notice, theme: Theme, f: &mut Frame, area: Rect, _now: DateTime<Utc>) {
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
    dialog(f, area, 70, h, &format!(" {} ", n.title), lines);
}

pub fn title(_app: &App, n: &Notice, _now: DateTime<Utc>) -> Title {
    format!(" {}", n.title).into()
}

pub fn bindings(_app: &App, n: &Notice) -> Vec<Binding> {
    let mut v = Vec::new();
    if n.drill.is_some() {
        v.extend([
            Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
                .footer("Enter start the drill")
                .help("Enter", "start the drill"),
            Binding::new(&[Key::Code(KeyCode::Esc)], Action::Escape)
                .footer("Esc home")
                .help("q Esc", "home"),
        ]);
    } else {
        if n.offer_practice {
            v.push(
                Binding::new(&[Key::Char('p')], Action::OfferPractice)
                    .footer("p practice")
                    .help("p", "practise instead"),
            );
        }
        v.push(
            Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
                .footer("Enter home")
                .help("Enter q Esc", "home"),
        );
    }
    v.extend([search_key(), help_key().footer("? help")]);
    v
}

impl App {
    pub(crate) fn show_notice(&mut self, title: &str, lines: Vec<String>, offer_practice: bool) {
        self.screen = Screen::Notice(Notice {
            title: title.to_string(),
            lines,
            offer_practice,
            drill: None,
        });
    }

    /// Before a drill: the skills it targets and why; `Enter` starts it with `queue`.
    pub(crate) fn show_drill_plan(&mut self, lines: Vec<String>, queue: Vec<String>) {
        self.screen = Screen::Notice(Notice {
            title: "Drill: your weakest skills".to_string(),
            lines,
            offer_practice: false,
            drill: Some(queue),
        });
    }
}
