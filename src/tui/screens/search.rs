//! The bank search's results: matches highlighted; practising a hit comes back here.

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::model::{Mode, clip};
use crate::tui::app::{Action, App, Effect, Screen};
use crate::tui::bindings::{Binding, Key, search_key};
use crate::tui::list;
use crate::tui::view::{Theme, Title};

/// The bank search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchScreen {
    pub query: String,
    pub hits: Vec<String>,
    pub cursor: usize,
}

pub fn update(app: &mut App, mut sr: SearchScreen, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    match action {
        Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            sr.cursor = list::moved(sr.cursor, sr.hits.len(), &action, list::Ends::Stop).unwrap_or(sr.cursor)
        }
        Action::Enter => {
            if let Some(id) = sr.hits.get(sr.cursor).cloned() {
                let title = format!("search \"{}\"", sr.query);
                app.start_study(Mode::Practice, title, vec![id], now);
                let mut screen = std::mem::replace(&mut app.screen, Screen::Home);
                if let Screen::Study(st) = &mut screen {
                    st.from_search = Some(sr);
                }
                return (screen, vec![]);
            }
        }
        _ => {}
    }
    (Screen::Search(sr), vec![])
}

pub fn render(app: &App, sr: &SearchScreen, theme: Theme, f: &mut Frame, area: Rect, _now: DateTime<Utc>) {
    let w = area.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if sr.hits.is_empty() {
        lines.push(Line::raw(format!(
            " Nothing in the bank matches \"{}\". Press / to search again.",
            sr.query
        )));
    }
    let height = area.height.saturating_sub(2) as usize;
    let top = list::scroll_to(sr.cursor, height);
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

pub fn title(_app: &App, _s: &SearchScreen, _now: DateTime<Utc>) -> Title {
    " Search".to_string().into()
}

pub fn bindings(_app: &App, _s: &SearchScreen) -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Code(KeyCode::Up), Key::Char('k')], Action::Up)
            .footer("↑↓ move")
            .help("↑↓", "move"),
        Binding::new(&[Key::Code(KeyCode::Enter)], Action::Enter)
            .footer("Enter practise this question")
            .help("Enter", "practise the question"),
        search_key().footer("/ search again"),
        Binding::new(&[Key::Char('q')], Action::Back)
            .footer("q back")
            .help("q Esc", "back"),
    ]
}
