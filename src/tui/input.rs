//! A line of text typed over any screen (a search, a report's note, your note on a question):
//! its editing, as shells do it, and its drawing.

use crate::tui::view::{Theme, centered};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

/// A line of text being typed over the current screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextInput {
    pub purpose: InputPurpose,
    pub text: String,
    /// Cursor position, in characters.
    pub cursor: usize,
}

/// Line editing in a text box, as shells do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    /// Home, Ctrl-A.
    Start,
    /// End, Ctrl-E.
    End,
    /// Backspace.
    DeleteBack,
    /// Delete.
    DeleteForward,
    /// Ctrl-W: the word before the cursor.
    DeleteWord,
    /// Ctrl-U: everything before the cursor.
    DeleteToStart,
}

impl TextInput {
    pub fn new(purpose: InputPurpose) -> TextInput {
        TextInput {
            purpose,
            text: String::new(),
            cursor: 0,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        if self.text.chars().count() < REPORT_NOTE_MAX {
            let at = self.byte_at(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
    }

    pub fn edit(&mut self, e: Edit) {
        let len = self.text.chars().count();
        self.cursor = self.cursor.min(len);
        match e {
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::Start => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::DeleteBack if self.cursor > 0 => {
                let (a, b) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor -= 1;
            }
            Edit::DeleteForward if self.cursor < len => {
                let (a, b) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
                self.text.replace_range(a..b, "");
            }
            Edit::DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            Edit::DeleteToStart => {
                let b = self.byte_at(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPurpose {
    /// The note of a "wrong or unclear" report on this question, with the option order shown and
    /// the options chosen (original indices) when `!` was pressed.
    Report {
        question_id: String,
        shown_order: Vec<usize>,
        chosen: Vec<usize>,
    },
    /// A search of the bank.
    Search,
    /// The learner's own note on a question.
    Note { question_id: String },
}

/// Longest note kept with a question report.
pub const REPORT_NOTE_MAX: usize = 500;

pub fn text_input(input: &TextInput, theme: Theme, f: &mut Frame, area: Rect) {
    let w = 70u16.min(area.width);
    let inner = w.saturating_sub(4) as usize;
    let (title, mut lines) = match &input.purpose {
        InputPurpose::Report { question_id: id, .. } => (
            " Report ",
            vec![
                Line::styled(format!(" Report a problem with {id}"), theme.title()),
                Line::raw(" What is wrong or unclear? (Enter saves, Esc cancels)"),
                Line::raw(""),
            ],
        ),
        InputPurpose::Note { question_id: id } => (
            " Your note ",
            vec![
                Line::styled(format!(" Your note on {id}"), theme.title()),
                Line::raw(" Shown with its feedback from now on (Enter saves, empty deletes, Esc cancels)"),
                Line::raw(""),
            ],
        ),
        InputPurpose::Search => (
            " Search ",
            vec![
                Line::styled(" Search the bank: stem, options, tags, services, ids", theme.title()),
                Line::raw(" Words to find, all of them (Enter searches, Esc cancels)"),
                Line::raw(""),
            ],
        ),
    };
    // The cursor, where the next character goes.
    let at = input
        .text
        .char_indices()
        .nth(input.cursor)
        .map_or(input.text.len(), |(i, _)| i);
    let text = format!("{}▏{}", &input.text[..at], &input.text[at..]);
    for l in textwrap::wrap(&text, inner.max(10)) {
        lines.push(Line::styled(format!(" {l}"), theme.accent()));
    }
    let r = centered(area, w, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), r);
}
