//! Key bindings as data. Every screen declares, for its current state, one table of bindings:
//! the keys, the action they give, and how the footer and the `?` help name them. The key
//! handling ([`super::keys::map_key`]), the footer and the help overlay are all generated from
//! that table, so they cannot disagree, and the config's `[keys]` overrides (home's menu keys)
//! reach all three.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::Action;

/// A key a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character as typed (with Shift where it takes one: `S`, `?`, `!`, `N`), without Ctrl.
    Char(char),
    /// A character with Ctrl.
    Ctrl(char),
    /// Any other key: Enter, Esc, the arrows, Page Up/Down, Tab, Backspace.
    Code(KeyCode),
    /// Every key (a confirmation that any other key cancels).
    Any,
}

/// What a binding does.
#[derive(Debug, Clone)]
pub enum Does {
    Act(Action),
    /// A run of characters (`a`..=`f`), each giving its own action.
    Range(char, char, fn(char) -> Action),
    /// The key does nothing on this screen (and no shared key takes it).
    Nothing,
}

/// One row of a screen's table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub does: Does,
    /// How the footer names it ("Enter submit"); not in the footer when `None`.
    pub footer: Option<String>,
    /// How the help overlay lists it: (the keys as written, what it does).
    pub help: Option<(String, String)>,
}

impl Binding {
    pub fn new(keys: &[Key], action: Action) -> Binding {
        Binding {
            keys: keys.to_vec(),
            does: Does::Act(action),
            footer: None,
            help: None,
        }
    }

    /// Characters `from..=to`, each mapped to its action by `f`.
    pub fn range(from: char, to: char, f: fn(char) -> Action) -> Binding {
        Binding {
            keys: Vec::new(),
            does: Does::Range(from, to, f),
            footer: None,
            help: None,
        }
    }

    /// Keys that do nothing here, not even what they do on other screens.
    pub fn nothing(keys: &[Key]) -> Binding {
        Binding {
            keys: keys.to_vec(),
            does: Does::Nothing,
            footer: None,
            help: None,
        }
    }

    /// A line of the footer or the help that is no key of its own (the mouse; a summary of
    /// keys listed one by one elsewhere in the table).
    pub fn text() -> Binding {
        Binding::nothing(&[])
    }

    pub fn footer(mut self, text: impl Into<String>) -> Binding {
        self.footer = Some(text.into());
        self
    }

    pub fn help(mut self, keys: impl Into<String>, text: impl Into<String>) -> Binding {
        self.help = Some((keys.into(), text.into()));
        self
    }

    /// What this binding makes of `ev`: `Some(None)` when it takes the key to do nothing.
    fn take(&self, ev: &KeyEvent) -> Option<Option<Action>> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let hit = self.keys.iter().any(|k| match (*k, ev.code) {
            (Key::Char(c), KeyCode::Char(x)) => !ctrl && c == x,
            (Key::Ctrl(c), KeyCode::Char(x)) => ctrl && c.eq_ignore_ascii_case(&x),
            (Key::Code(c), code) => c == code,
            (Key::Any, _) => true,
            _ => false,
        });
        match &self.does {
            Does::Act(a) if hit => Some(Some(a.clone())),
            Does::Nothing if hit => Some(None),
            Does::Range(from, to, f) => match ev.code {
                KeyCode::Char(x) if !ctrl && (*from..=*to).contains(&x) => Some(Some(f(x))),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The action of the first binding of `table` that takes `ev`, else of the [`common`] keys.
pub fn find(table: &[Binding], ev: &KeyEvent) -> Option<Action> {
    table.iter().chain(common().iter()).find_map(|b| b.take(ev)).flatten()
}

/// The footer: the table's footer names, in order.
pub fn footer(table: &[Binding]) -> String {
    table
        .iter()
        .filter_map(|b| b.footer.as_deref())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The help overlay's lines: the table's help entries, in order.
pub fn help(table: &[Binding]) -> Vec<(String, String)> {
    table.iter().filter_map(|b| b.help.clone()).collect()
}

/// The keys every screen shares unless its table takes them first: `?` help, `q` back, `Esc`
/// back (never out of the app), Page Up/Down, the arrows and `j`/`k`, Enter. Each screen names
/// the ones it uses in its own table, with its own words ("q end", "Enter submit").
pub fn common() -> [Binding; 8] {
    use KeyCode::*;
    [
        Binding::new(&[Key::Char('?')], Action::Help),
        Binding::new(&[Key::Char('q')], Action::Back),
        Binding::new(&[Key::Code(Esc)], Action::Escape),
        Binding::new(&[Key::Code(PageUp)], Action::PageUp),
        Binding::new(&[Key::Code(PageDown)], Action::PageDown),
        Binding::new(&[Key::Code(Up), Key::Char('k')], Action::Up),
        Binding::new(&[Key::Code(Down), Key::Char('j')], Action::Down),
        Binding::new(&[Key::Code(Enter)], Action::Enter),
    ]
}

/// `?` opens the help (every screen also has it among the shared keys; a table lists it to
/// put it in its footer).
pub fn help_key() -> Binding {
    Binding::new(&[Key::Char('?')], Action::Help)
}

/// Option letters and digits choose an option: `a`-`f` (either case) or `1`-`6`.
pub fn option_keys(footer: &str, help: &str) -> [Binding; 3] {
    [
        Binding::range('a', 'f', |c| Action::Toggle(c as usize - 'a' as usize))
            .footer(footer)
            .help("a-f 1-6", help),
        Binding::range('A', 'F', |c| Action::Toggle(c as usize - 'A' as usize)),
        Binding::range('1', '6', |c| Action::Toggle(c as usize - '1' as usize)),
    ]
}

/// `!` reports a problem with the question on screen.
pub fn report_key() -> Binding {
    Binding::new(&[Key::Char('!')], Action::ReportQuestion).help("!", "report a problem with this question")
}

/// `/` searches the bank.
pub fn search_key() -> Binding {
    Binding::new(&[Key::Char('/')], Action::Search).help("/", "search the bank")
}

/// On a question's feedback: `b` bookmarks it, `N` writes a note.
pub fn feedback_keys() -> [Binding; 2] {
    [
        Binding::new(&[Key::Char('b')], Action::Bookmark).help("b", "bookmark the question (again: take it off)"),
        Binding::new(&[Key::Char('N')], Action::Note).help("N", "write or edit your note (shown with its feedback)"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_first_binding_that_takes_a_key_wins_then_the_shared_keys() {
        let table = vec![
            Binding::new(&[Key::Char('q')], Action::Quit).footer("q quit"),
            Binding::nothing(&[Key::Code(KeyCode::Esc)]),
            Binding::range('a', 'c', |c| Action::Toggle(c as usize - 'a' as usize)).footer("a-c pick"),
        ];
        assert_eq!(find(&table, &key(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(find(&table, &key(KeyCode::Esc)), None, "taken to do nothing");
        assert_eq!(find(&table, &key(KeyCode::Char('b'))), Some(Action::Toggle(1)));
        assert_eq!(find(&table, &key(KeyCode::Char('d'))), None);
        assert_eq!(find(&table, &key(KeyCode::Enter)), Some(Action::Enter), "shared");
        assert_eq!(
            find(&table, &KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL)),
            None,
            "a chord is not the letter"
        );
        assert_eq!(footer(&table), "q quit · a-c pick");
    }
}
