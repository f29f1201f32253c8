//! A cursor over a list of rows, and the scroll that keeps it in view: one rule for every
//! list on screen (the menu, the chooser, search results, missed questions, report items,
//! history).

use super::app::Action;

/// Rows `PageUp`/`PageDown` move.
pub const PAGE: usize = 10;

/// How a cursor ends at the first and last rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    /// Stops there (long lists).
    Stop,
    /// Goes round to the other end (short menus).
    Wrap,
}

/// The cursor after `action` on a list of `len` rows; `None` when the action does not move a
/// cursor. Up and Down move one row, PageUp and PageDown a page (and stop at the ends).
pub fn moved(cursor: usize, len: usize, action: &Action, ends: Ends) -> Option<usize> {
    let last = len.saturating_sub(1);
    Some(match (action, ends) {
        (Action::Up, Ends::Wrap) => cursor.checked_sub(1).unwrap_or(last),
        (Action::Down, Ends::Wrap) => (cursor + 1) % len.max(1),
        (Action::Up, Ends::Stop) => cursor.saturating_sub(1),
        (Action::Down, Ends::Stop) => (cursor + 1).min(last),
        (Action::PageUp, _) => cursor.saturating_sub(PAGE),
        (Action::PageDown, _) => (cursor + PAGE).min(last),
        _ => return None,
    })
}

/// The first row to show, in `height` rows, so that row `cursor` is the last one visible at
/// most (the list scrolls only as far as it must).
pub fn scroll_to(cursor: usize, height: usize) -> usize {
    cursor.saturating_sub(height.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_stop_or_wrap_at_the_ends_and_page_by_ten() {
        assert_eq!(moved(0, 5, &Action::Up, Ends::Stop), Some(0));
        assert_eq!(moved(0, 5, &Action::Up, Ends::Wrap), Some(4));
        assert_eq!(moved(4, 5, &Action::Down, Ends::Stop), Some(4));
        assert_eq!(moved(4, 5, &Action::Down, Ends::Wrap), Some(0));
        assert_eq!(moved(3, 30, &Action::PageDown, Ends::Wrap), Some(13));
        assert_eq!(moved(25, 30, &Action::PageDown, Ends::Stop), Some(29));
        assert_eq!(moved(3, 30, &Action::PageUp, Ends::Stop), Some(0));
        assert_eq!(moved(0, 0, &Action::Down, Ends::Stop), Some(0), "an empty list");
        assert_eq!(moved(2, 5, &Action::Enter, Ends::Stop), None);
        assert_eq!(scroll_to(3, 10), 0);
        assert_eq!(scroll_to(12, 10), 3);
    }
}
