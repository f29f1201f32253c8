//! The config file (`<config dir>/cloudprep/config.toml`, or `--config PATH`) and the
//! effective settings, each with where it came from.
//!
//! ```toml
//! desired_retention = 0.90   # FSRS target recall probability, 0.70-0.99
//! new_cards_per_day = 20     # new questions introduced by `review` per day
//! theme = "dark"             # dark, light or none (no colour; NO_COLOR also turns colour off)
//! practice_count = 10        # questions in a practice session started from the TUI
//! drill_count = 10           # questions in a weak-area drill started from the TUI
//! exam_date = "2027-01-20"   # the day of the real exam: home shows a daily plan to it
//!
//! [exam]
//! untimed = false
//! extra_minutes = 0          # 0-120; AWS grants 30 to non-native English speakers
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Dark,
    Light,
    None,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    desired_retention: Option<f64>,
    new_cards_per_day: Option<i64>,
    theme: Option<Theme>,
    practice_count: Option<i64>,
    drill_count: Option<i64>,
    /// The day of the real exam: `exam_date = "2027-01-20"` (or a TOML date).
    exam_date: Option<toml::Value>,
    exam: Option<ExamFile>,
    keys: Option<KeysFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    review: Option<String>,
    practice: Option<String>,
    drill: Option<String>,
    exam: Option<String>,
    history: Option<String>,
    stats: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExamFile {
    untimed: Option<bool>,
    extra_minutes: Option<i64>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Env(v) => write!(f, "environment ({v})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn default(value: T) -> Self {
        Setting {
            value,
            source: Source::Default,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub path: PathBuf,
    pub file_found: bool,
    pub desired_retention: Setting<f32>,
    pub new_cards_per_day: Setting<i64>,
    pub theme: Setting<Theme>,
    pub practice_count: Setting<usize>,
    pub drill_count: Setting<usize>,
    pub exam_untimed: Setting<bool>,
    pub exam_extra_minutes: Setting<u32>,
    /// The day of the real exam, for the plan (`cloudprep plan --date` saves one in the
    /// database when the config file has none).
    pub exam_date: Setting<Option<chrono::NaiveDate>>,
    /// Home-screen keys set in `[keys]`: (action name, key).
    pub keys: Vec<(String, char)>,
}

/// Keys the app uses everywhere, which a home-menu override may not take.
pub const RESERVED_KEYS: &[char] = &['q', '?', '/', 'j', 'k', '!'];

/// The default config path: `<config dir>/cloudprep/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.config_dir().join("cloudprep").join("config.toml"))
}

/// A config file problem, one line naming the file (and the line, or the key) and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read (`--config` names a file that is not there, a permission).
    #[error("cannot read the config file {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    /// Not TOML, or a key the app does not know: the line when the parser gives one.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A value out of range or of the wrong form: the key, the value as written, what to use.
    #[error("{}: {key} = {value} is invalid: {want}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        value: String,
        want: String,
    },
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Loads the config. `explicit` is `--config`: it must exist. The default path may be absent.
/// `no_color` is whether `NO_COLOR` is set. Errors are one line naming the file and the key.
pub fn load(explicit: Option<&Path>, no_color: bool) -> Result<Config, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => default_path().unwrap_or_else(|| PathBuf::from("config.toml")),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => None,
        Err(e) => {
            return Err(ConfigError::Read {
                path,
                message: e.to_string(),
            });
        }
    };
    let file: File = match &text {
        None => File::default(),
        Some(t) => toml::from_str(t).map_err(|e| ConfigError::Syntax {
            path: path.clone(),
            line: e.span().map(|s| line_of(t, s.start)),
            message: e.message().trim().replace('\n', " "),
        })?,
    };
    let src = || Source::File(path.clone());
    let bad = |key: &str, value: String, want: &str| ConfigError::Invalid {
        path: path.clone(),
        key: key.to_string(),
        value,
        want: want.to_string(),
    };
    let mut c = Config {
        path: path.clone(),
        file_found: text.is_some(),
        desired_retention: Setting::default(crate::srs::DEFAULT_RETENTION),
        new_cards_per_day: Setting::default(20),
        theme: Setting::default(Theme::Dark),
        practice_count: Setting::default(10),
        drill_count: Setting::default(10),
        exam_untimed: Setting::default(false),
        exam_extra_minutes: Setting::default(0),
        exam_date: Setting::default(None),
        keys: Vec::new(),
    };
    if let Some(v) = &file.exam_date {
        let text = match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => format!("{other:?}"),
        };
        match crate::plan::parse_date(&text) {
            Some(d) => {
                c.exam_date = Setting {
                    value: Some(d),
                    source: src(),
                }
            }
            None => {
                return Err(bad(
                    "exam_date",
                    format!("{text:?}"),
                    "use a date such as \"2027-01-20\" (year-month-day)",
                ));
            }
        }
    }
    if let Some(r) = file.desired_retention {
        if !(0.70..=0.99).contains(&r) {
            return Err(bad(
                "desired_retention",
                r.to_string(),
                "use a number from 0.70 to 0.99",
            ));
        }
        c.desired_retention = Setting {
            value: r as f32,
            source: src(),
        };
    }
    if let Some(n) = file.new_cards_per_day {
        if !(0..=9999).contains(&n) {
            return Err(bad(
                "new_cards_per_day",
                n.to_string(),
                "use a whole number from 0 to 9999",
            ));
        }
        c.new_cards_per_day = Setting {
            value: n,
            source: src(),
        };
    }
    for (key, v, slot) in [
        ("practice_count", file.practice_count, &mut c.practice_count),
        ("drill_count", file.drill_count, &mut c.drill_count),
    ] {
        if let Some(n) = v {
            if !(1..=500).contains(&n) {
                return Err(bad(key, n.to_string(), "use a whole number from 1 to 500"));
            }
            *slot = Setting {
                value: n as usize,
                source: src(),
            };
        }
    }
    if let Some(t) = file.theme {
        c.theme = Setting {
            value: t,
            source: src(),
        };
    }
    if let Some(e) = file.exam {
        if let Some(u) = e.untimed {
            c.exam_untimed = Setting {
                value: u,
                source: src(),
            };
        }
        if let Some(m) = e.extra_minutes {
            if !(0..=120).contains(&m) {
                return Err(bad(
                    "exam.extra_minutes",
                    m.to_string(),
                    "use a whole number from 0 to 120",
                ));
            }
            c.exam_extra_minutes = Setting {
                value: m as u32,
                source: src(),
            };
        }
    }
    if let Some(k) = file.keys {
        let defaults = [
            ('r', "review"),
            ('p', "practice"),
            ('w', "drill"),
            ('e', "exam"),
            ('h', "history"),
            ('s', "stats"),
        ];
        let given = [k.review, k.practice, k.drill, k.exam, k.history, k.stats];
        let mut effective: Vec<(String, char)> = Vec::new();
        for ((default, name), v) in defaults.iter().zip(given) {
            let key = match v {
                None => *default,
                Some(text) => {
                    let mut chars = text.chars();
                    let (Some(ch), None) = (chars.next(), chars.next()) else {
                        return Err(bad(
                            &format!("keys.{name}"),
                            format!("{text:?}"),
                            "use a single character",
                        ));
                    };
                    if RESERVED_KEYS.contains(&ch) || ch.is_ascii_digit() || ch.is_whitespace() {
                        return Err(bad(
                            &format!("keys.{name}"),
                            format!("{text:?}"),
                            "that key is taken by the app (q ? / j k ! digits and space are reserved)",
                        ));
                    }
                    c.keys.push((name.to_string(), ch));
                    ch
                }
            };
            if let Some((other, _)) = effective.iter().find(|(_, c2)| *c2 == key) {
                return Err(bad(
                    &format!("keys.{name}"),
                    format!("{key:?}"),
                    &format!("keys.{other} uses it too"),
                ));
            }
            effective.push((name.to_string(), key));
        }
    }
    if no_color {
        c.theme = Setting {
            value: Theme::None,
            source: Source::Env("NO_COLOR"),
        };
    }
    Ok(c)
}

