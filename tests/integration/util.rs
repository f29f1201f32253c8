//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cloudprep"));
    c.env("NO_COLOR", "1")
        .env_remove("CLOUDPREP_DB")
        .env_remove("CLOUDPREP_CONTENT")
        // Keep the developer's own data and config (user content, config file) out of tests.
        .env("XDG_DATA_HOME", "/nonexistent/cloudprep-tests/data")
        .env("XDG_CONFIG_HOME", "/nonexistent/cloudprep-tests/config")
        .env("XDG_CACHE_HOME", "/nonexistent/cloudprep-tests/cache");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Asserts there is no sign of a panic or a backtrace in the output.
pub fn assert_no_panic(o: &Output) {
    let all = format!("{}{}", stdout(o), stderr(o));
    assert!(
        !all.contains("panicked") && !all.contains("RUST_BACKTRACE") && !all.contains("stack backtrace"),
        "{all}"
    );
}
