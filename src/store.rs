//! The SQLite store. The only module that knows rusqlite.
//!
//! One [`Store`] owns the connection. Migrations are the numbered files in `migrations/`,
//! embedded at build time and applied in order under `PRAGMA user_version`, each in one
//! transaction. A database from a newer build (a higher `user_version`) is refused before
//! anything is written to it. Every user action that must survive a crash is one transaction.
//!
//! [`anki`] writes the other SQLite file the app makes: the Anki collection inside an `.apkg`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};

pub use crate::model::Mode;
use crate::srs::{Card, CardPhase, Rating};

pub mod anki;

/// The migrations, in order; the schema version is their count.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    ("0002_aggregates", include_str!("../migrations/0002_aggregates.sql")),
    (
        "0003_covering_indexes",
        include_str!("../migrations/0003_covering_indexes.sql"),
    ),
    (
        "0004_report_context",
        include_str!("../migrations/0004_report_context.sql"),
    ),
    (
        "0005_bookmarks_notes_timing",
        include_str!("../migrations/0005_bookmarks_notes_timing.sql"),
    ),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a statement waits for another process's lock before failing with
/// [`StoreError::Busy`], in milliseconds.
const BUSY_TIMEOUT_MS: u64 = 5_000;

/// The environment variable that overrides [`BUSY_TIMEOUT_MS`] (a whole number of
/// milliseconds; anything else is ignored). The tests set it to keep the "busy" case fast.
pub const BUSY_TIMEOUT_ENV: &str = "CLOUDPREP_BUSY_TIMEOUT_MS";

/// The busy timeout: `CLOUDPREP_BUSY_TIMEOUT_MS` when it is a whole number, else 5000 ms.
fn busy_timeout(env: Option<&str>) -> std::time::Duration {
    let ms = env
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(BUSY_TIMEOUT_MS);
    std::time::Duration::from_millis(ms)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the database folder {path}: {source}; pass --db with a writable path")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot open the database {path}: {message}; pass --db with a writable path")]
    Open { path: PathBuf, message: String },
    #[error("{path} is not a cloudprep database (not SQLite): move it aside or pass --db with another path")]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} was written by a newer cloudprep (schema version {found}; this build knows {known}): upgrade cloudprep; the file was not changed"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("the database {path} is busy (another cloudprep is writing to it); try again in a moment")]
    Busy { path: PathBuf },
    #[error("the database {path} is read-only: {message}")]
    ReadOnly { path: PathBuf, message: String },
    #[error("database error in {path}: {message}")]
    Sql { path: PathBuf, message: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A mode is stored as its text (`reviews.mode`: practice, review, drill or exam).
impl ToSql for Mode {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

/// Any other text is an error that names it (it reaches the user as [`StoreError::Sql`]).
impl FromSql for Mode {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Mode::parse(text).ok_or_else(|| FromSqlError::Other(Box::new(UnknownMode(text.to_string()))))
    }
}

/// A `reviews.mode` text that names no [`Mode`].
#[derive(Debug, thiserror::Error)]
#[error("unknown answer mode {0:?} (expected practice, review, drill or exam)")]
struct UnknownMode(String);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// One graded answer, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub question_id: String,
    pub skill: String,
    pub difficulty: u8,
    pub reviewed_at: DateTime<Utc>,
    pub rating: Rating,
    pub correct: bool,
    pub mode: Mode,
    pub elapsed_ms: i64,
    pub chosen: Vec<usize>,
    pub exam_id: Option<i64>,
    /// The card's phase before this answer (None for answers logged before schema 5).
    pub phase: Option<CardPhase>,
}

/// A finished mock exam, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamSummary {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub elapsed_ms: i64,
    pub time_limit_ms: Option<i64>,
    pub scaled_score: Option<i64>,
    pub raw_correct: Option<i64>,
    pub scored_total: Option<i64>,
    pub passed: Option<bool>,
    pub timed_out: bool,
    pub seed: i64,
    pub position: i64,
}

/// One item of a mock exam as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamItemRow {
    pub position: usize,
    pub question_id: String,
    pub domain: String,
    pub skill: String,
    pub scored: bool,
    pub option_order: Vec<usize>,
    pub chosen: Vec<usize>,
    pub flagged: bool,
    pub correct: Option<bool>,
    /// Time spent on the item, summed over visits, in milliseconds (0 before schema 5).
    pub time_ms: i64,
}

/// The learner's note on a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub question_id: String,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

/// The latest timed answers of a domain that [`Store::median_ms_by_domain`] reads.
pub const DOMAIN_TIME_WINDOW: usize = 500;

/// The domain of a skill id in SQL: its first component ("2.1.3" -> "2"). Written exactly as
/// in the index `reviews_by_domain_time` (migration 0005), or SQLite cannot use the index.
const DOMAIN_OF_SKILL: &str = "substr(skill, 1, instr(skill || '.', '.') - 1)";

/// The latest timed answers of one domain (?2), newest first, at most ?3: read from the index
/// `reviews_by_domain_time` alone.
fn domain_times_sql() -> String {
    format!(
        "SELECT elapsed_ms FROM reviews WHERE exam = ?1 AND {DOMAIN_OF_SKILL} = ?2 AND elapsed_ms > 0
         ORDER BY reviewed_at DESC LIMIT ?3"
    )
}

/// Due reviews since ?2 and how many were right: read from the partial index
/// `reviews_due_by_time` alone (its WHERE terms are repeated here so that SQLite can use it).
const TRUE_RETENTION_SQL: &str = "SELECT COUNT(*), SUM(correct) FROM reviews
     WHERE exam = ?1 AND reviewed_at >= ?2 AND mode = 'review' AND phase = 'review'";

/// The median of `v` (the mean of the two middle values for an even count, rounded down);
/// None when empty. Sorts `v`.
fn median(v: &mut [i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        Some(v[n / 2])
    } else {
        Some(((i128::from(v[n / 2 - 1]) + i128::from(v[n / 2])) / 2) as i64)
    }
}

/// (skill, reviewed_at, correct, mode) of one answer.
pub type SkillAnswer = (String, DateTime<Utc>, bool, Mode);

/// A question report: the note, and what the learner saw when reporting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub question_id: String,
    pub at: DateTime<Utc>,
    pub note: String,
    /// Original option indices in the order shown (empty for reports from before schema 4).
    pub shown_order: Vec<usize>,
    /// Original indices of the options chosen when reporting.
    pub chosen: Vec<usize>,
}

