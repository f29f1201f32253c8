//! One file per screen: each holds the screen's state, its key bindings (a table the key
//! handling, the footer and the help are all generated from), its `update` and its `render`.

pub mod exam;
pub mod exam_intro;
pub mod history;
pub mod home;
pub mod notice;
pub mod picker;
pub mod report;
pub mod resume;
pub mod search;
pub mod stats;
pub mod study;
pub mod summary;
