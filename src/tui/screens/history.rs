//! The finished mock exams, newest first; `Enter` opens a report.

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::mock;
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, help_key};
use crate::tui::list;
use crate::tui::view::{Theme, Title, local_time};

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub exam_id: i64,
    pub finished_at: DateTime<Utc>,
    pub scaled_score: i64,
    pub passed: bool,
    pub raw_correct: i64,
    pub scored_total: i64,
    pub elapsed_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryScreen {
    pub rows: Vec<HistoryRow>,
    pub cursor: usize,
}

pub fn update(_app: &mut App, mut h: HistoryScreen, action: Action, _now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    match action {
        Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        Action::Up | Action::Down => {
            h.cursor = list::moved(h.cursor, h.rows.len(), &action, list::Ends::Stop).unwrap_or(h.cursor)
        }
        Action::Enter => {
            if let Some(row) = h.rows.get(h.cursor) {
                let id = row.exam_id;
                return (
                    Screen::History(h),
                    vec![Effect::OpenReport {
                        exam_id: id,
                        from_history: true,
                    }],
                );
            }
        }
        _ => {}
    }
    (Screen::History(h), vec![])
}

pub fn render(_app: &App, h: &HistoryScreen, theme: Theme, f: &mut Frame, body: Rect, _now: DateTime<Utc>) {
    let mut lines = vec![Line::styled(
        format!(
            " {:<3} {:<17} {:>6}  {:<5} {:>8}  {:>10}",
            "#", "finished", "score", "", "right", "time used"
        ),
        theme.dim(),
    )];
    if h.rows.is_empty() {
        lines.push(Line::raw(" No mock exam finished yet: press q, then e to sit one."));
    }
    for (i, row) in h.rows.iter().enumerate() {
        let text = format!(
            " {:<3} {:<17} {:>6}  {:<5} {:>8}  {:>10}",
            row.exam_id,
            local_time(row.finished_at),
            row.scaled_score,
            if row.passed { "pass" } else { "fail" },
            format!("{}/{}", row.raw_correct, row.scored_total),
            mock::format_elapsed(row.elapsed_ms)
        );
        lines.push(if i == h.cursor {
            Line::styled(text, theme.selected())
        } else if row.passed {
            Line::styled(text, theme.good().remove_modifier(ratatui::style::Modifier::BOLD))
        } else {
            Line::raw(text)
        });
    }
    let height = body.height.saturating_sub(2) as usize;
    let scroll = (h.cursor + 2).saturating_sub(height) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(" History of mock exams ")),
        body,
    );
}

pub fn title(_app: &App, _h: &HistoryScreen, _now: DateTime<Utc>) -> Title {
    " History".to_string().into()
}

pub fn bindings(_app: &App, _h: &HistoryScreen) -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Code(KeyCode::Up), Key::Char('k')], Action::Up)
            .footer("↑↓ move")
            .help("↑↓", "move"),
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter open the report")
            .help("Enter", "open the report"),
        Binding::new(&[Key::Char('q')], Action::Back)
            .footer("q back")
            .help("q Esc", "back"),
        help_key().footer("? help"),
    ]
}

impl HistoryScreen {
    /// The finished exams, newest first.
    pub fn from_exams(exams: Vec<crate::store::ExamSummary>) -> HistoryScreen {
        let mut rows: Vec<HistoryRow> = exams
            .into_iter()
            .filter_map(|e| {
                Some(HistoryRow {
                    exam_id: e.id,
                    finished_at: e.finished_at?,
                    scaled_score: e.scaled_score?,
                    passed: e.passed?,
                    raw_correct: e.raw_correct.unwrap_or(0),
                    scored_total: e.scored_total.unwrap_or(0),
                    elapsed_ms: e.elapsed_ms,
                })
            })
            .collect();
        rows.reverse();
        HistoryScreen { rows, cursor: 0 }
    }
}