impl Config {
    /// The effective settings and their sources, one per line.
    pub fn describe(&self) -> String {
        let theme = match self.theme.value {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::None => "none",
        };
        let rows: Vec<(&str, String, &Source)> = vec![
            (
                "desired_retention",
                format!("{:.2}", self.desired_retention.value),
                &self.desired_retention.source,
            ),
            (
                "new_cards_per_day",
                self.new_cards_per_day.value.to_string(),
                &self.new_cards_per_day.source,
            ),
            ("theme", theme.to_string(), &self.theme.source),
            (
                "practice_count",
                self.practice_count.value.to_string(),
                &self.practice_count.source,
            ),
            (
                "drill_count",
                self.drill_count.value.to_string(),
                &self.drill_count.source,
            ),
            (
                "exam.untimed",
                self.exam_untimed.value.to_string(),
                &self.exam_untimed.source,
            ),
            (
                "exam.extra_minutes",
                self.exam_extra_minutes.value.to_string(),
                &self.exam_extra_minutes.source,
            ),
            (
                "exam_date",
                self.exam_date
                    .value
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "none (cloudprep plan --date sets one)".to_string()),
                &self.exam_date.source,
            ),
        ];
        let mut rows = rows;
        let keys_src = if self.keys.is_empty() {
            Source::Default
        } else {
            Source::File(self.path.clone())
        };
        let keys: Vec<String> = self.keys.iter().map(|(n, c)| format!("{n}={c}")).collect();
        let keys_value = if keys.is_empty() {
            "r p w e h s".to_string()
        } else {
            keys.join(" ")
        };
        let mut out = format!(
            "config file: {}{}\n",
            self.path.display(),
            if self.file_found {
                ""
            } else {
                " (not present; defaults in use)"
            }
        );
        for (k, v, s) in rows.drain(..) {
            out.push_str(&format!("{k:<20} {v:<8} ({s})\n"));
        }
        out.push_str(&format!("{:<20} {keys_value:<8} ({keys_src})\n", "keys"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("config.toml");
        std::fs::write(&p, text).expect("write");
        (d, p)
    }

    #[test]
    fn values_and_sources() {
        let (_d, p) = write("desired_retention = 0.85\nnew_cards_per_day = 5\n[exam]\nextra_minutes = 30\n");
        let c = load(Some(&p), false).expect("loads");
        assert_eq!(c.desired_retention.value, 0.85);
        assert_eq!(c.new_cards_per_day.value, 5);
        assert_eq!(c.exam_extra_minutes.value, 30);
        assert_eq!(c.new_cards_per_day.source, Source::File(p.clone()));
        assert_eq!(c.theme.source, Source::Default);
        assert!(c.describe().contains("new_cards_per_day    5"));
    }

    #[test]
    fn unknown_key_and_bad_values_name_the_key_and_file() {
        let (_d, p) = write("desired_retention = 0.9\nretention_goal = 3\n");
        let e = load(Some(&p), false).expect_err("unknown key").to_string();
        assert!(e.contains("config.toml:2") && e.contains("retention_goal"), "{e}");
        let (_d, p) = write("desired_retention = 1.5\n");
        let err = load(Some(&p), false).expect_err("bad value");
        assert!(matches!(&err, ConfigError::Invalid { key, .. } if key == "desired_retention"));
        let e = err.to_string();
        assert_eq!(
            e,
            format!(
                "{}: desired_retention = 1.5 is invalid: use a number from 0.70 to 0.99",
                p.display()
            )
        );
        let (_d, p) = write("theme = \"pink\"\n");
        assert!(
            load(Some(&p), false)
                .expect_err("bad theme")
                .to_string()
                .contains("config.toml:1")
        );
        assert!(!load(Some(&p), false).expect_err("one line").to_string().contains('\n'));
    }

    #[test]
    fn missing_default_file_is_fine_but_missing_explicit_file_is_not() {
        assert!(load(Some(Path::new("/nonexistent/cloudprep.toml")), false).is_err());
        let (_d, p) = write("");
        let c = load(Some(&p), false).expect("an empty file is fine");
        assert_eq!(c.new_cards_per_day, Setting::default(20));
    }

    #[test]
    fn key_overrides_are_checked() {
        let (_d, p) = write("[keys]\nreview = \"v\"\n");
        let c = load(Some(&p), false).expect("loads");
        assert_eq!(c.keys, vec![("review".to_string(), 'v')]);
        let (_d, p) = write("[keys]\nreview = \"q\"\n");
        assert!(
            load(Some(&p), false)
                .expect_err("reserved")
                .to_string()
                .contains("keys.review")
        );
        let (_d, p) = write("[keys]\nstats = \"p\"\n");
        assert!(
            load(Some(&p), false)
                .expect_err("clash")
                .to_string()
                .contains("keys.practice uses it too")
        );
        let (_d, p) = write("[keys]\ndrill = \"ww\"\n");
        assert!(
            load(Some(&p), false)
                .expect_err("two chars")
                .to_string()
                .contains("single character")
        );
        let (_d, p) = write("[keys]\nfly = \"f\"\n");
        assert!(load(Some(&p), false).expect_err("unknown").to_string().contains("fly"));
    }

    #[test]
    fn no_color_wins() {
        let (_d, p) = write("theme = \"light\"\n");
        let c = load(Some(&p), true).expect("loads");
        assert_eq!(c.theme.value, Theme::None);
        assert_eq!(c.theme.source, Source::Env("NO_COLOR"));
    }
}
