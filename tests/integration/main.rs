//! Integration tests: the content fixtures, and the real binary.

mod cli;
mod content;
mod util;
