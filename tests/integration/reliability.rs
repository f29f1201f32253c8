//! The hardening promises, proved against the real binary:
//! - crash safety: SIGKILL at random moments never loses an acknowledged answer, never leaves
//!   half a transaction behind and never corrupts the database;
//! - concurrency: `stats` and `export` read while another process writes, and a database held
//!   by another writer waits briefly, then fails with one clear "busy" line;
//! - upgrades: a database of every schema version opens with every row intact, and read-only
//!   places are one-line errors that change nothing;
//! - SIGHUP, and a terminal that goes away, end the app and give the terminal back.
//!
//! `CLOUDPREP_KILL_LOOPS=N` runs N kills instead of 50, `CLOUDPREP_KILL_SEED=S` repeats a run's
//! choice of moments (the seed is printed; the timing itself cannot be replayed exactly).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cloudprep::srs::CardPhase;
use cloudprep::store::{BUSY_TIMEOUT_ENV, SCHEMA_VERSION, Store};
use rusqlite::Connection;

use crate::pty::{Pty, fixture_args};
use crate::util::{assert_no_panic, bin, fixtures, stderr, stdout};

const EXAM: &str = "SOA-C03";

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// A small deterministic generator (PCG-style LCG): the test needs no more.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number from `lo` to `hi`, both included.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

// ----- the answer loop and its acknowledgements -----

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ack {
    /// `ack review N`: the N-th review answer of this run is committed.
    Review(u64),
    /// `ack exam ID POS CHOICE`: the answer CHOICE at position POS of exam ID is committed.
    Exam { id: i64, position: usize, choice: usize },
}

fn parse_ack(line: &str) -> Option<Ack> {
    let w: Vec<&str> = line.split_whitespace().collect();
    match w.as_slice() {
        ["ack", "review", n] => n.parse().ok().map(Ack::Review),
        ["ack", "exam", id, pos, choice] => Some(Ack::Exam {
            id: id.parse().ok()?,
            position: pos.parse().ok()?,
            choice: choice.parse().ok()?,
        }),
        _ => None,
    }
}

/// A running `dev-answer-loop` whose standard output is read line by line on a thread.
struct AnswerLoop {
    child: Child,
    lines: mpsc::Receiver<String>,
    reader: Option<JoinHandle<()>>,
    /// Acknowledgements read so far (the reader thread counts them).
    acks: Arc<AtomicU64>,
}