/// One answer of the review log, newest first, as readiness reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentAnswer {
    pub question_id: String,
    pub skill: String,
    pub at: DateTime<Utc>,
    pub correct: bool,
    /// Given in a mock exam.
    pub exam: bool,
}

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(v: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(v)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn json_list(v: &[usize]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

fn parse_list(s: &str) -> Vec<usize> {
    serde_json::from_str(s).unwrap_or_default()
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        if path.is_dir() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                message: "it is a directory".to_string(),
            });
        }
        create_private(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.setup()?;
        Ok(store)
    }

    /// Opens an existing database read-only, without migrating it: for reads that may start
    /// before the content is known to be valid (a read-only open never writes, so it cannot
    /// touch the file). A database at another schema version is an error.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| classify(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        let version = store.user_version()?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                message: format!("schema version {version}, not {SCHEMA_VERSION}"),
            });
        }
        Ok(store)
    }

    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|e| classify(Path::new(":memory:"), e))?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store.setup()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    fn setup(&mut self) -> Result<()> {
        let env = std::env::var(BUSY_TIMEOUT_ENV).ok();
        self.conn
            .busy_timeout(busy_timeout(env.as_deref()))
            .map_err(|e| self.err(e))?;
        // Read the version before any write: a newer database must stay byte-identical.
        let version = self.user_version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        self.conn
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| self.err(e))?;
        self.migrate()
    }

    pub fn user_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Applies every migration above the current version, each in its own transaction.
    fn migrate(&mut self) -> Result<()> {
        let current = self.user_version()?;
        for (i, (_name, sql)) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= current {
                continue;
            }
            let path = self.path.clone();
            let tx = self.conn.transaction().map_err(|e| classify(&path, e))?;
            tx.execute_batch(sql).map_err(|e| classify(&path, e))?;
            tx.pragma_update(None, "user_version", version)
                .map_err(|e| classify(&path, e))?;
            tx.commit().map_err(|e| classify(&path, e))?;
        }
        Ok(())
    }

    pub fn integrity_ok(&self) -> Result<bool> {
        let s: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(s == "ok")
    }

    // ----- settings -----

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn delete_setting(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", [key])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    // ----- cards and reviews -----

    pub fn card(&self, exam: &str, question_id: &str) -> Result<Option<Card>> {
        self.conn
            .query_row(
                "SELECT question_id, state, stability, difficulty, due, step, reps, lapses, last_review
                 FROM cards WHERE exam = ?1 AND question_id = ?2",
                params![exam, question_id],
                card_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn cards(&self, exam: &str) -> Result<Vec<Card>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, state, stability, difficulty, due, step, reps, lapses, last_review
                 FROM cards WHERE exam = ?1 ORDER BY question_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([exam], card_from_row).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Cards due at `now` (learning ones included), most overdue first.
    pub fn due_cards(&self, exam: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Card>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, state, stability, difficulty, due, step, reps, lapses, last_review
                 FROM cards WHERE exam = ?1 AND due <= ?2 AND state != 'new' ORDER BY due LIMIT ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![exam, ms(now), limit as i64], card_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// The earliest due time among cards not yet due.
    pub fn next_due(&self, exam: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        self.conn
            .query_row(
                "SELECT MIN(due) FROM cards WHERE exam = ?1 AND due > ?2 AND state != 'new'",
                params![exam, ms(now)],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map(|v| v.map(from_ms))
            .map_err(|e| self.err(e))
    }

    pub fn count_due(&self, exam: &str, now: DateTime<Utc>) -> Result<i64> {
        self.scalar(
            "SELECT COUNT(*) FROM cards WHERE exam = ?1 AND due <= ?2 AND state != 'new'",
            params![exam, ms(now)],
        )
    }

    /// Question ids that have a card (met at least once).
    pub fn seen_ids(&self, exam: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT question_id FROM cards WHERE exam = ?1 AND reps > 0")
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([exam], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>().map_err(|e| self.err(e))
    }

    /// The questions whose last answer (any mode) was wrong. One probe of the review log's
    /// question index per answered question, never a scan of the log.
    pub fn missed_ids(&self, exam: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT t.question_id FROM question_totals t WHERE t.exam = ?1 AND (
                    SELECT r.correct FROM reviews r
                    WHERE r.exam = t.exam AND r.question_id = t.question_id
                    ORDER BY r.reviewed_at DESC, r.id DESC LIMIT 1) = 0",
            )
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([exam], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>().map_err(|e| self.err(e))
    }

    /// Logs a graded answer and saves the card's new state, in one transaction; returns the
    /// review's id.
    pub fn record_answer(&mut self, exam: &str, review: &ReviewRow, card: &Card) -> Result<i64> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| classify(&path, e))?;
        insert_review(&tx, exam, review).map_err(|e| classify(&path, e))?;
        let id = tx.last_insert_rowid();
        upsert_card(&tx, exam, card).map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(id)
    }

    /// Writes many answers and cards in one transaction (for generated histories).
    pub fn bulk_insert(&mut self, exam: &str, reviews: &[ReviewRow], cards: &[Card]) -> Result<()> {
        let path = self.path.clone();
        let c = |e| classify(&path, e);
        let tx = self.conn.transaction().map_err(c)?;
        for r in reviews {
            insert_review(&tx, exam, r).map_err(c)?;
        }
        for card in cards {
            upsert_card(&tx, exam, card).map_err(c)?;
        }
        tx.commit().map_err(c)
    }

    /// Changes the rating of a logged answer and saves the card as rescheduled with it.
    pub fn rerate(&mut self, exam: &str, review_id: i64, rating: Rating, card: &Card) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| classify(&path, e))?;
        tx.execute(
            "UPDATE reviews SET rating = ?2 WHERE id = ?1",
            params![review_id, rating as i64],
        )
        .map_err(|e| classify(&path, e))?;
        upsert_card(&tx, exam, card).map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))
    }

    /// Takes back a logged answer: the review row is deleted and the card restored to its state
    /// before it (a card that was new before is removed, so it is new again), in one
    /// transaction.
    pub fn undo_answer(&mut self, exam: &str, review_id: i64, card_before: &Card) -> Result<()> {
        let path = self.path.clone();
        let c = |e| classify(&path, e);
        let tx = self.conn.transaction().map_err(c)?;
        // The running totals (kept by the insert trigger of schema v2) lose the answer too.
        let row: Option<(String, i64, i64, i64)> = tx
            .query_row(
                "SELECT skill, reviewed_at, correct, difficulty FROM reviews WHERE id = ?1 AND exam = ?2",
                params![review_id, exam],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(c)?;
        let Some((skill, at, correct, difficulty)) = row else {
            return Ok(());
        };
        let qid = &card_before.question_id;
        for sql in [
            "DELETE FROM reviews WHERE id = ?1",
            "UPDATE skill_totals SET answered = answered - 1, correct = correct - ?3 WHERE exam = ?2 AND skill = ?4",
            "DELETE FROM skill_totals WHERE exam = ?2 AND skill = ?4 AND answered <= 0",
            "UPDATE hour_totals SET answered = answered - 1 WHERE exam = ?2 AND hour = ?5 / 3600000",
            "DELETE FROM hour_totals WHERE exam = ?2 AND hour = ?5 / 3600000 AND answered <= 0",
            "UPDATE difficulty_totals SET answered = answered - 1, correct = correct - ?3
             WHERE exam = ?2 AND difficulty = ?6",
            "DELETE FROM difficulty_totals WHERE exam = ?2 AND difficulty = ?6 AND answered <= 0",
            "UPDATE question_totals SET answered = answered - 1,
                first_at = COALESCE((SELECT MIN(reviewed_at) FROM reviews WHERE exam = ?2 AND question_id = ?7), first_at),
                last_at = COALESCE((SELECT MAX(reviewed_at) FROM reviews WHERE exam = ?2 AND question_id = ?7), last_at)
             WHERE exam = ?2 AND question_id = ?7",
            "DELETE FROM question_totals WHERE exam = ?2 AND question_id = ?7 AND answered <= 0",
        ] {
            let mut st = tx.prepare_cached(sql).map_err(c)?;
            // Each statement uses some of ?1..?7 (its parameter count is the highest it uses);
            // binding an index it does not mention is harmless.
            let all: [&dyn rusqlite::ToSql; 7] = [&review_id, &exam, &correct, &skill, &at, &difficulty, qid];
            for (i, v) in all.iter().enumerate().take(st.parameter_count()) {
                st.raw_bind_parameter(i + 1, v).map_err(c)?;
            }
            st.raw_execute().map_err(c)?;
        }
        if card_before.reps == 0 {
            tx.execute(
                "DELETE FROM cards WHERE exam = ?1 AND question_id = ?2",
                params![exam, card_before.question_id],
            )
            .map_err(c)?;
        } else {
            upsert_card(&tx, exam, card_before).map_err(c)?;
        }
        tx.commit().map_err(c)
    }

    pub fn count_reviews(&self, exam: &str) -> Result<i64> {
        self.scalar("SELECT SUM(answered) FROM skill_totals WHERE exam = ?1", params![exam])
    }

    pub fn count_reviews_since(&self, exam: &str, since: DateTime<Utc>) -> Result<i64> {
        self.scalar(
            "SELECT COUNT(*) FROM reviews WHERE exam = ?1 AND reviewed_at >= ?2",
            params![exam, ms(since)],
        )
    }

    /// New cards introduced (first answered) since `since`.
    pub fn count_new_since(&self, exam: &str, since: DateTime<Utc>) -> Result<i64> {
        self.scalar(
            "SELECT COUNT(*) FROM question_totals WHERE exam = ?1 AND first_at >= ?2",
            params![exam, ms(since)],
        )
    }

    /// Distinct study days (as day numbers after shifting by `offset_secs` to local time),
    /// most recent first.
    pub fn study_days(&self, exam: &str, offset_secs: i64, limit: usize) -> Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT (hour * 3600 + ?2) / 86400 AS d FROM hour_totals
                 WHERE exam = ?1 ORDER BY d DESC LIMIT ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![exam, offset_secs, limit as i64], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<i64>>>().map_err(|e| self.err(e))
    }

    /// Every review, oldest first.
    pub fn reviews(&self, exam: &str) -> Result<Vec<ReviewRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, skill, difficulty, reviewed_at, rating, correct, mode, elapsed_ms, chosen, exam_id, phase
                 FROM reviews WHERE exam = ?1 ORDER BY reviewed_at, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| {
                Ok(ReviewRow {
                    question_id: r.get(0)?,
                    skill: r.get(1)?,
                    difficulty: r.get::<_, i64>(2)?.clamp(1, 3) as u8,
                    reviewed_at: from_ms(r.get(3)?),
                    rating: Rating::from_u8(r.get::<_, i64>(4)?.clamp(1, 4) as u8).unwrap_or(Rating::Again),
                    correct: r.get::<_, i64>(5)? != 0,
                    mode: r.get(6)?,
                    elapsed_ms: r.get(7)?,
                    chosen: parse_list(&r.get::<_, String>(8)?),
                    exam_id: r.get(9)?,
                    phase: r.get::<_, Option<String>>(10)?.and_then(|p| CardPhase::parse(&p)),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Per skill: (answers, correct) over every review.
    pub fn answers_by_skill(&self, exam: &str) -> Result<Vec<(String, i64, i64)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT skill, answered, correct FROM skill_totals WHERE exam = ?1")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// The last `per_skill` answers of every skill, newest first within a skill:
    /// (skill, reviewed_at, correct, mode). One indexed query per skill, no scan.
    pub fn recent_by_skill(&self, exam: &str, per_skill: usize) -> Result<Vec<SkillAnswer>> {
        let skills: Vec<String> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT skill FROM skill_totals WHERE exam = ?1 ORDER BY skill")
                .map_err(|e| self.err(e))?;
            let rows = st.query_map([exam], |r| r.get(0)).map_err(|e| self.err(e))?;
            rows.collect::<rusqlite::Result<Vec<String>>>()
                .map_err(|e| self.err(e))?
        };
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT skill, reviewed_at, correct, mode FROM reviews
                 WHERE exam = ?1 AND skill = ?2 ORDER BY reviewed_at DESC LIMIT ?3",
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for skill in skills {
            let rows = st
                .query_map(params![exam, skill, per_skill as i64], |r| {
                    Ok((r.get(0)?, from_ms(r.get(1)?), r.get::<_, i64>(2)? != 0, r.get(3)?))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                out.push(row.map_err(|e| self.err(e))?);
            }
        }
        Ok(out)
    }

    /// The most recent `limit` answers, newest first: (skill, reviewed_at, correct, mode).
    pub fn recent_reviews(&self, exam: &str, limit: usize) -> Result<Vec<RecentAnswer>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, skill, reviewed_at, correct, mode FROM reviews WHERE exam = ?1
                 ORDER BY reviewed_at DESC LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![exam, limit as i64], |r| {
                Ok(RecentAnswer {
                    question_id: r.get(0)?,
                    skill: r.get(1)?,
                    at: from_ms(r.get(2)?),
                    correct: r.get::<_, i64>(3)? != 0,
                    exam: r.get::<_, Mode>(4)? == Mode::Exam,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Reviews per local day since `since`: (day number, count).
    pub fn reviews_per_day(&self, exam: &str, since: DateTime<Utc>, offset_secs: i64) -> Result<Vec<(i64, i64)>> {
        self.day_counts(
            "SELECT (hour * 3600 + ?3) / 86400 AS d, SUM(answered) FROM hour_totals
             WHERE exam = ?1 AND hour >= ?2 / 3600000 GROUP BY d",
            exam,
            ms(since),
            offset_secs,
        )
    }

    /// New questions (first answers) per local day since `since`: (day number, count).
    pub fn new_per_day(&self, exam: &str, since: DateTime<Utc>, offset_secs: i64) -> Result<Vec<(i64, i64)>> {
        self.day_counts(
            "SELECT (first_at + ?3 * 1000) / 86400000 AS d, COUNT(*) FROM question_totals
             WHERE exam = ?1 AND first_at >= ?2 GROUP BY d",
            exam,
            ms(since),
            offset_secs,
        )
    }

    /// Cards coming due per local day before `until` (overdue ones on their own past days).
    pub fn due_per_day(&self, exam: &str, until: DateTime<Utc>, offset_secs: i64) -> Result<Vec<(i64, i64)>> {
        self.day_counts(
            "SELECT (due + ?3 * 1000) / 86400000 AS d, COUNT(*) FROM cards
             WHERE exam = ?1 AND due < ?2 AND state != 'new' GROUP BY d",
            exam,
            ms(until),
            offset_secs,
        )
    }

    fn day_counts(&self, sql: &str, exam: &str, bound: i64, offset_secs: i64) -> Result<Vec<(i64, i64)>> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![exam, bound, offset_secs], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Per question difficulty (1-3): (answers, correct).
    pub fn accuracy_by_difficulty(&self, exam: &str) -> Result<[(i64, i64); 3]> {
        let mut out = [(0, 0); 3];
        let mut st = self
            .conn
            .prepare_cached("SELECT difficulty, answered, correct FROM difficulty_totals WHERE exam = ?1")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (d, n, c) = row.map_err(|e| self.err(e))?;
            if (1..=3).contains(&d) {
                out[(d - 1) as usize] = (n, c);
            }
        }
        Ok(out)
    }

    /// The median time spent answering, over the most recent 2,000 timed answers (every mode;
    /// exam answers are timed from schema 5 on, with the time spent on their item).
    pub fn median_answer_ms(&self, exam: &str) -> Result<Option<i64>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT elapsed_ms FROM reviews WHERE exam = ?1 AND elapsed_ms > 0
                 ORDER BY reviewed_at DESC LIMIT 2000",
            )
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([exam], |r| r.get::<_, i64>(0)).map_err(|e| self.err(e))?;
        let mut v = rows.collect::<rusqlite::Result<Vec<i64>>>().map_err(|e| self.err(e))?;
        Ok(median(&mut v))
    }

    /// Per domain (the skill id's first component) with timed answers: the median `elapsed_ms`
    /// over its latest [`DOMAIN_TIME_WINDOW`] answers with a time (every mode, mock exams
    /// included), and how many answers that is: (domain, median ms, answers), by domain id.
    /// One query per domain through the index `reviews_by_domain_time`, never a scan.
    pub fn median_ms_by_domain(&self, exam: &str) -> Result<Vec<(String, i64, i64)>> {
        let mut domains: Vec<String> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT skill FROM skill_totals WHERE exam = ?1")
                .map_err(|e| self.err(e))?;
            let rows = st
                .query_map([exam], |r| r.get::<_, String>(0))
                .map_err(|e| self.err(e))?;
            rows.map(|r| r.map(|skill| crate::model::domain_of(&skill).to_string()))
                .collect::<rusqlite::Result<Vec<String>>>()
                .map_err(|e| self.err(e))?
        };
        domains.sort();
        domains.dedup();
        let mut st = self.conn.prepare_cached(&domain_times_sql()).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for d in domains {
            let rows = st
                .query_map(params![exam, d, DOMAIN_TIME_WINDOW as i64], |r| r.get::<_, i64>(0))
                .map_err(|e| self.err(e))?;
            let mut v = rows.collect::<rusqlite::Result<Vec<i64>>>().map_err(|e| self.err(e))?;
            let n = v.len() as i64;
            if let Some(m) = median(&mut v) {
                out.push((d, m, n));
            }
        }
        Ok(out)
    }

    /// True retention since `since`: (answers, right) over the review-mode answers to cards
    /// that were in the review phase before the answer — due reviews, not new cards and not
    /// (re)learning steps. Answers logged before schema 5 have no phase and do not count.
    /// Reads the partial index `reviews_due_by_time` only.
    pub fn true_retention(&self, exam: &str, since: DateTime<Utc>) -> Result<(i64, i64)> {
        self.conn
            .query_row(TRUE_RETENTION_SQL, params![exam, ms(since)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0)))
            })
            .map_err(|e| self.err(e))
    }

    /// When each question was last answered (any mode).
    pub fn last_seen(&self, exam: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT question_id, last_at FROM question_totals WHERE exam = ?1")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| Ok((r.get(0)?, from_ms(r.get(1)?))))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    // ----- mock exams -----

    pub fn finished_exams(&self, exam: &str) -> Result<Vec<ExamSummary>> {
        self.exams_where(exam, "finished_at IS NOT NULL ORDER BY finished_at")
    }

    pub fn exam_in_progress(&self, exam: &str) -> Result<Option<ExamSummary>> {
        Ok(self
            .exams_where(exam, "finished_at IS NULL ORDER BY id DESC LIMIT 1")?
            .into_iter()
            .next())
    }

    pub fn exam_summary(&self, id: i64) -> Result<Option<ExamSummary>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{EXAM_COLUMNS} WHERE id = ?1"))
            .map_err(|e| self.err(e))?;
        st.query_row([id], exam_from_row).optional().map_err(|e| self.err(e))
    }

    fn exams_where(&self, exam: &str, clause: &str) -> Result<Vec<ExamSummary>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{EXAM_COLUMNS} WHERE exam = ?1 AND {clause}"))
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([exam], exam_from_row).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Creates an exam and its items in one transaction; returns its id.
    pub fn create_exam(
        &mut self,
        exam: &str,
        seed: i64,
        started_at: DateTime<Utc>,
        time_limit_ms: Option<i64>,
        items: &[ExamItemRow],
    ) -> Result<i64> {
        let path = self.path.clone();
        let c = |e| classify(&path, e);
        let tx = self.conn.transaction().map_err(c)?;
        tx.execute(
            "INSERT INTO exams (exam, seed, started_at, time_limit_ms) VALUES (?1, ?2, ?3, ?4)",
            params![exam, seed, ms(started_at), time_limit_ms],
        )
        .map_err(c)?;
        let id = tx.last_insert_rowid();
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT INTO exam_items (exam_id, position, question_id, domain, skill, scored, option_order, time_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(c)?;
            for it in items {
                st.execute(params![
                    id,
                    it.position as i64,
                    it.question_id,
                    it.domain,
                    it.skill,
                    it.scored as i64,
                    json_list(&it.option_order),
                    it.time_ms.max(0)
                ])
                .map_err(c)?;
            }
        }
        tx.commit().map_err(c)?;
        Ok(id)
    }

    pub fn exam_items(&self, exam_id: i64) -> Result<Vec<ExamItemRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT position, question_id, domain, skill, scored, option_order, chosen, flagged, correct, time_ms
                 FROM exam_items WHERE exam_id = ?1 ORDER BY position",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam_id], |r| {
                Ok(ExamItemRow {
                    position: r.get::<_, i64>(0)?.max(0) as usize,
                    question_id: r.get(1)?,
                    domain: r.get(2)?,
                    skill: r.get(3)?,
                    scored: r.get::<_, i64>(4)? != 0,
                    option_order: parse_list(&r.get::<_, String>(5)?),
                    chosen: parse_list(&r.get::<_, String>(6)?),
                    flagged: r.get::<_, i64>(7)? != 0,
                    correct: r.get::<_, Option<i64>>(8)?.map(|v| v != 0),
                    time_ms: r.get(9)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Saves one answer of an exam in progress (its own small transaction).
    pub fn save_exam_answer(&self, exam_id: i64, position: usize, chosen: &[usize], now: DateTime<Utc>) -> Result<()> {
        self.conn
            .execute(
                "UPDATE exam_items SET chosen = ?3, answered_at = ?4 WHERE exam_id = ?1 AND position = ?2",
                params![exam_id, position as i64, json_list(chosen), ms(now)],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn save_exam_flag(&self, exam_id: i64, position: usize, flagged: bool) -> Result<()> {
        self.conn
            .execute(
                "UPDATE exam_items SET flagged = ?3 WHERE exam_id = ?1 AND position = ?2",
                params![exam_id, position as i64, flagged as i64],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Adds `ms` to the time spent on an exam item (summed over visits; saturating). Nothing
    /// happens for `ms <= 0` or an unknown item.
    pub fn add_exam_item_time(&self, exam_id: i64, position: usize, ms: i64) -> Result<()> {
        if ms <= 0 {
            return Ok(());
        }
        let Ok(position) = i64::try_from(position) else {
            return Ok(());
        };
        self.conn
            .execute(
                "UPDATE exam_items SET time_ms = CASE WHEN time_ms > 9223372036854775807 - ?3
                     THEN 9223372036854775807 ELSE time_ms + ?3 END
                 WHERE exam_id = ?1 AND position = ?2",
                params![exam_id, position, ms],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Saves the position and the clock used so far.
    pub fn save_exam_progress(&self, exam_id: i64, position: usize, elapsed_ms: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE exams SET position = ?2, elapsed_ms = ?3 WHERE id = ?1 AND finished_at IS NULL",
                params![exam_id, position as i64, elapsed_ms],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Finishes an exam: its score, each item's correctness, and the answers into the review
    /// log with their cards — all in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn finish_exam(
        &mut self,
        exam: &str,
        exam_id: i64,
        finished_at: DateTime<Utc>,
        elapsed_ms: i64,
        raw_correct: i64,
        scored_total: i64,
        scaled_score: i64,
        passed: bool,
        timed_out: bool,
        item_correct: &[(usize, bool)],
        reviews: &[(ReviewRow, Card)],
    ) -> Result<()> {
        let path = self.path.clone();
        let c = |e| classify(&path, e);
        let tx = self.conn.transaction().map_err(c)?;
        let changed = tx
            .execute(
                "UPDATE exams SET finished_at = ?2, elapsed_ms = ?3, raw_correct = ?4, scored_total = ?5,
                 scaled_score = ?6, passed = ?7, timed_out = ?8 WHERE id = ?1 AND finished_at IS NULL",
                params![
                    exam_id,
                    ms(finished_at),
                    elapsed_ms,
                    raw_correct,
                    scored_total,
                    scaled_score,
                    passed as i64,
                    timed_out as i64
                ],
            )
            .map_err(c)?;
        if changed == 0 {
            // Already finished (for example by another process): nothing more to do.
            return Ok(());
        }
        for (pos, ok) in item_correct {
            tx.execute(
                "UPDATE exam_items SET correct = ?3 WHERE exam_id = ?1 AND position = ?2",
                params![exam_id, *pos as i64, *ok as i64],
            )
            .map_err(c)?;
        }
        for (r, card) in reviews {
            insert_review(&tx, exam, r).map_err(c)?;
            upsert_card(&tx, exam, card).map_err(c)?;
        }
        tx.commit().map_err(c)
    }

    /// When each question was last put in a mock exam (for drawing fresh ones first).
    pub fn exam_last_met(&self, exam: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT i.question_id, MAX(e.started_at) FROM exam_items i JOIN exams e ON e.id = i.exam_id
                 WHERE e.exam = ?1 GROUP BY i.question_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| Ok((r.get(0)?, from_ms(r.get(1)?))))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Deletes an unfinished exam and its items (the learner chose to start over).
    pub fn discard_exam(&mut self, exam_id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM exams WHERE id = ?1 AND finished_at IS NULL", [exam_id])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    // ----- bookmarks and notes -----

    /// Bookmarks a question (`on`) or removes its bookmark. Bookmarking one already bookmarked
    /// keeps the time it was first set.
    pub fn set_bookmark(&self, exam: &str, question_id: &str, on: bool, now: DateTime<Utc>) -> Result<()> {
        let result = if on {
            self.conn.execute(
                "INSERT INTO bookmarks (exam, question_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (exam, question_id) DO NOTHING",
                params![exam, question_id, ms(now)],
            )
        } else {
            self.conn.execute(
                "DELETE FROM bookmarks WHERE exam = ?1 AND question_id = ?2",
                params![exam, question_id],
            )
        };
        result.map(|_| ()).map_err(|e| self.err(e))
    }

    pub fn is_bookmarked(&self, exam: &str, question_id: &str) -> Result<bool> {
        Ok(self.scalar(
            "SELECT COUNT(*) FROM bookmarks WHERE exam = ?1 AND question_id = ?2",
            params![exam, question_id],
        )? > 0)
    }

    /// The bookmarked questions with the time each was set, oldest first.
    pub fn bookmarks(&self, exam: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, created_at FROM bookmarks WHERE exam = ?1 ORDER BY created_at, question_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| Ok((r.get(0)?, from_ms(r.get(1)?))))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// Saves the note on a question, trimmed; an empty (or all-blank) text deletes it.
    pub fn set_note(&self, exam: &str, question_id: &str, text: &str, now: DateTime<Utc>) -> Result<()> {
        let text = text.trim();
        let result = if text.is_empty() {
            self.conn.execute(
                "DELETE FROM notes WHERE exam = ?1 AND question_id = ?2",
                params![exam, question_id],
            )
        } else {
            self.conn.execute(
                "INSERT INTO notes (exam, question_id, text, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (exam, question_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                params![exam, question_id, text, ms(now)],
            )
        };
        result.map(|_| ()).map_err(|e| self.err(e))
    }

    pub fn note(&self, exam: &str, question_id: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT text FROM notes WHERE exam = ?1 AND question_id = ?2",
                params![exam, question_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every note, least recently updated first.
    pub fn notes(&self, exam: &str) -> Result<Vec<NoteRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, text, updated_at FROM notes WHERE exam = ?1 ORDER BY updated_at, question_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| {
                Ok(NoteRow {
                    question_id: r.get(0)?,
                    text: r.get(1)?,
                    updated_at: from_ms(r.get(2)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    // ----- question reports -----

    /// Records a report with the option order shown and the options chosen (original indices).
    pub fn add_report(
        &self,
        exam: &str,
        question_id: &str,
        note: &str,
        now: DateTime<Utc>,
        shown_order: &[usize],
        chosen: &[usize],
    ) -> Result<()> {
        let json = |v: &[usize]| serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string());
        self.conn
            .execute(
                "INSERT INTO question_reports (exam, question_id, created_at, note, shown_order, chosen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![exam, question_id, ms(now), note, json(shown_order), json(chosen)],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn reports(&self, exam: &str) -> Result<Vec<ReportRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT question_id, created_at, note, shown_order, chosen FROM question_reports
                 WHERE exam = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([exam], |r| {
                let list = |s: String| serde_json::from_str::<Vec<usize>>(&s).unwrap_or_default();
                Ok(ReportRow {
                    question_id: r.get(0)?,
                    at: from_ms(r.get(1)?),
                    note: r.get(2)?,
                    shown_order: list(r.get(3)?),
                    chosen: list(r.get(4)?),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    fn scalar(&self, sql: &str, p: impl rusqlite::Params) -> Result<i64> {
        self.conn
            .query_row(sql, p, |r| r.get::<_, Option<i64>>(0))
            .map(|v| v.unwrap_or(0))
            .map_err(|e| self.err(e))
    }
}

const EXAM_COLUMNS: &str = "SELECT id, started_at, finished_at, elapsed_ms, time_limit_ms, scaled_score, raw_correct,
    scored_total, passed, timed_out, seed, position FROM exams";

fn exam_from_row(r: &rusqlite::Row) -> rusqlite::Result<ExamSummary> {
    Ok(ExamSummary {
        id: r.get(0)?,
        started_at: from_ms(r.get(1)?),
        finished_at: r.get::<_, Option<i64>>(2)?.map(from_ms),
        elapsed_ms: r.get(3)?,
        time_limit_ms: r.get(4)?,
        scaled_score: r.get(5)?,
        raw_correct: r.get(6)?,
        scored_total: r.get(7)?,
        passed: r.get::<_, Option<i64>>(8)?.map(|v| v != 0),
        timed_out: r.get::<_, i64>(9)? != 0,
        seed: r.get(10)?,
        position: r.get(11)?,
    })
}

fn card_from_row(r: &rusqlite::Row) -> rusqlite::Result<Card> {
    let state: String = r.get(1)?;
    Ok(Card {
        question_id: r.get(0)?,
        phase: CardPhase::parse(&state).unwrap_or(CardPhase::New),
        stability: r.get::<_, Option<f64>>(2)?.map(|v| v as f32),
        difficulty: r.get::<_, Option<f64>>(3)?.map(|v| v as f32),
        due: from_ms(r.get(4)?),
        step: r.get::<_, i64>(5)?.max(0) as u32,
        reps: r.get::<_, i64>(6)?.max(0) as u32,
        lapses: r.get::<_, i64>(7)?.max(0) as u32,
        last_review: r.get::<_, Option<i64>>(8)?.map(from_ms),
    })
}

fn insert_review(tx: &rusqlite::Transaction, exam: &str, r: &ReviewRow) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO reviews (exam, question_id, skill, difficulty, reviewed_at, rating, correct, mode, elapsed_ms, chosen, exam_id, phase)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        exam,
        r.question_id,
        r.skill,
        i64::from(r.difficulty),
        ms(r.reviewed_at),
        r.rating as i64,
        r.correct as i64,
        r.mode,
        r.elapsed_ms,
        json_list(&r.chosen),
        r.exam_id,
        r.phase.map(CardPhase::as_str)
    ])
    .map(|_| ())
}

fn upsert_card(tx: &rusqlite::Transaction, exam: &str, c: &Card) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO cards (exam, question_id, state, stability, difficulty, due, step, reps, lapses, last_review)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (exam, question_id) DO UPDATE SET state = excluded.state, stability = excluded.stability,
           difficulty = excluded.difficulty, due = excluded.due, step = excluded.step, reps = excluded.reps,
           lapses = excluded.lapses, last_review = excluded.last_review",
    )?
    .execute(params![
        exam,
        c.question_id,
        c.phase.as_str(),
        c.stability.map(f64::from),
        c.difficulty.map(f64::from),
        ms(c.due),
        i64::from(c.step),
        i64::from(c.reps),
        i64::from(c.lapses),
        c.last_review.map(ms)
    ])
    .map(|_| ())
}

/// Creates the database file with mode 0600 if it does not exist yet.
fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Open {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        match f.code {
            ErrorCode::NotADatabase => return StoreError::NotADatabase { path },
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return StoreError::Busy { path },
            ErrorCode::ReadOnly => {
                return StoreError::ReadOnly {
                    path,
                    message: msg
                        .clone()
                        .unwrap_or_else(|| "attempt to write a readonly database".into()),
                };
            }
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                return StoreError::Open {
                    path,
                    message: msg.clone().unwrap_or_else(|| f.to_string()),
                };
            }
            _ => {}
        }
    }
    StoreError::Sql {
        path,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_and_are_idempotent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sub/folder/c.db");
        let s = Store::open(&p).expect("open");
        assert_eq!(s.user_version().expect("v"), SCHEMA_VERSION);
        drop(s);
        let s = Store::open(&p).expect("reopen");
        assert_eq!(s.user_version().expect("v"), SCHEMA_VERSION);
        assert!(s.integrity_ok().expect("check"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn newer_database_is_refused_and_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("new.db");
        {
            let c = Connection::open(&p).expect("open");
            c.execute_batch("CREATE TABLE x (a); PRAGMA user_version = 99;")
                .expect("setup");
        }
        let before = std::fs::read(&p).expect("read");
        match Store::open(&p) {
            Err(StoreError::TooNew { found: 99, .. }) => {}
            Err(e) => panic!("wrong error: {e}"),
            Ok(_) => panic!("opened a newer database"),
        }
        assert_eq!(std::fs::read(&p).expect("read"), before);
    }

    #[test]
    fn busy_timeout_defaults_to_five_seconds_and_can_be_overridden() {
        use std::time::Duration;
        assert_eq!(busy_timeout(None), Duration::from_millis(5_000));
        assert_eq!(busy_timeout(Some("300")), Duration::from_millis(300));
        assert_eq!(busy_timeout(Some(" 0 ")), Duration::from_millis(0));
        assert_eq!(busy_timeout(Some("soon")), Duration::from_millis(5_000));
        assert_eq!(busy_timeout(Some("-1")), Duration::from_millis(5_000));
    }

    #[test]
    fn not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("junk.db");
        std::fs::write(&p, b"this is not sqlite at all, just some text that is long enough").expect("write");
        let e = Store::open(&p).err().expect("must fail");
        assert!(matches!(e, StoreError::NotADatabase { .. }), "{e}");
    }

    /// The running totals kept by triggers (0002) agree with the review log, whether the
    /// reviews came before the migration (backfill) or after it (triggers).
    #[test]
    fn totals_match_the_review_log() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("t.db");
        let row = |i: i64| ReviewRow {
            question_id: format!("q{}", i % 7),
            skill: format!("1.1.{}", i % 3 + 1),
            difficulty: (i % 3 + 1) as u8,
            reviewed_at: from_ms(1_700_000_000_000 + i * 1_800_000),
            rating: Rating::Good,
            correct: i % 4 != 0,
            mode: Mode::Review,
            elapsed_ms: 1000,
            chosen: vec![0],
            exam_id: None,
            phase: Some(CardPhase::Review),
        };
        {
            // A version-1 database with history, as an older cloudprep left it.
            let c = Connection::open(&p).expect("open");
            c.execute_batch(MIGRATIONS[0].1).expect("v1");
            c.pragma_update(None, "user_version", 1).expect("version");
            for i in 0..50 {
                let r = row(i);
                c.execute(
                    "INSERT INTO reviews (exam, question_id, skill, difficulty, reviewed_at, rating, correct, mode)
                     VALUES ('X', ?1, ?2, ?3, ?4, 3, ?5, 'review')",
                    params![
                        r.question_id,
                        r.skill,
                        i64::from(r.difficulty),
                        ms(r.reviewed_at),
                        r.correct as i64
                    ],
                )
                .expect("insert");
            }
        }
        let mut s = Store::open(&p).expect("migrates");
        assert_eq!(s.user_version().expect("v"), SCHEMA_VERSION);
        for i in 50..80 {
            s.record_answer("X", &row(i), &Card::new(&row(i).question_id, row(i).reviewed_at))
                .expect("save");
        }
        assert_eq!(s.count_reviews("X").expect("n"), 80);
        let totals: i64 = s.answers_by_skill("X").expect("skills").iter().map(|t| t.1).sum();
        assert_eq!(totals, 80);
        let right: i64 = s.answers_by_skill("X").expect("skills").iter().map(|t| t.2).sum();
        assert_eq!(right, (0..80).filter(|i| i % 4 != 0).count() as i64);
        let last = s.last_seen("X").expect("last");
        assert_eq!(last.len(), 7);
        let q0 = last.iter().find(|(q, _)| q == "q0").expect("q0").1;
        assert_eq!(q0, row(77).reviewed_at);
        let by_d = s.accuracy_by_difficulty("X").expect("d");
        assert_eq!(by_d.iter().map(|x| x.0).sum::<i64>(), 80);
        let days: i64 = s
            .reviews_per_day("X", from_ms(0), 0)
            .expect("days")
            .iter()
            .map(|x| x.1)
            .sum();
        assert_eq!(days, 80);
        assert_eq!(s.count_new_since("X", from_ms(0)).expect("new"), 7);
        let recent = s.recent_by_skill("X", 5).expect("recent");
        assert_eq!(recent.len(), 15); // Only q6's last answer (review 76) was wrong.
        assert_eq!(s.missed_ids("X").expect("missed"), vec!["q6".to_string()]);
    }

    #[test]
    fn modes_are_stored_as_their_text_and_an_unknown_one_is_an_error_naming_it() {
        let mut s = Store::open_in_memory().expect("open");
        let now = Utc::now();
        for (i, mode) in [Mode::Practice, Mode::Review, Mode::Drill, Mode::Exam]
            .into_iter()
            .enumerate()
        {
            let mut r = row(&format!("q{i}"), "1.1.1", now, mode, None);
            r.reviewed_at = now + chrono::Duration::seconds(i as i64);
            s.record_answer("X", &r, &Card::new(&r.question_id, now)).expect("save");
            let text: String = s
                .conn
                .query_row(
                    "SELECT mode FROM reviews WHERE question_id = ?1",
                    [&r.question_id],
                    |r| r.get(0),
                )
                .expect("text");
            assert_eq!(text, mode.as_str());
        }
        let modes: Vec<Mode> = s.reviews("X").expect("reviews").iter().map(|r| r.mode).collect();
        assert_eq!(modes, [Mode::Practice, Mode::Review, Mode::Drill, Mode::Exam]);
        assert_eq!(
            s.recent_reviews("X", 10)
                .expect("recent")
                .iter()
                .filter(|a| a.exam)
                .count(),
            1
        );
        // The schema's CHECK keeps other texts out; a damaged file may still hold one.
        s.conn
            .execute_batch(
                "PRAGMA ignore_check_constraints = ON;
                 UPDATE reviews SET mode = 'cram' WHERE question_id = 'q1';
                 PRAGMA ignore_check_constraints = OFF;",
            )
            .expect("damage");
        for e in [
            s.reviews("X").expect_err("reviews"),
            s.recent_reviews("X", 10).expect_err("recent"),
            s.recent_by_skill("X", 10).expect_err("by skill"),
        ] {
            assert!(matches!(e, StoreError::Sql { .. }), "{e:?}");
            assert!(e.to_string().contains("unknown answer mode \"cram\""), "{e}");
        }
    }

    #[test]
    fn answer_and_card_saved_together() {
        let mut s = Store::open_in_memory().expect("open");
        let now = Utc::now();
        let card = Card::new("q1", now);
        let r = ReviewRow {
            question_id: "q1".into(),
            skill: "1.1.1".into(),
            difficulty: 2,
            reviewed_at: now,
            rating: Rating::Good,
            correct: true,
            mode: Mode::Practice,
            elapsed_ms: 1200,
            chosen: vec![2],
            exam_id: None,
            phase: Some(CardPhase::New),
        };
        s.record_answer("SOA-C03", &r, &card).expect("save");
        assert_eq!(s.count_reviews("SOA-C03").expect("n"), 1);
        assert_eq!(s.reviews("SOA-C03").expect("rows")[0].chosen, vec![2]);
        assert_eq!(
            s.card("SOA-C03", "q1").expect("card").map(|c| c.question_id),
            Some("q1".to_string())
        );
    }

    fn row(qid: &str, skill: &str, at: DateTime<Utc>, mode: Mode, phase: Option<CardPhase>) -> ReviewRow {
        ReviewRow {
            question_id: qid.into(),
            skill: skill.into(),
            difficulty: 2,
            reviewed_at: at,
            rating: Rating::Good,
            correct: true,
            mode,
            elapsed_ms: 30_000,
            chosen: vec![0],
            exam_id: None,
            phase,
        }
    }

    fn t(min: i64) -> DateTime<Utc> {
        from_ms(1_780_000_000_000 + min * 60_000)
    }

    fn file_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(&dir.path().join("v5.db")).expect("open");
        (dir, s)
    }

    #[test]
    fn bookmarks_are_set_kept_cleared_and_listed_oldest_first() {
        let (dir, s) = file_store();
        assert!(!s.is_bookmarked("X", "q1").expect("read"));
        s.set_bookmark("X", "q2", true, t(5)).expect("set");
        s.set_bookmark("X", "q1", true, t(10)).expect("set");
        s.set_bookmark("Y", "q9", true, t(1)).expect("other exam");
        // Bookmarking again keeps the first time.
        s.set_bookmark("X", "q2", true, t(20)).expect("again");
        assert!(s.is_bookmarked("X", "q1").expect("read"));
        assert!(!s.is_bookmarked("X", "q9").expect("other exam's"));
        assert_eq!(
            s.bookmarks("X").expect("list"),
            vec![("q2".to_string(), t(5)), ("q1".to_string(), t(10))]
        );
        s.set_bookmark("X", "q2", false, t(30)).expect("clear");
        s.set_bookmark("X", "never", false, t(30))
            .expect("clearing nothing is fine");
        drop(s);
        // On disk: a reopened store reads the same.
        let s = Store::open(&dir.path().join("v5.db")).expect("reopen");
        assert!(!s.is_bookmarked("X", "q2").expect("read"));
        assert_eq!(s.bookmarks("X").expect("list"), vec![("q1".to_string(), t(10))]);
        assert_eq!(s.bookmarks("Y").expect("list").len(), 1);
    }

    #[test]
    fn notes_are_trimmed_replaced_and_deleted_when_empty() {
        let (dir, s) = file_store();
        assert_eq!(s.note("X", "q1").expect("read"), None);
        s.set_note("X", "q1", "  check the SCP first \n", t(1)).expect("set");
        s.set_note("X", "q2", "second", t(2)).expect("set");
        assert_eq!(s.note("X", "q1").expect("read").as_deref(), Some("check the SCP first"));
        s.set_note("X", "q1", "then the bucket policy — \"aws:SourceVpce\" ✓", t(3))
            .expect("replace");
        let notes = s.notes("X").expect("list");
        assert_eq!(
            notes,
            vec![
                NoteRow {
                    question_id: "q2".into(),
                    text: "second".into(),
                    updated_at: t(2)
                },
                NoteRow {
                    question_id: "q1".into(),
                    text: "then the bucket policy — \"aws:SourceVpce\" ✓".into(),
                    updated_at: t(3)
                },
            ]
        );
        s.set_note("X", "q2", " \t\n ", t(4)).expect("blank deletes");
        s.set_note("X", "none", "", t(4)).expect("deleting nothing is fine");
        drop(s);
        let s = Store::open(&dir.path().join("v5.db")).expect("reopen");
        assert_eq!(s.note("X", "q2").expect("read"), None);
        assert_eq!(s.notes("X").expect("list").len(), 1);
        assert!(s.notes("Y").expect("other exam").is_empty());
    }

    #[test]
    fn exam_item_time_adds_up_ignores_non_positive_and_saturates() {
        let (_dir, mut s) = file_store();
        let item = |position: usize, time_ms: i64| ExamItemRow {
            position,
            question_id: format!("q{position}"),
            domain: "1".into(),
            skill: "1.1.1".into(),
            scored: true,
            option_order: vec![0, 1, 2, 3],
            chosen: Vec::new(),
            flagged: false,
            correct: None,
            time_ms,
        };
        let id = s
            .create_exam("X", 1, t(0), Some(7_800_000), &[item(0, 0), item(1, 0), item(2, -5)])
            .expect("exam");
        s.add_exam_item_time(id, 0, 40_000).expect("first visit");
        s.add_exam_item_time(id, 0, 25_000).expect("second visit");
        s.add_exam_item_time(id, 1, 0).expect("zero is ignored");
        s.add_exam_item_time(id, 1, -9_000).expect("negative is ignored");
        s.add_exam_item_time(id, 2, i64::MAX).expect("huge");
        s.add_exam_item_time(id, 2, i64::MAX).expect("saturates");
        s.add_exam_item_time(id, 99, 1_000).expect("unknown item: nothing");
        s.add_exam_item_time(id + 1, 0, 1_000).expect("unknown exam: nothing");
        s.add_exam_item_time(id, usize::MAX, 1_000)
            .expect("absurd position: nothing");
        let times: Vec<i64> = s.exam_items(id).expect("items").iter().map(|i| i.time_ms).collect();
        assert_eq!(times, vec![65_000, 0, i64::MAX]);
    }

    #[test]
    fn an_answer_keeps_its_card_phase_through_rerate_and_undo() {
        let (_dir, mut s) = file_store();
        let sched = crate::srs::Scheduler::default_params();
        let new = Card::new("q1", t(0));
        let after = sched.answer(&new, Rating::Good, t(0));
        let first = s
            .record_answer("X", &row("q1", "1.1.1", t(0), Mode::Practice, Some(new.phase)), &after)
            .expect("save");
        let again = sched.answer(&after, Rating::Good, t(20));
        let second = s
            .record_answer("X", &row("q1", "1.1.1", t(20), Mode::Review, Some(after.phase)), &again)
            .expect("save");
        let phases: Vec<Option<CardPhase>> = s.reviews("X").expect("rows").iter().map(|r| r.phase).collect();
        assert_eq!(phases, vec![Some(CardPhase::New), Some(after.phase)]);
        // Rerating changes the rating, not the phase the card had before the answer.
        let easy = sched.answer(&after, Rating::Easy, t(20));
        s.rerate("X", second, Rating::Easy, &easy).expect("rerate");
        let rows = s.reviews("X").expect("rows");
        assert_eq!((rows[1].rating, rows[1].phase), (Rating::Easy, Some(after.phase)));
        s.undo_answer("X", second, &after).expect("undo");
        s.undo_answer("X", first, &new).expect("undo");
        assert!(s.reviews("X").expect("rows").is_empty());
        assert_eq!(s.card("X", "q1").expect("card"), None);
        assert_eq!(s.count_reviews("X").expect("totals"), 0);
    }

    #[test]
    fn median_time_per_domain_reads_the_latest_timed_answers_of_each_domain() {
        let (_dir, mut s) = file_store();
        let mut rows = Vec::new();
        // Domain 1: 600 answers over three skills, times 1..=600 s, the oldest first; the
        // latest 500 are 101..=600 s (median of an even count: 350.5 s, rounded down).
        for i in 1..=600i64 {
            let mut r = row("a", &format!("1.{}.1", i % 3 + 1), t(i), Mode::Practice, None);
            r.elapsed_ms = i * 1000;
            rows.push(r);
        }
        // Untimed answers (old exam answers) are left out, however recent.
        for i in 0..50 {
            let mut r = row("a", "1.1.1", t(10_000 + i), Mode::Exam, None);
            r.elapsed_ms = 0;
            rows.push(r);
        }
        // Domain 2: three answers, exam ones included: 30, 90, 60 s.
        for (i, (ms, mode)) in [(30_000, Mode::Exam), (90_000, Mode::Review), (60_000, Mode::Drill)]
            .iter()
            .enumerate()
        {
            let mut r = row("b", "2.4.1", t(i as i64), *mode, None);
            r.elapsed_ms = *ms;
            rows.push(r);
        }
        // Domain 10 is not domain 1; a skill id without a dot is its own domain.
        let mut r = row("c", "10.1.1", t(1), Mode::Practice, None);
        r.elapsed_ms = 7_000;
        rows.push(r);
        let mut r = row("d", "odd", t(1), Mode::Practice, None);
        r.elapsed_ms = 5_000;
        rows.push(r);
        // Another exam's answers do not count.
        s.bulk_insert("Y", &rows[..10], &[]).expect("other exam");
        s.bulk_insert("X", &rows, &[]).expect("insert");
        assert_eq!(
            s.median_ms_by_domain("X").expect("medians"),
            vec![
                ("1".to_string(), 350_500, 500),
                ("10".to_string(), 7_000, 1),
                ("2".to_string(), 60_000, 3),
                ("odd".to_string(), 5_000, 1),
            ]
        );
        assert_eq!(
            s.median_ms_by_domain("Y").expect("medians"),
            vec![("1".to_string(), 5_500, 10)]
        );
        assert!(s.median_ms_by_domain("Z").expect("none").is_empty());
        // The overall median counts exam answers too now that they are timed.
        assert_eq!(s.median_answer_ms("Y").expect("median"), Some(5_500));
    }

    #[test]
    fn true_retention_counts_due_reviews_only_since_the_window() {
        let (_dir, mut s) = file_store();
        let mut rows = Vec::new();
        let due = |at: DateTime<Utc>, correct: bool| {
            let mut r = row("q", "1.1.1", at, Mode::Review, Some(CardPhase::Review));
            r.correct = correct;
            r
        };
        // In the window: 4 due reviews, 3 right.
        rows.extend([
            due(t(100), true),
            due(t(101), true),
            due(t(102), false),
            due(t(103), true),
        ]);
        // Before the window: not counted.
        rows.push(due(t(10), true));
        // Not due reviews: new cards, learning steps, lapses relearning, other modes, no phase.
        rows.push(row("q", "1.1.1", t(100), Mode::Review, Some(CardPhase::New)));
        rows.push(row("q", "1.1.1", t(100), Mode::Review, Some(CardPhase::Learning)));
        rows.push(row("q", "1.1.1", t(100), Mode::Review, Some(CardPhase::Relearning)));
        rows.push(row("q", "1.1.1", t(100), Mode::Practice, Some(CardPhase::Review)));
        rows.push(row("q", "1.1.1", t(100), Mode::Drill, Some(CardPhase::Review)));
        rows.push(row("q", "1.1.1", t(100), Mode::Exam, Some(CardPhase::Review)));
        rows.push(row("q", "1.1.1", t(100), Mode::Review, None));
        s.bulk_insert("X", &rows, &[]).expect("insert");
        s.bulk_insert("Y", &rows[..2], &[]).expect("other exam");
        assert_eq!(s.true_retention("X", t(50)).expect("retention"), (4, 3));
        assert_eq!(s.true_retention("X", t(0)).expect("retention"), (5, 4));
        assert_eq!(s.true_retention("X", t(103)).expect("retention"), (1, 1));
        assert_eq!(s.true_retention("X", t(104)).expect("retention"), (0, 0));
        assert_eq!(s.true_retention("Y", t(0)).expect("retention"), (2, 2));
    }

    /// The two reads of schema 5 go through their indexes and never visit the review rows:
    /// they stay fast at a million reviews.
    #[test]
    fn the_new_reads_use_their_covering_indexes() {
        let (_dir, s) = file_store();
        let plan = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> String {
            let mut st = s.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
            let rows = st.query_map(p, |r| r.get::<_, String>(3)).expect("plan");
            rows.collect::<rusqlite::Result<Vec<_>>>().expect("rows").join("; ")
        };
        let p = plan(&domain_times_sql(), params!["X", "1", 500]);
        assert!(p.contains("USING COVERING INDEX reviews_by_domain_time"), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "no sort: {p}");
        let p = plan(TRUE_RETENTION_SQL, params!["X", 0]);
        assert!(p.contains("USING COVERING INDEX reviews_due_by_time"), "{p}");
    }

    #[test]
    fn median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median(&mut [i64::MAX, i64::MAX]), Some(i64::MAX));
    }
}
