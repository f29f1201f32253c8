//! Integration tests: the content fixtures, and the real binary.

mod apkg;
mod cli;
mod content;
mod ecosystem;
mod exam;
mod pty;
mod reliability;
mod stats;
mod study;
mod tui;
mod tui_e2e;
mod util;
