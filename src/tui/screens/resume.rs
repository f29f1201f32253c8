//! An unfinished mock exam was found: resume it, or discard it (asks first).

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::mock;
use crate::tui::ExamOptions;
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key};
use crate::tui::view::{Theme, Title, dialog, local_time};

/// An unfinished exam was found.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePrompt {
    pub exam_id: i64,
    pub started_at: DateTime<Utc>,
    pub answered: usize,
    pub flagged: usize,
    pub items: usize,
    pub remaining_ms: Option<i64>,
    /// The options the learner asked for (`--extra-minutes`, `--untimed`, `--seed`): a new
    /// exam started after discarding this one keeps them.
    pub opts: crate::tui::app::ExamOptions,
    /// `d` was pressed: discarding asks first.
    pub confirm_discard: bool,
}

pub fn update(_app: &mut App, mut p: ResumePrompt, action: Action, _now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if p.confirm_discard {
        // Discarding loses answers: only `y` confirms; anything else keeps the exam.
        return match action {
            Action::Yes => (
                Screen::Home,
                vec![Effect::DiscardExam {
                    exam_id: p.exam_id,
                    opts: p.opts,
                }],
            ),
            _ => {
                p.confirm_discard = false;
                (Screen::ResumePrompt(p), vec![])
            }
        };
    }
    match action {
        Action::Enter | Action::Yes => (Screen::Home, vec![Effect::ResumeExam { exam_id: p.exam_id }]),
        Action::Discard => {
            p.confirm_discard = true;
            (Screen::ResumePrompt(p), vec![])
        }
        Action::Back | Action::No => (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => (Screen::ResumePrompt(p), vec![]),
    }
}

pub fn render(_app: &App, p: &ResumePrompt, theme: Theme, f: &mut Frame, body: Rect, _now: DateTime<Utc>) {
    let left = match p.remaining_ms {
        Some(ms) => format!("{} left on the clock", mock::format_clock(ms)),
        None => "untimed".to_string(),
    };
    let keys = if p.confirm_discard {
        Line::styled(
            format!(
                "  Discard it? Its {} answers and {} marks are lost. y discard · n keep it",
                p.answered, p.flagged
            ),
            theme.bad(),
        )
    } else {
        Line::styled(
            "  y/Enter resume · d discard it and start a new one · Esc back",
            theme.dim(),
        )
    };
    let lines = vec![
        Line::raw(""),
        Line::styled("  You have an unfinished mock exam.", theme.title()),
        Line::raw(format!(
            "  Started {} · {} of {} answered · {} marked",
            local_time(p.started_at),
            p.answered,
            p.items,
            p.flagged
        )),
        Line::raw(format!("  {left}.")),
        Line::raw(""),
        keys,
    ];
    let h = lines.len() as u16 + 2;
    dialog(f, body, 78, h, " Resume ", lines);
}

pub fn title(_app: &App, _p: &ResumePrompt, _now: DateTime<Utc>) -> Title {
    " Mock exam · unfinished".to_string().into()
}

pub fn bindings(_app: &App, p: &ResumePrompt) -> Vec<Binding> {
    if p.confirm_discard {
        // Discarding loses answers: only `y` confirms; any other key keeps the exam.
        return vec![
            Binding::new(&[Key::Char('y'), Key::Char('Y')], Action::Yes)
                .footer("y discard")
                .help("y", "discard the exam"),
            Binding::new(&[Key::Any], Action::No)
                .footer("n keep it")
                .help("any other key", "keep it"),
        ];
    }
    vec![
        Binding::new(&[Key::Char('y')], Action::Yes)
            .footer("y/Enter resume")
            .help("y Enter", "resume"),
        Binding::new(&[Key::Char('n')], Action::No),
        Binding::new(&[Key::Char('d')], Action::Discard)
            .footer("d discard")
            .help("d", "discard it and start a new one (asks first)"),
        Binding::new(&[Key::Code(KeyCode::Esc)], Action::Escape)
            .footer("Esc back")
            .help("Esc", "back"),
    ]
}

impl ResumePrompt {
    /// The prompt for the unfinished exam `e`, keeping the options asked for.
    pub fn new(e: &crate::study::StoredExam, opts: ExamOptions) -> ResumePrompt {
        let s = &e.summary;
        ResumePrompt {
            exam_id: s.id,
            started_at: s.started_at,
            answered: e.items.iter().filter(|i| !i.chosen.is_empty()).count(),
            flagged: e.items.iter().filter(|i| i.flagged).count(),
            items: e.items.len(),
            remaining_ms: mock::remaining_ms(s.time_limit_ms, s.elapsed_ms),
            opts,
            confirm_discard: false,
        }
    }
}