impl AnswerLoop {
    fn spawn(db: &Path, answers: u64, pause_ms: u64) -> AnswerLoop {
        let mut child = bin()
            .args(["--db", arg(db), "dev-answer-loop", "--answers"])
            .arg(answers.to_string())
            .arg("--pause-ms")
            .arg(pause_ms.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let out = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        let acks = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&acks);
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(out);
            loop {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        // A line cut short cannot happen (one short write per line into a
                        // pipe is atomic); keep only whole lines all the same.
                        if line.ends_with('\n') {
                            counter.fetch_add(1, Ordering::SeqCst);
                            if tx.send(line.trim_end().to_string()).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        AnswerLoop {
            child,
            lines,
            reader: Some(reader),
            acks,
        }
    }

    /// Waits for the next line up to `deadline`.
    fn next_line(&self, deadline: Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.lines.recv_timeout(left).ok()
    }

    /// SIGKILLs the process and returns every line it wrote, and its standard error. Panics if
    /// it had already ended by itself (an error before the kill).
    fn kill(mut self, mut seen: Vec<String>) -> (Vec<String>, String) {
        use std::os::unix::process::ExitStatusExt;
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().expect("wait");
        if let Some(r) = self.reader.take() {
            r.join().expect("reader thread");
        }
        seen.extend(self.lines.try_iter());
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        assert_eq!(
            status.signal(),
            Some(9),
            "the answer loop ended before it was killed ({status}); stderr:\n{err}"
        );
        (seen, err)
    }
}

impl Drop for AnswerLoop {
    fn drop(&mut self) {
        // Only on a failed assertion: do not leave the process running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every row of `PRAGMA integrity_check` (just "ok" when the file is sound), plus any
/// foreign-key violation.
fn integrity(db: &Path) -> Vec<String> {
    let c = Connection::open(db).expect("open for the check");
    let mut out: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .expect("prepare")
        .query_map([], |r| r.get::<_, String>(0))
        .expect("integrity_check")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let fk: i64 = c
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .expect("foreign_key_check");
    if fk != 0 {
        out.push(format!("{fk} foreign-key violations"));
    }
    out
}

/// Checks the database after the run that wrote `lines` was killed; `reviews_before` is the
/// number of reviews before that run. Returns the number of reviews now.
fn check_after_kill(db: &Path, lines: &[String], reviews_before: i64, ctx: &str) -> i64 {
    let acks: Vec<Ack> = lines
        .iter()
        .map(|l| parse_ack(l).unwrap_or_else(|| panic!("{ctx}: not an ack line: {l:?}")))
        .collect();
    // The loop alternates: review 1, exam answer 0, review 2, exam answer 1, and so on; the
    // "committed but not acknowledged" cases below rely on it.
    for (i, a) in acks.iter().enumerate() {
        let in_order = match a {
            Ack::Review(n) => i % 2 == 0 && *n == i as u64 / 2 + 1,
            Ack::Exam { .. } => i % 2 == 1,
        };
        assert!(in_order, "{ctx}: ack {i} out of order: {a:?}");
    }

    let check = integrity(db);
    assert_eq!(check, vec!["ok".to_string()], "{ctx}: the database is damaged");

    // Opening it the way the app does (recovering the WAL) works.
    let store = Store::open(db).unwrap_or_else(|e| panic!("{ctx}: the app cannot open it: {e}"));
    assert_eq!(store.user_version().expect("version"), SCHEMA_VERSION, "{ctx}");
    assert!(store.integrity_ok().expect("integrity"), "{ctx}");

    // Review answers: every acknowledged one is there; at most one more (committed, killed
    // before its ack), and only if a review answer was the next thing to write.
    let last_review = acks
        .iter()
        .filter_map(|a| match a {
            Ack::Review(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let reviews_now = store.count_reviews(EXAM).expect("count");
    let added = reviews_now - reviews_before;
    let next_is_review = !matches!(acks.last(), Some(Ack::Review(_)));
    let allowed_extra = i64::from(next_is_review);
    assert!(
        added >= last_review as i64 && added <= last_review as i64 + allowed_extra,
        "{ctx}: {last_review} review answers acknowledged, {added} in the database (before the run \
         {reviews_before}, now {reviews_now})"
    );

    // The log and the card move together: each card's repetitions equal its logged answers.
    let c = Connection::open(db).expect("open");
    let mismatched: Vec<(String, i64, i64)> = c
        .prepare(
            "SELECT c.question_id, c.reps, (SELECT COUNT(*) FROM reviews r WHERE r.exam = c.exam
               AND r.question_id = c.question_id) AS n FROM cards c WHERE c.reps != n
             UNION ALL
             SELECT r.question_id, 0, COUNT(*) FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM cards c
               WHERE c.exam = r.exam AND c.question_id = r.question_id) GROUP BY r.question_id",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(
        mismatched.is_empty(),
        "{ctx}: cards out of step with the review log (question, reps, answers): {mismatched:?}"
    );

    // Exams: created in one transaction (all items or none), never two unfinished at once.
    let sizes: Vec<(i64, i64)> = c
        .prepare("SELECT e.id, COUNT(i.position) FROM exams e LEFT JOIN exam_items i ON i.exam_id = e.id GROUP BY e.id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(
        sizes.iter().all(|(_, n)| *n == 65),
        "{ctx}: exams with missing items: {sizes:?}"
    );
    let unfinished: i64 = c
        .query_row("SELECT COUNT(*) FROM exams WHERE finished_at IS NULL", [], |r| r.get(0))
        .expect("count");
    assert!(unfinished <= 1, "{ctx}: {unfinished} unfinished exams");

    // Exam answers: the run's exam holds, at every position, the last acknowledged choice —
    // or the one answer that may have been committed without its ack.
    let exam_ids: Vec<i64> = acks
        .iter()
        .filter_map(|a| match a {
            Ack::Exam { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let exam_id = match exam_ids.first() {
        Some(id) => {
            assert!(
                exam_ids.iter().all(|i| i == id),
                "{ctx}: acks name two exams: {exam_ids:?}"
            );
            Some(*id)
        }
        // With any ack, this run's exam exists (it is created before the first answer).
        None if !acks.is_empty() => Some(
            store
                .exam_in_progress(EXAM)
                .expect("exam in progress")
                .unwrap_or_else(|| panic!("{ctx}: answers acknowledged but no exam in progress"))
                .id,
        ),
        None => None,
    };
    if let Some(exam_id) = exam_id {
        let in_progress = store.exam_in_progress(EXAM).expect("exam in progress").map(|e| e.id);
        assert_eq!(
            in_progress,
            Some(exam_id),
            "{ctx}: the run's exam is not the unfinished one"
        );
        let items = store.exam_items(exam_id).expect("items");
        let n = items.len();
        assert_eq!(n, 65, "{ctx}");
        let mut last: HashMap<usize, usize> = HashMap::new();
        let mut k = 0usize;
        for a in &acks {
            if let Ack::Exam { position, choice, .. } = *a {
                // The loop's k-th exam answer is choice k % 4 at position k % items.
                assert_eq!((position, choice), (k % n, k % 4), "{ctx}: unexpected ack order");
                last.insert(position, choice);
                k += 1;
            }
        }
        // After `ack review N` the next write is exam answer N-1.
        let unacked = match acks.last() {
            Some(Ack::Review(r)) => {
                let k = (*r - 1) as usize;
                Some((k % n, k % 4))
            }
            _ => None,
        };
        for it in &items {
            let acked = last.get(&it.position).map(|c| vec![*c]).unwrap_or_default();
            let ok = it.chosen == acked || unacked.is_some_and(|(p, c)| p == it.position && it.chosen == vec![c]);
            assert!(
                ok,
                "{ctx}: exam {exam_id} position {}: stored {:?}, last acknowledged {:?}, possibly \
                 committed without ack {:?}",
                it.position, it.chosen, acked, unacked
            );
        }
    }
    reviews_now
}

/// How the run is ended.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// So many milliseconds after the start (often still opening the database or the exam).
    AfterStart(u64),
    /// Right after the N-th ack has been read.
    RightAfterAck(u64),
    /// So many milliseconds after the first ack (in the middle of answering).
    AfterFirstAck(u64),
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_answer() {
    let loops = env_u64("CLOUDPREP_KILL_LOOPS").unwrap_or(50).max(1);
    // Bounded in time as well: a safety net well above the expected ~10 s for 50.
    let budget = Duration::from_secs(40.max(loops));
    let seed = env_u64("CLOUDPREP_KILL_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    let mut rng = Lcg(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("crash.db");
    let started = Instant::now();
    let mut reviews = 0i64;
    let mut kills = 0u64;
    let mut acks_total = 0usize;
    let mut before_first_ack = 0u64;
    let mut max_acks = 0usize;
    while kills < loops && started.elapsed() < budget {
        let moment = match rng.range(0, 2) {
            0 => Moment::AfterStart(rng.range(5, 150)),
            1 => Moment::RightAfterAck(rng.range(1, 60)),
            _ => Moment::AfterFirstAck(rng.range(0, 60)),
        };
        let ctx = format!("kill {} (seed {seed}, {moment:?})", kills + 1);
        let run = AnswerLoop::spawn(&db, 100_000, 0);
        let spawned = Instant::now();
        let mut lines = Vec::new();
        // Never wait for an ack forever: a stuck run fails below with what it printed.
        let wait_limit = spawned + Duration::from_secs(15);
        match moment {
            Moment::AfterStart(ms) => std::thread::sleep(Duration::from_millis(ms)),
            Moment::RightAfterAck(n) => {
                while (lines.len() as u64) < n {
                    match run.next_line(wait_limit) {
                        Some(l) => lines.push(l),
                        None => break,
                    }
                }
            }
            Moment::AfterFirstAck(ms) => {
                if let Some(l) = run.next_line(wait_limit) {
                    lines.push(l);
                }
                std::thread::sleep(Duration::from_millis(ms));
            }
        }
        if !matches!(moment, Moment::AfterStart(_)) {
            assert!(!lines.is_empty(), "{ctx}: no ack within 15 s");
        }
        let (lines, err) = run.kill(lines);
        assert!(!err.contains("panicked") && !err.contains("malformed"), "{ctx}: {err}");
        kills += 1;
        acks_total += lines.len();
        max_acks = max_acks.max(lines.len());
        if lines.is_empty() {
            before_first_ack += 1;
        }
        reviews = check_after_kill(&db, &lines, reviews, &ctx);
    }
    eprintln!(
        "crash test: {kills} SIGKILLs in {:.1} s (seed {seed}): {acks_total} acks checked, \
         {before_first_ack} kills before the first ack, at most {max_acks} acks in one run, \
         {reviews} reviews in the end",
        started.elapsed().as_secs_f64()
    );
    assert!(
        kills >= loops.min(50),
        "only {kills} kills within {budget:?} (seed {seed})"
    );
    // The kills did land in the middle of answering, not only at start-up.
    assert!(acks_total > 0 && kills > before_first_ack, "no kill came after an ack");
}

// ----- concurrency -----

/// A reader run next to a writer: exit 0 with JSON, or exit 1 with one clear "busy" line.
fn reader_result(o: &Output, what: &str) -> Option<serde_json::Value> {
    assert_no_panic(o);
    let err = stderr(o);
    assert!(!err.contains("malformed"), "{what}: {err}");
    match o.status.code() {
        Some(0) => Some(
            serde_json::from_str(&stdout(o))
                .unwrap_or_else(|e| panic!("{what}: exit 0 but not JSON ({e}); stderr: {err}")),
        ),
        Some(1) => {
            assert_eq!(err.trim_end().lines().count(), 1, "{what}: {err}");
            assert!(err.contains("busy"), "{what}: exit 1 without the busy line: {err}");
            None
        }
        c => panic!("{what}: exit {c:?}; stderr: {err}"),
    }
}

#[test]
fn stats_and_export_read_while_another_process_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("shared.db");
    let writer = AnswerLoop::spawn(&db, 100_000, 2);
    let first = writer.next_line(Instant::now() + Duration::from_secs(15));
    assert_eq!(first.as_deref(), Some("ack review 1"), "the writer did not start");
    let acks_at_start = writer.acks.load(Ordering::SeqCst);
    let mut last_reviews = 0i64;
    let mut busy = 0;
    for round in 0..20 {
        let spawn = |args: &[&str]| {
            bin()
                .args(["--db", arg(&db)])
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary starts")
        };
        // Both readers at once, next to the writer: three processes on one file.
        let stats = spawn(&["stats", "--json"]);
        let export = spawn(&["export", "--format", "json"]);
        let stats = stats.wait_with_output().expect("stats");
        let export = export.wait_with_output().expect("export");
        match reader_result(&stats, &format!("stats, round {round}")) {
            Some(v) => {
                let n = v["reviews"].as_i64().expect("reviews is a number");
                assert!(n >= last_reviews, "stats went back from {last_reviews} to {n} reviews");
                last_reviews = n;
            }
            None => busy += 1,
        }
        match reader_result(&export, &format!("export, round {round}")) {
            Some(v) => {
                assert_eq!(v["exam"], EXAM);
                assert!(
                    v["reviews"].is_array() && v["cards"].is_array() && v["exams"].is_array(),
                    "{v}"
                );
            }
            None => busy += 1,
        }
    }
    let acks_at_end = writer.acks.load(Ordering::SeqCst);
    assert!(
        acks_at_end > acks_at_start,
        "the writer made no progress while the readers ran ({acks_at_start} -> {acks_at_end} acks)"
    );
    assert!(last_reviews > 0, "the readers never saw the writer's answers");
    // The writer is still going (`kill` checks that it had not ended): the readers never made
    // it fail, and every answer it acknowledged is there.
    let (lines, err) = writer.kill(first.into_iter().collect());
    assert!(!err.contains("busy") && !err.contains("panicked"), "{err}");
    assert_eq!(integrity(&db), vec!["ok".to_string()]);
    let acked = lines
        .iter()
        .filter_map(|l| match parse_ack(l) {
            Some(Ack::Review(n)) => Some(n as i64),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let store = Store::open(&db).expect("open");
    let stored = store.count_reviews(EXAM).expect("count");
    assert!(
        stored >= acked && stored >= last_reviews,
        "{stored} reviews stored, {acked} acknowledged, {last_reviews} seen by stats"
    );
    eprintln!(
        "concurrency: 40 reader runs ({busy} busy) while the writer acknowledged {} answers",
        acks_at_end - acks_at_start
    );
}

#[test]
fn a_busy_database_waits_for_the_busy_timeout_then_fails_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("busy.db");
    drop(Store::open(&db).expect("create"));
    let holder = Connection::open(&db).expect("open");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    // A row that the failed run must not see or lose.
    holder
        .execute("INSERT INTO settings (key, value) VALUES ('held', 'yes')", [])
        .expect("insert");

    let timeout_ms = 300u64;
    let t = Instant::now();
    let o = bin()
        .env(BUSY_TIMEOUT_ENV, timeout_ms.to_string())
        .args(["--db", arg(&db), "dev-answer-loop", "--answers", "1"])
        .output()
        .expect("runs");
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("busy") && err.contains("try again"), "{err}");
    assert!(
        !stdout(&o).contains("ack"),
        "an answer was acknowledged: {}",
        stdout(&o)
    );
    assert!(
        took >= Duration::from_millis(timeout_ms),
        "failed after {took:?}, before the timeout"
    );
    // The override is honoured: far below the 5 s default.
    assert!(took < Duration::from_millis(4_000), "took {took:?}");

    // Readers are not blocked by the writer (WAL).
    let o = bin()
        .env(BUSY_TIMEOUT_ENV, timeout_ms.to_string())
        .args(["--db", arg(&db), "stats", "--json"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["reviews"], 0);

    // Held a little while only, the lock is waited for: the write goes through.
    let waiting = bin()
        .env(BUSY_TIMEOUT_ENV, "10000")
        .args(["--db", arg(&db), "dev-answer-loop", "--answers", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    std::thread::sleep(Duration::from_millis(500));
    holder.execute_batch("COMMIT").expect("release");
    let o = waiting.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "ack review 1");

    drop(holder);
    assert_eq!(integrity(&db), vec!["ok".to_string()]);
    let store = Store::open(&db).expect("open");
    assert_eq!(store.count_reviews(EXAM).expect("count"), 1);
    assert_eq!(store.setting("held").expect("setting").as_deref(), Some("yes"));
    // The failed run left no exam behind; the successful one left one.
    assert_eq!(store.exam_in_progress(EXAM).expect("exam").map(|e| e.id), Some(1));
}

// ----- upgrades -----

#[test]
fn every_schema_version_has_a_fixture_that_opens_with_its_rows_intact() {
    let migrations = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .expect("migrations folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .count() as i64;
    assert_eq!(
        migrations, SCHEMA_VERSION,
        "a migration file is not in store::MIGRATIONS"
    );
    for version in 1..=SCHEMA_VERSION {
        let fixture = fixtures().join(format!("db/v{version}.db"));
        assert!(
            fixture.exists(),
            "no fixture for schema version {version}: add tests/fixtures/db/make_v{version}.sh and its \
             v{version}.db (git add -f: *.db is ignored), and check its rows here"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join(format!("v{version}.db"));
        std::fs::copy(&fixture, &db).expect("copy");
        let raw: i64 = Connection::open(&db)
            .expect("open")
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version");
        assert_eq!(raw, version, "{} is not at version {version}", fixture.display());

        let store = Store::open(&db).unwrap_or_else(|e| panic!("v{version}: {e}"));
        assert_eq!(store.user_version().expect("version"), SCHEMA_VERSION, "v{version}");
        assert!(store.integrity_ok().expect("integrity"), "v{version}");
        match version {
            1 => {
                check_v5_defaults(&store, "v1");
                check_v1_rows(&store, &db, "v1");
            }
            // Version 2 holds v1's rows with its running totals already kept.
            2 => {
                check_v5_defaults(&store, "v2");
                check_v1_rows(&store, &db, "v2");
            }
            // Version 3 only changes two indexes: the same rows, read through them.
            3 => {
                check_v5_defaults(&store, "v3");
                check_v1_rows(&store, &db, "v3");
            }
            // Version 4 adds the report's option order and choice: empty for old reports.
            4 => {
                check_v5_defaults(&store, "v4");
                check_v1_rows(&store, &db, "v4");
                let r = store.reports(EXAM).expect("reports");
                assert!(r[0].shown_order.is_empty() && r[0].chosen.is_empty());
            }
            // Version 5 adds bookmarks, notes, the time spent on exam items and the card phase
            // before each answer: the fixture has one of each, and they survive.
            5 => {
                assert_eq!(
                    store.bookmarks(EXAM).expect("bookmarks"),
                    vec![(
                        "d1-amp-eks-keep-promql-rules".to_string(),
                        cloudprep::store::from_ms(1_768_035_800_000)
                    )]
                );
                assert!(
                    store
                        .is_bookmarked(EXAM, "d1-amp-eks-keep-promql-rules")
                        .expect("bookmark")
                );
                let notes = store.notes(EXAM).expect("notes");
                assert_eq!(notes.len(), 1);
                assert_eq!(notes[0].question_id, "d1-cloudtrail-s3-object-deletes-missing");
                assert_eq!(notes[0].text, "Data events are off by default — \"S3 object-level\" ✓");
                assert_eq!(cloudprep::store::ms(notes[0].updated_at), 1_768_035_900_000);
                let times: Vec<i64> = store.exam_items(2).expect("items").iter().map(|i| i.time_ms).collect();
                assert_eq!(times, vec![95_000, 0, 0]);
                let phases: Vec<Option<CardPhase>> =
                    store.reviews(EXAM).expect("reviews").iter().map(|r| r.phase).collect();
                assert_eq!(phases, vec![None, None, None, None, Some(CardPhase::New)]);
                check_v1_rows(&store, &db, "v5");
            }
            // A new fixture comes with its own checks.
            v => panic!("no row checks for the v{v} fixture yet"),
        }
    }
}

/// What schema 5 adds, as a database from before it reads once migrated: no bookmarks or
/// notes, no time on exam items, no card phase on old answers (so no true retention), and the
/// answers' times still per domain.
fn check_v5_defaults(store: &Store, tag: &str) {
    assert!(store.bookmarks(EXAM).expect("bookmarks").is_empty(), "{tag}");
    assert!(store.notes(EXAM).expect("notes").is_empty(), "{tag}");
    for id in [1, 2] {
        let items = store.exam_items(id).expect("items");
        assert!(items.iter().all(|i| i.time_ms == 0), "{tag}: {items:?}");
    }
    let reviews = store.reviews(EXAM).expect("reviews");
    assert!(reviews.iter().all(|r| r.phase.is_none()), "{tag}");
    assert_eq!(
        store
            .true_retention(EXAM, cloudprep::store::from_ms(0))
            .expect("retention"),
        (0, 0),
        "{tag}"
    );
    // Reviews 1, 2 and 5 are timed (41 s, 65 s, 12 s; the exam answers are not): domain 1.
    assert_eq!(
        store.median_ms_by_domain(EXAM).expect("medians"),
        vec![("1".to_string(), 41_000, 3)],
        "{tag}"
    );
}

/// The rows that tests/fixtures/db/make_v1.sh writes, as the current build reads them.
fn check_v1_rows(store: &Store, db: &Path, tag: &str) {
    assert_eq!(store.setting("fixture").expect("setting").as_deref(), Some(tag));
    // The running totals of schema 2 (backfilled by the migration, or kept by v2) agree with
    // the log: 5 answers, all of skill 1.1.1.
    let by_skill = store.answers_by_skill(EXAM).expect("totals");
    assert_eq!(by_skill.iter().map(|t| t.1).sum::<i64>(), 5, "{tag}: {by_skill:?}");
    let params: Vec<f32> =
        serde_json::from_str(&store.setting("fsrs_params").expect("setting").expect("params")).expect("json");
    assert_eq!(params.len(), 21);

    let cards = store.cards(EXAM).expect("cards");
    assert_eq!(cards.len(), 3);
    let c = cards
        .iter()
        .find(|c| c.question_id == "d1-cloudtrail-s3-object-deletes-missing")
        .expect("card");
    assert_eq!(c.phase, CardPhase::Relearning);
    assert_eq!((c.reps, c.lapses, c.step), (4, 1, 0));
    assert_eq!(c.stability, Some(1.5));
    assert_eq!(c.difficulty, Some(7.0));
    assert_eq!(cloudprep::store::ms(c.due), 1_768_036_200_000);

    assert_eq!(store.count_reviews(EXAM).expect("count"), 5);
    let reviews = store.reviews(EXAM).expect("reviews");
    assert_eq!(reviews[0].elapsed_ms, 41_000);
    assert_eq!(reviews[2].mode, cloudprep::model::Mode::Exam);
    assert_eq!(reviews[2].exam_id, Some(1));
    assert_eq!(reviews[4].chosen, vec![0, 2]);
    assert_eq!(reviews[4].mode, cloudprep::model::Mode::Drill);
    assert_eq!(reviews[4].difficulty, 1);

    let done = store.finished_exams(EXAM).expect("exams");
    assert_eq!(done.len(), 1);
    assert_eq!(
        (done[0].id, done[0].scaled_score, done[0].raw_correct, done[0].passed),
        (1, Some(781), Some(38), Some(true))
    );
    let items = store.exam_items(1).expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].correct, Some(false));
    assert!(items[1].flagged && !items[1].scored);
    let open = store.exam_in_progress(EXAM).expect("exam").expect("in progress");
    assert_eq!((open.id, open.position, open.elapsed_ms, open.seed), (2, 2, 120_000, 7));
    let items = store.exam_items(2).expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].chosen, vec![0, 2]);
    assert_eq!(items[0].option_order, vec![3, 2, 1, 0]);
    assert!(items[0].flagged && items[2].flagged && !items[1].flagged);

    let reports = store.reports(EXAM).expect("reports");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].note, "Option C looks right too — \"ap-southeast-2\" ✓");

    // The binary reads it...
    let o = bin().args(["--db", arg(db), "stats", "--json"]).output().expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["reviews"], 5, "{v}");
    assert_eq!(v["exams"].as_array().map(|a| a.len()), Some(1), "{v}");
    assert_eq!(v["exams"][0]["scaled_score"], 781, "{v}");
    assert_eq!(v["exam_in_progress"]["answered"], 1, "{v}");
    assert_eq!(v["exam_in_progress"]["flagged"], 2, "{v}");
    // ...and writes to it, with the stored FSRS parameters.
    let o = bin()
        .args(["--db", arg(db), "dev-answer-loop", "--answers", "1"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(Store::open(db).expect("open").count_reviews(EXAM).expect("count"), 6);
    assert_eq!(integrity(db), vec!["ok".to_string()]);
}

// ----- read-only places -----

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

const NOBODY: u32 = 65534;

/// Restores write permission on drop so that the temporary folder can be removed.
struct Writable<'a>(&'a Path);

impl Drop for Writable<'_> {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(self.0, std::fs::Permissions::from_mode(0o755));
    }
}

fn one_line_error(o: &Output, needle: &str, what: &str) {
    assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(o));
    assert_no_panic(o);
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "{what}: {err}");
    assert!(err.contains(needle), "{what}: wanted {needle:?} in {err}");
}

#[test]
fn read_only_folder_and_file_are_clear_errors_that_change_nothing() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // Permission bits do not stop root; as root, run the app as an unprivileged user instead.
    let root = is_root();
    let run = |args: &[&str]| -> Output {
        let mut c = bin();
        if root {
            c.uid(NOBODY).gid(NOBODY);
        }
        c.args(args).output().expect("the binary runs")
    };
    if root {
        let probe = run(&["--version"]);
        if !probe.status.success() {
            eprintln!(
                "SKIPPED read-only checks: running as root and the binary cannot be run as uid {NOBODY}: {}",
                stderr(&probe)
            );
            return;
        }
        eprintln!("read-only checks: running as root, so the app runs as uid {NOBODY}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    let _restore = Writable(&ro);
    let db = ro.join("c.db");
    let o = bin()
        .args(["--db", arg(&db), "dev-answer-loop", "--answers", "3"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    if root {
        std::os::unix::fs::chown(&ro, Some(NOBODY), Some(NOBODY)).expect("chown");
        std::os::unix::fs::chown(&db, Some(NOBODY), Some(NOBODY)).expect("chown");
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let before = std::fs::read(&db).expect("read");
    let listing = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(listing(&ro), vec!["c.db"]);

    // A new database in a read-only folder, and a folder that cannot be created in it.
    let new = ro.join("new.db");
    one_line_error(
        &run(&["--db", arg(&new), "stats"]),
        "cannot open the database",
        "new database",
    );
    let sub = ro.join("sub/c.db");
    one_line_error(
        &run(&["--db", arg(&sub), "stats"]),
        "cannot create the database folder",
        "new folder",
    );

    // An existing database in a read-only folder (WAL needs its -wal and -shm files there).
    for args in [&["stats", "--json"][..], &["dev-answer-loop", "--answers", "1"][..]] {
        let mut all = vec!["--db", arg(&db)];
        all.extend_from_slice(args);
        one_line_error(&run(&all), "read-only", &format!("read-only folder, {args:?}"));
    }
    assert_eq!(listing(&ro), vec!["c.db"], "files appeared in the read-only folder");
    assert!(std::fs::read(&db).expect("read") == before, "the database changed");

    // A read-only database file in a writable folder: writing is refused with one line;
    // reading works (or is refused the same way).
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    one_line_error(
        &run(&["--db", arg(&db), "dev-answer-loop", "--answers", "1"]),
        "read-only",
        "read-only file, write",
    );
    let o = run(&["--db", arg(&db), "stats", "--json"]);
    if o.status.code() == Some(0) {
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        assert_eq!(v["reviews"], 2, "{v}");
    } else {
        one_line_error(&o, "read-only", "read-only file, read");
    }
    assert!(std::fs::read(&db).expect("read") == before, "the database changed");
}

// ----- signals -----

#[test]
fn sighup_restores_the_terminal_and_exits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("hup.db");
    let mut t = Pty::start(&fixture_args(&db, &[]));
    t.wait_for("Review due cards");
    assert!(t.alternate_on(), "the app is not on the alternate screen");
    t.signal(rustix::process::Signal::HUP);
    // It leaves as `q` does: exit 0, the terminal back on the normal screen.
    let exit = t.wait_exit();
    assert_eq!(exit.code, 0, "{exit:?} {}", t.screen());
    assert!(!t.alternate_on(), "the terminal was left on the alternate screen");
}

#[test]
fn a_terminal_that_goes_away_ends_the_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("gone.db");
    let mut t = Pty::start(&fixture_args(&db, &[]));
    t.wait_for("Review due cards");
    let pid = t.pid();
    // Closing the terminal: the kernel hangs up the tty and sends SIGHUP.
    t.hang_up();
    let proc = Path::new("/proc").join(pid.to_string());
    let start = Instant::now();
    loop {
        let stat = std::fs::read_to_string(proc.join("stat")).unwrap_or_default();
        // Gone, or a zombie waiting to be reaped: either way it ended.
        let state = stat.rsplit(')').next().and_then(|s| s.split_whitespace().next());
        if stat.is_empty() || state == Some("Z") {
            break;
        }
        if start.elapsed() > Duration::from_secs(10) {
            panic!("the app (pid {pid}) still runs 10 s after its terminal went away: {stat}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
