//! The development-only commands, hidden from `--help` (their clap definitions stay in
//! [`crate::cli`]): `dev-generate` (a simulated learner's history), `dev-generate-bank` (a
//! synthetic bank, for benchmarks) and `dev-answer-loop` (answers through the TUI's own
//! effects, for the crash tests). Benchmarks and tests call [`generate_history`] directly.
//!
//! One development hook is not here: `CLOUDPREP_DEV_PANIC_AFTER_MS`, a deliberate panic inside
//! the TUI's event loop (`tui::run`) to test that the terminal is restored, lives in that loop.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use rand::{RngExt, SeedableRng};

use crate::cli::Global;
use crate::error::{Error, Result};
use crate::model::{Mode, Pack};
use crate::srs::Rating;
use crate::store::Store;
use crate::tui::Shell;
use crate::tui::app::{AnswerRecord, App, Effect, ExamOptions, Screen};
use crate::{commands, content};

/// `cloudprep dev-generate`: fills the database with a simulated learner's history.
pub(crate) fn generate_command(
    g: &Global,
    reviews: u64,
    days: u32,
    exams: u32,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<i32> {
    let pack = commands::load_pack(g)?;
    let mut store = commands::open_store(g)?;
    crate::emit(&generate_history(&mut store, &pack, reviews, days, exams, seed, now)?)?;
    Ok(0)
}

/// `cloudprep dev-generate-bank`: writes a synthetic bank of `questions` questions under `out`.
pub(crate) fn generate_bank_command(g: &Global, questions: usize, out: &Path) -> Result<i32> {
    let pack = commands::load_pack(g)?;
    crate::emit(&content::write_synthetic_bank(&pack, questions, out)?)?;
    Ok(0)
}

/// `cloudprep dev-answer-loop`: opens the study shell as the TUI does, then [`answer_loop`].
pub(crate) fn answer_loop_command(g: &Global, answers: u64, pause_ms: u64) -> Result<i32> {
    let (mut sh, _) = crate::shell(g)?;
    answer_loop(&mut sh, answers, pause_ms)?;
    Ok(0)
}

/// `cloudprep dev-generate`: a simulated learner's history, for demos, tests and benchmarks.
/// Each domain gets a true accuracy between 0.55 and 0.9; answers are spread over `days` days
/// ending at `now`, scheduled with FSRS; `exams` mock exams are drawn and answered the same way.
pub fn generate_history(
    store: &mut Store,
    pack: &Pack,
    reviews: u64,
    days: u32,
    exams: u32,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<String> {
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    let sched = crate::srs::Scheduler::default_params();
    let code = pack.exam.code.clone();
    if pack.questions.is_empty() {
        return Err(Error::Usage(
            "the pack has no questions to generate a history for".into(),
        ));
    }
    let acc: HashMap<String, f64> = pack
        .exam
        .domains
        .iter()
        .map(|d| (d.id.clone(), rng.random_range(0.55..0.9)))
        .collect();
    let start = now - chrono::Duration::days(i64::from(days.max(1)));
    let span_ms = (now - start).num_milliseconds().max(1);
    let mut times: Vec<i64> = (0..reviews).map(|_| rng.random_range(0..span_ms)).collect();
    times.sort_unstable();
    let mut cards: HashMap<String, crate::srs::Card> = HashMap::new();
    let mut batch = Vec::with_capacity(10_000);
    for t in times {
        let at = start + chrono::Duration::milliseconds(t);
        let q = &pack.questions[rng.random_range(0..pack.questions.len())];
        let p = acc.get(q.domain_id()).copied().unwrap_or(0.7);
        let correct = rng.random_bool(p);
        let rating = Rating::auto(correct);
        let before = cards
            .get(&q.id)
            .cloned()
            .unwrap_or_else(|| crate::srs::Card::new(&q.id, at));
        cards.insert(q.id.clone(), sched.answer(&before, rating, at));
        let chosen = if correct {
            q.correct_set()
        } else {
            vec![(q.correct_set()[0] + 1) % q.options.len()]
        };
        batch.push(crate::store::ReviewRow {
            question_id: q.id.clone(),
            skill: q.skill.clone(),
            difficulty: q.difficulty,
            reviewed_at: at,
            rating,
            correct,
            mode: [Mode::Practice, Mode::Review, Mode::Drill][rng.random_range(0..3)],
            elapsed_ms: rng.random_range(15_000..150_000),
            chosen,
            exam_id: None,
            phase: Some(before.phase),
        });
        if batch.len() == 10_000 {
            store.bulk_insert(&code, &batch, &[])?;
            batch.clear();
        }
    }
    let all: Vec<crate::srs::Card> = cards.into_values().collect();
    store.bulk_insert(&code, &batch, &all)?;
    for k in 0..exams {
        let started = start + chrono::Duration::milliseconds(span_ms * i64::from(k + 1) / i64::from(exams + 1));
        let draw = crate::mock::assemble(pack, seed.wrapping_add(u64::from(k)), &Default::default());
        let rows: Vec<crate::store::ExamItemRow> = draw
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| crate::store::ExamItemRow {
                position: i,
                question_id: it.question_id.clone(),
                domain: it.domain.clone(),
                skill: it.skill.clone(),
                scored: it.scored,
                option_order: it.option_order.clone(),
                chosen: Vec::new(),
                flagged: false,
                correct: None,
                time_ms: 0,
            })
            .collect();
        let limit = crate::mock::time_limit_ms(&pack.exam.format, 0, false);
        let id = store.create_exam(&code, k as i64, started, limit, &rows)?;
        let mut chosen_all = Vec::new();
        for r in &rows {
            let Some(q) = pack.question(&r.question_id) else {
                continue;
            };
            let p = acc.get(&r.domain).copied().unwrap_or(0.7);
            let chosen = if rng.random_bool(p) {
                q.correct_set()
            } else {
                vec![(q.correct_set()[0] + 1) % q.options.len()]
            };
            store.save_exam_answer(id, r.position, &chosen, started)?;
            chosen_all.push(chosen);
        }
        let answers: Vec<crate::mock::ItemAnswer> = rows
            .iter()
            .zip(chosen_all.iter())
            .map(|(r, c)| crate::mock::ItemAnswer {
                question_id: &r.question_id,
                domain: &r.domain,
                scored: r.scored,
                chosen: c,
            })
            .collect();
        let rep = crate::mock::score(pack, &answers);
        let correct: Vec<(usize, bool)> = rows
            .iter()
            .map(|r| r.position)
            .zip(rep.item_correct.iter().copied())
            .collect();
        let used = rng.random_range(70..125) * 60_000;
        store.finish_exam(
            &code,
            id,
            started + chrono::Duration::milliseconds(used),
            used,
            i64::from(rep.raw_correct),
            i64::from(rep.scored_total),
            i64::from(rep.scaled_score),
            rep.passed,
            false,
            &correct,
            &[],
        )?;
    }
    Ok(format!(
        "Generated {reviews} reviews over {days} days and {exams} mock exams in {}\n",
        store.path().display()
    ))
}

/// Answers questions through the same effects the TUI uses — review answers (log + card, one
/// transaction) and mock-exam answers (one small transaction each) — and prints an `ack` line
/// after each one is committed. Crash tests kill it at random moments and check that every
/// acknowledged answer is in the database.
pub fn answer_loop(shell: &mut Shell, answers: u64, pause_ms: u64) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let now = Utc::now();
    let mut app = App::new(shell.pack.clone(), now.timestamp_subsec_nanos() as u64, false);
    shell.run(
        &mut app,
        Effect::OpenExam(ExamOptions {
            resume: false,
            seed: Some(1),
            ..Default::default()
        }),
        now,
    )?;
    if let Screen::ResumePrompt(p) = &app.screen {
        shell.store.discard_exam(p.exam_id)?;
        shell.run(
            &mut app,
            Effect::OpenExam(ExamOptions {
                seed: Some(1),
                ..Default::default()
            }),
            now,
        )?;
    }
    shell.run(
        &mut app,
        Effect::CreateExam {
            seed: 1,
            untimed: false,
            extra_minutes: 0,
        },
        now,
    )?;
    let exam_id = match &app.screen {
        Screen::Exam(ex) => ex.exam_id,
        _ => return Err(Error::Internal("no exam could be started".into())),
    };
    let n_items = match &app.screen {
        Screen::Exam(ex) => ex.items.len().max(1),
        _ => 1,
    };
    let questions: Vec<(String, String, u8)> = shell
        .pack
        .questions
        .iter()
        .map(|q| (q.id.clone(), q.skill.clone(), q.difficulty))
        .collect();
    for i in 0..answers {
        let now = Utc::now();
        if i % 2 == 0 {
            let (id, skill, difficulty) = &questions[(i as usize / 2) % questions.len()];
            let rec = AnswerRecord {
                question_id: id.clone(),
                skill: skill.clone(),
                difficulty: *difficulty,
                mode: Mode::Review,
                chosen: vec![0],
                correct: i % 3 == 0,
                rating: Rating::auto(i % 3 == 0),
                at: now,
                elapsed_ms: 1000,
            };
            shell.run(&mut app, Effect::SaveAnswer(rec), now)?;
            writeln!(out, "ack review {}", i / 2 + 1)?;
        } else {
            let position = (i as usize / 2) % n_items;
            shell.run(
                &mut app,
                Effect::SaveExamAnswer {
                    exam_id,
                    position,
                    chosen: vec![(i as usize / 2) % 4],
                },
                now,
            )?;
            writeln!(out, "ack exam {exam_id} {position} {}", (i as usize / 2) % 4)?;
        }
        out.flush()?;
        if pause_ms > 0 {
            std::thread::sleep(StdDuration::from_millis(pause_ms));
        }
    }
    Ok(())
}
