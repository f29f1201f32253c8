//! Keys and mouse events to [`Action`]s, per screen. The only place that reads raw events.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::app::{Action, App, MENU, MenuItem, Screen};
use super::exam::ReviewFilter;
use super::view::{self, Theme};
use crate::srs::Rating;

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
        use super::app::Edit;
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
    if key.code == KeyCode::Char('!') && super::app::current_question_id(app).is_some() {
        return Some(Action::ReportQuestion);
    }
    // On a question's feedback (after an answer, or reopened from a summary or a report):
    // bookmark it, or write a note.
    if super::app::current_view(app).is_some_and(|v| v.outcome.is_some()) {
        match key.code {
            KeyCode::Char('b') => return Some(Action::Bookmark),
            KeyCode::Char('N') => return Some(Action::Note),
            _ => {}
        }
    }
    // Search the bank from the screens that have no question on them.
    if key.code == KeyCode::Char('/')
        && matches!(
            app.screen,
            Screen::Home | Screen::Picker(_) | Screen::Search(_) | Screen::Summary(_) | Screen::Notice(_)
        )
    {
        return Some(Action::Search);
    }
    let common = match key.code {
        KeyCode::Char('?') => Some(Action::Help),
        KeyCode::Char('q') => Some(Action::Back),
        // Back too, but never out of the app (see `Action::Escape`).
        KeyCode::Esc => Some(Action::Escape),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Enter => Some(Action::Enter),
        _ => None,
    };
    match &app.screen {
        // Esc never quits the app: on home only `q` (or Ctrl-C) does.
        Screen::Home if key.code == KeyCode::Esc => None,
        Screen::Home => {
            let hit = MENU
                .iter()
                .filter(|m| **m != MenuItem::Quit)
                .find(|m| key.code == KeyCode::Char(app.menu_key(**m)));
            match hit {
                Some(m) => Some(Action::Menu(*m)),
                None => common,
            }
        }
        Screen::Study(st) if st.current.outcome.is_none() => match key.code {
            KeyCode::Char(c @ 'a'..='f') => Some(Action::Toggle(c as usize - 'a' as usize)),
            KeyCode::Char(c @ 'A'..='F') => Some(Action::Toggle(c as usize - 'A' as usize)),
            KeyCode::Char(c @ '1'..='6') => Some(Action::Toggle(c as usize - '1' as usize)),
            KeyCode::Char(' ') => Some(Action::ToggleHighlighted),
            // Just after an answer: take it back from the next question.
            KeyCode::Char('u') if !st.done.is_empty() => Some(Action::Undo),
            KeyCode::Char('z') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Action::Undo),
            _ => common,
        },
        Screen::Study(_) => match key.code {
            KeyCode::Char(c @ '1'..='4') => Rating::from_u8(c as u8 - b'0').map(Action::Rate),
            KeyCode::Char('u') => Some(Action::Undo),
            KeyCode::Char('z') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Action::Undo),
            KeyCode::Char(' ') => Some(Action::Enter),
            _ => common,
        },
        Screen::Summary(s) if s.detail.is_some() => match key.code {
            KeyCode::Char('n') | KeyCode::Right => Some(Action::Next),
            KeyCode::Char('p') | KeyCode::Left => Some(Action::Prev),
            _ => common,
        },
        Screen::Summary(_) => match key.code {
            KeyCode::Char('r') => Some(Action::PractiseMissed),
            _ => common,
        },
        Screen::Notice(_) => match key.code {
            KeyCode::Char('p') => Some(Action::OfferPractice),
            _ => common,
        },
        Screen::Picker(_) => match key.code {
            KeyCode::Char('+') | KeyCode::Char('=') => Some(Action::More),
            KeyCode::Char('-') => Some(Action::Fewer),
            KeyCode::Char('f') => Some(Action::CycleSubset),
            _ => common,
        },
        Screen::History(_) | Screen::Search(_) => common,
        Screen::Stats(_) => match key.code {
            KeyCode::Left | KeyCode::Char('h') => Some(Action::Left),
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => Some(Action::Right),
            KeyCode::Char(c @ '1'..='4') => Some(Action::Toggle(c as usize - '1' as usize)),
            _ => common,
        },
        Screen::ExamIntro(_) => match key.code {
            KeyCode::Char('y') => Some(Action::Yes),
            KeyCode::Char('n') => Some(Action::No),
            _ => common,
        },
        Screen::ResumePrompt(p) if p.confirm_discard => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Some(Action::Yes),
            _ => Some(Action::No),
        },
        Screen::ResumePrompt(_) => match key.code {
            KeyCode::Char('y') => Some(Action::Yes),
            KeyCode::Char('n') => Some(Action::No),
            KeyCode::Char('d') => Some(Action::Discard),
            _ => common,
        },
        // Submitting is confirmed with `y` only: Enter is "next" in the exam, and a double
        // Enter must not submit.
        Screen::Exam(ex) if ex.confirm_submit => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Some(Action::Yes),
            KeyCode::Char('n') | KeyCode::Esc => Some(Action::No),
            KeyCode::Char('?') => Some(Action::Help),
            _ => None,
        },
        Screen::Exam(ex) if ex.grid.is_some() => match key.code {
            KeyCode::Left | KeyCode::Char('h') => Some(Action::Left),
            KeyCode::Right | KeyCode::Char('l') => Some(Action::Right),
            KeyCode::Char('g') => Some(Action::Grid),
            KeyCode::Char('S') => Some(Action::Submit),
            KeyCode::Char('u') => Some(Action::NextUnanswered),
            KeyCode::Char('m') => Some(Action::NextMarked),
            KeyCode::Char(c @ '0'..='9') => Some(Action::Char(c)),
            _ => common,
        },
        Screen::Exam(_) => match key.code {
            KeyCode::Char(c @ 'a'..='f') => Some(Action::Toggle(c as usize - 'a' as usize)),
            KeyCode::Char(c @ 'A'..='F') => Some(Action::Toggle(c as usize - 'A' as usize)),
            KeyCode::Char(c @ '1'..='6') => Some(Action::Toggle(c as usize - '1' as usize)),
            KeyCode::Char(' ') => Some(Action::ToggleHighlighted),
            KeyCode::Char('n') | KeyCode::Right | KeyCode::Enter => Some(Action::Next),
            KeyCode::Char('p') | KeyCode::Left => Some(Action::Prev),
            KeyCode::Char('m') => Some(Action::Mark),
            KeyCode::Char('g') => Some(Action::Grid),
            KeyCode::Char('S') => Some(Action::Submit),
            _ => common,
        },
        Screen::Report(r) if r.detail.is_some() => match key.code {
            KeyCode::Char('n') | KeyCode::Right => Some(Action::Next),
            KeyCode::Char('p') | KeyCode::Left => Some(Action::Prev),
            _ => common,
        },
        Screen::Report(_) => match key.code {
            KeyCode::Char('a') => Some(Action::Filter(ReviewFilter::All)),
            KeyCode::Char('w') => Some(Action::Filter(ReviewFilter::Wrong)),
            KeyCode::Char('m') => Some(Action::Filter(ReviewFilter::Marked)),
            KeyCode::Char('u') => Some(Action::Filter(ReviewFilter::Unscored)),
            KeyCode::Char('p') => Some(Action::PractiseMissed),
            _ => common,
        },
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
            let area = view::question_text_area(body);
            if ev.column < area.x
                || ev.column >= area.x + area.width
                || ev.row < area.y
                || ev.row >= area.y + area.height
            {
                return None;
            }
            let lines = view::question_lines(view, Theme::plain(), area.width);
            let scroll = view::effective_scroll(lines.len(), area.height, view.scroll);
            let idx = scroll as usize + (ev.row - area.y) as usize;
            lines.get(idx).and_then(|l| l.option).map(Action::Toggle)
        }
        _ => None,
    }
}
