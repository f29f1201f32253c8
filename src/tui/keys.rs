//! Keys and mouse events to [`Action`]s: keys through the current screen's bindings (its table
//! in `screens/`), text boxes as line editing, the mouse by where things were drawn. The only
//! place that reads raw events.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::app::{Action, App, Screen};
use super::bindings::{self, Binding};
use super::question;
use super::view::{self, Theme};

/// [`map_key`] for a terminal of `size`: while it is too small for the app (the notice says so),
/// only `q` and `Ctrl-C` act, and both quit, as the notice says; every other key is ignored so
/// that nothing happens unseen.
pub fn map_key_sized(app: &App, key: KeyEvent, size: Rect) -> Option<Action> {
    if view::too_small(size) {
        if key.kind != KeyEventKind::Press {
            return None;
        }
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'));
        return (ctrl_c || key.code == KeyCode::Char('q')).then_some(Action::Quit);
    }
    map_key(app, key)
}

pub fn map_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Action::Quit);
    }
    if app.help {
        return Some(Action::Back);
    }
    if app.input.is_some() {
        use super::input::Edit;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        return match key.code {
            KeyCode::Enter => Some(Action::Enter),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Backspace => Some(Action::Edit(Edit::DeleteBack)),
            KeyCode::Delete => Some(Action::Edit(Edit::DeleteForward)),
            KeyCode::Left => Some(Action::Edit(Edit::Left)),
            KeyCode::Right => Some(Action::Edit(Edit::Right)),
            KeyCode::Home => Some(Action::Edit(Edit::Start)),
            KeyCode::End => Some(Action::Edit(Edit::End)),
            // The usual line editing; any other Ctrl or Alt chord is ignored, never typed.
            KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
                'u' => Some(Action::Edit(Edit::DeleteToStart)),
                'w' => Some(Action::Edit(Edit::DeleteWord)),
                'h' => Some(Action::Edit(Edit::DeleteBack)),
                'a' => Some(Action::Edit(Edit::Start)),
                'e' => Some(Action::Edit(Edit::End)),
                'b' => Some(Action::Edit(Edit::Left)),
                'f' => Some(Action::Edit(Edit::Right)),
                'd' => Some(Action::Edit(Edit::DeleteForward)),
                _ => None,
            },
            KeyCode::Char(_) if alt => None,
            KeyCode::Char(c) => Some(Action::Char(c)),
            _ => None,
        };
    }
    bindings::find(&bindings(app), &key)
}

/// The current screen's bindings: the table its keys, footer and help come from.
pub fn bindings(app: &App) -> Vec<Binding> {
    use super::screens::*;
    match &app.screen {
        Screen::Home => home::bindings(app),
        Screen::Picker(p) => picker::bindings(app, p),
        Screen::Study(st) => study::bindings(app, st),
        Screen::Summary(s) => summary::bindings(app, s),
        Screen::Notice(n) => notice::bindings(app, n),
        Screen::Exam(ex) => exam::bindings(app, ex),
        Screen::ExamIntro(i) => exam_intro::bindings(app, i),
        Screen::ResumePrompt(p) => resume::bindings(app, p),
        Screen::Report(r) => report::bindings(app, r),
        Screen::History(h) => history::bindings(app, h),
        Screen::Stats(st) => stats::bindings(app, st),
        Screen::Search(sr) => search::bindings(app, sr),
    }
}

/// Mouse: the wheel scrolls; a left click on an option toggles it.
pub fn map_mouse(app: &App, size: Rect, ev: MouseEvent) -> Option<Action> {
    if view::too_small(size) {
        return None;
    }
    match ev.kind {
        MouseEventKind::ScrollUp => Some(match app.screen {
            Screen::Study(_) | Screen::Exam(_) | Screen::Report(_) | Screen::Summary(_) => Action::ScrollUp,
            _ => Action::Up,
        }),
        MouseEventKind::ScrollDown => Some(match app.screen {
            Screen::Study(_) | Screen::Exam(_) | Screen::Report(_) | Screen::Summary(_) => Action::ScrollDown,
            _ => Action::Down,
        }),
        MouseEventKind::Down(MouseButton::Left) => {
            let view = match &app.screen {
                Screen::Study(st) => &st.current,
                Screen::Exam(ex) if ex.grid.is_none() && !ex.confirm_submit => &ex.items.get(ex.pos)?.view,
                _ => return None,
            };
            if view.outcome.is_some() || app.help {
                return None;
            }
            let [_, body, _, _] = view::frame_areas(size);
            let area = question::question_text_area(body);
            if ev.column < area.x
                || ev.column >= area.x + area.width
                || ev.row < area.y
                || ev.row >= area.y + area.height
            {
                return None;
            }
            let lines = question::question_lines(view, Theme::plain(), area.width);
            let scroll = question::effective_scroll(lines.len(), area.height, view.scroll);
            let idx = scroll as usize + (ev.row - area.y) as usize;
            lines.get(idx).and_then(|l| l.option).map(Action::Toggle)
        }
        _ => None,
    }
}
