//! Before a mock exam starts: its format, and any shortage in the bank.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key};
use crate::tui::view::{Theme, Title, dialog};
use crossterm::event::KeyCode;

/// Shown before an exam starts: the format, and any shortage in the bank.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamIntro {
    pub seed: u64,
    pub untimed: bool,
    pub extra_minutes: u32,
    pub items: usize,
    pub scored: usize,
    pub minutes: Option<i64>,
    pub warnings: Vec<String>,
}

pub fn update(_app: &mut App, i: ExamIntro, action: Action, _now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    match action {
        Action::Enter | Action::Yes => (
            Screen::Home,
            vec![Effect::CreateExam {
                seed: i.seed,
                untimed: i.untimed,
                extra_minutes: i.extra_minutes,
            }],
        ),
        Action::Back | Action::No => (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => (Screen::ExamIntro(i), vec![]),
    }
}

pub fn render(_app: &App, i: &ExamIntro, theme: Theme, f: &mut Frame, body: Rect, _now: DateTime<Utc>) {
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            format!("  {} items, of which {} are scored.", i.items, i.scored),
            theme.title(),
        ),
        Line::raw(match i.minutes {
            Some(m) => format!("  {m} minutes on the clock; at 0:00 the exam is submitted as it stands."),
            None => "  Untimed: the clock only counts the time you use.".to_string(),
        }),
        Line::raw("  The unscored items are mixed in and revealed in the report."),
        Line::raw("  No feedback until you submit. Mark items to come back to them."),
        Line::raw("  Every answer is saved at once; q pauses, and you can resume later."),
    ];
    if !i.warnings.is_empty() {
        lines.push(Line::raw(""));
        for w in &i.warnings {
            lines.push(Line::styled(format!("  ! {w}"), theme.bad()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("  Enter start · Esc back", theme.dim()));
    let h = lines.len() as u16 + 4;
    dialog(f, body, 76, h, " Mock exam ", lines);
}

pub fn title(_app: &App, _i: &ExamIntro, _now: DateTime<Utc>) -> Title {
    " Mock exam".to_string().into()
}

pub fn bindings(_app: &App, _i: &ExamIntro) -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Char('y')], Action::Yes),
        Binding::new(&[Key::Char('n')], Action::No),
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter start")
            .help("Enter", "start the exam"),
        Binding::new(&[Key::Code(KeyCode::Esc)], Action::Escape)
            .footer("Esc back")
            .help("Esc", "back"),
        help_key().footer("? help"),
    ]
}

impl ExamIntro {
    /// The intro of a new exam drawn with `seed`.
    pub fn new(
        seed: u64,
        untimed: bool,
        extra_minutes: u32,
        draw: &crate::mock::Draw,
        limit_ms: Option<i64>,
    ) -> ExamIntro {
        ExamIntro {
            seed,
            untimed,
            extra_minutes,
            items: draw.items.len(),
            scored: draw.scored_count(),
            minutes: limit_ms.map(|l| l / 60_000),
            warnings: draw.warnings.clone(),
        }
    }
}
