//! Content loading and validation, through the library and through `cloudprep validate`.

use std::collections::BTreeSet;

use cloudprep::content::{self, ContentSource};

use crate::util::{assert_no_panic, fixtures, run, stdout};

#[test]
fn shipped_content_loads_and_validates() {
    let loaded = content::load(&ContentSource::Embedded, "SOA-C03");
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    let pack = loaded.pack.expect("pack");
    assert_eq!(pack.exam.domains.len(), 5);
    assert_eq!(pack.exam.tasks().count(), 13);
    assert_eq!(pack.exam.skills().count(), 53);
    let weights: Vec<u32> = pack.exam.domains.iter().map(|d| d.weight).collect();
    assert_eq!(weights, vec![22, 22, 22, 16, 18]);
    let f = pack.exam.format;
    assert_eq!(
        (
            f.questions,
            f.scored,
            f.minutes,
            f.passing_score,
            f.score_min,
            f.score_max
        ),
        (65, 50, 130, 720, 100, 1000)
    );
    assert!(pack.questions.len() >= 25);
    for d in &pack.exam.domains {
        let n = pack.questions.iter().filter(|q| q.domain_id() == d.id).count();
        assert!(n >= 5, "domain {} has {n} questions", d.id);
    }
    assert!(
        pack.questions
            .iter()
            .any(|q| q.kind == cloudprep::model::Kind::Multiple)
    );
}

#[test]
fn exam_code_is_case_insensitive_and_unknown_code_is_an_error() {
    assert!(content::load(&ContentSource::Embedded, "soa-c03").ok());
    let l = content::load(&ContentSource::Embedded, "XYZ-C99");
    assert!(l.pack.is_none());
    assert!(
        l.errors[0].message.contains("no exam pack with code XYZ-C99"),
        "{:?}",
        l.errors
    );
}

/// Every invalid fixture fails with its own message, naming the file and the line.
#[test]
fn every_invalid_fixture_fails_with_its_message() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "only {} fixtures", cases.len());
    for case in cases {
        let name = case.file_name().expect("name").to_string_lossy().into_owned();
        let expect = std::fs::read_to_string(case.join("expect")).expect("expect file");
        let loaded = content::load(&ContentSource::Dir(case.clone()), "TST-C01");
        assert!(!loaded.ok(), "{name}: loaded without errors");
        let shown: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
        for want in expect.lines().filter(|l| !l.is_empty()) {
            let (loc, msg) = want.split_once('|').expect("expect line has |");
            let found = loaded.errors.iter().any(|e| {
                let loc_ok = match loc.rsplit_once(':') {
                    Some((file, line)) => e.file.ends_with(file) && e.line == Some(line.parse().expect("line number")),
                    None => e.file.ends_with(loc),
                };
                loc_ok && e.message.contains(msg)
            });
            assert!(found, "{name}: expected `{want}`, got:\n{}", shown.join("\n"));
        }
        // Every error about a question names it.
        for e in &loaded.errors {
            if e.file.contains("questions/") && e.message.contains("option") {
                assert!(e.question.is_some() || e.message.contains("YAML"), "{name}: {e}");
            }
        }
    }
}

/// The binary reports the same errors, exits 1, never panics and never touches the database.
#[test]
fn validate_binary_on_every_invalid_fixture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("never.db");
    let root = fixtures().join("invalid");
    for entry in std::fs::read_dir(&root).expect("fixtures") {
        let case = entry.expect("entry").path();
        let o = run(&[
            "validate",
            "--exam",
            "TST-C01",
            "--content",
            case.to_str().expect("utf8"),
            "--db",
            db.to_str().expect("utf8"),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}: {}", case.display(), stdout(&o));
        assert_no_panic(&o);
        let out = stdout(&o);
        assert!(out.contains("error: "), "{}: {out}", case.display());
        let o = run(&[
            "stats",
            "--json",
            "--exam",
            "TST-C01",
            "--content",
            case.to_str().expect("utf8"),
            "--db",
            db.to_str().expect("utf8"),
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert_no_panic(&o);
        assert!(!db.exists(), "bad content must not create or touch the database");
    }
}

#[test]
fn all_errors_of_a_run_are_reported() {
    let case = fixtures().join("invalid/many-errors-at-once");
    let loaded = content::load(&ContentSource::Dir(case), "TST-C01");
    let files: BTreeSet<_> = loaded
        .errors
        .iter()
        .map(|e| e.file.rsplit('/').next().unwrap_or("").to_string())
        .collect();
    assert!(loaded.errors.len() >= 3 && files.len() == 2, "{:?}", loaded.errors);
}

#[test]
fn validate_json_shape() {
    let o = run(&["validate", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["exam"], "SOA-C03");
    assert_eq!(v["ok"], true);
    assert_eq!(v["errors"].as_array().map(|a| a.len()), Some(0));
    let q = v["questions"].as_u64().expect("n");
    assert_eq!(v["single"].as_u64().expect("s") + v["multiple"].as_u64().expect("m"), q);
    assert_eq!(v["domains"].as_array().expect("d").len(), 5);
    assert_eq!(v["tasks"].as_array().expect("t").len(), 13);
    assert_eq!(v["skills"].as_array().expect("s").len(), 53);
    assert_eq!(v["domains"][0]["weight"], 22);
    let case = fixtures().join("invalid/unknown-skill");
    let o = run(&[
        "validate",
        "--json",
        "--exam",
        "TST-C01",
        "--content",
        case.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["ok"], false);
    let e = &v["errors"][0];
    assert!(e["file"].as_str().expect("file").ends_with("q.yaml"));
    assert_eq!(e["line"], 3);
    assert_eq!(e["question"], "good-question");
}

#[test]
fn validate_text_has_the_coverage_table() {
    let o = run(&["validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    for id in ["1.1.1", "3.2.2", "5.3.5", "2.3", "4.2"] {
        assert!(out.lines().any(|l| l.starts_with(id)), "missing {id}");
    }
    assert!(out.contains("Skills without questions:"));
    assert!(out.contains("OK: no errors."));
}

/// The bank's promises (bank v2): size for ten disjoint mock exams, coverage of every skill and
/// task, the real exam's mix, and no cue from option length or from echoing the stem.
#[test]
fn question_bank_meets_its_coverage_and_mix_targets() {
    use cloudprep::model::Kind;
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    let n = pack.questions.len();
    assert!(n >= 650, "{n} questions");
    let cov = content::coverage(&pack);
    for (id, c) in &cov.skills {
        assert!(*c >= 8, "skill {id} has {c} questions");
    }
    for (id, c) in &cov.tasks {
        assert!(*c >= 30, "task {id} has {c} questions");
    }
    // Ten exams of 14/14/14/11/12 items (scored + unscored) without a repeat.
    for (id, min) in [("1", 140), ("2", 140), ("3", 140), ("4", 110), ("5", 120)] {
        assert!(cov.domains[id] >= min, "domain {id} has {} questions", cov.domains[id]);
    }
    for d in &pack.exam.domains {
        let share = 100.0 * cov.domains[&d.id] as f64 / n as f64;
        assert!(
            (share - f64::from(d.weight)).abs() <= 3.0,
            "domain {} share {share:.1}%",
            d.id
        );
    }
    // Each task's share of its domain follows the breadth of its skills (services listed).
    for d in &pack.exam.domains {
        let breadth =
            |t: &cloudprep::model::Task| -> f64 { t.skills.iter().map(|s| 2.0 + s.services.len() as f64).sum() };
        let total: f64 = d.tasks.iter().map(breadth).sum();
        for t in &d.tasks {
            let want = breadth(t) / total;
            let got = cov.tasks[&t.id] as f64 / cov.domains[&d.id] as f64;
            assert!(
                (got - want).abs() <= 0.12,
                "task {} share {got:.2}, weight {want:.2}",
                t.id
            );
        }
    }
    assert!(cov.multiple * 4 >= n, "multiple-response {} of {n}", cov.multiple);
    assert!(
        cov.by_difficulty[2] * 5 >= n,
        "difficulty 3: {} of {n}",
        cov.by_difficulty[2]
    );
    let singles: Vec<_> = pack.questions.iter().filter(|q| q.kind == Kind::Single).collect();
    let longest = singles
        .iter()
        .filter(|q| {
            let lens: Vec<usize> = q.options.iter().map(|o| o.text.chars().count()).collect();
            let k = q.correct_set()[0];
            lens.iter().enumerate().all(|(i, &l)| i == k || lens[k] > l)
        })
        .count();
    assert!(
        longest * 4 <= singles.len(),
        "key strictly longest in {longest} of {}",
        singles.len()
    );
    // The key is never the only option that repeats the stem's numbers.
    for q in &singles {
        // Standalone numbers (5, 30, 09:00, 203.0.113.50/32), not parts of names such as
        // EC2, us-east-1 or Route 53.
        let numbers = |s: &str| -> BTreeSet<String> {
            let s = s.replace("Route 53", "Route-fifty-three");
            let b = s.as_bytes();
            let mut out = BTreeSet::new();
            let mut i = 0;
            while i < b.len() {
                let starts =
                    b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-'));
                if !starts {
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_digit() || b"./:".contains(&b[j])) {
                    j += 1;
                }
                let token = s[i..j].trim_end_matches(['.', ':', '/']);
                if j >= b.len() || !b[j].is_ascii_alphanumeric() {
                    out.insert(token.to_string());
                }
                i = j.max(i + 1);
            }
            out
        };
        let stem = numbers(&q.stem);
        let echoes: Vec<bool> = q.options.iter().map(|o| !numbers(&o.text).is_disjoint(&stem)).collect();
        let k = q.correct_set()[0];
        assert!(
            !(echoes[k] && echoes.iter().filter(|&&e| e).count() == 1),
            "{}: only the key repeats a number of the stem",
            q.id
        );
    }
    for q in &pack.questions {
        assert!(!q.stem.contains("(Select"), "{}: the app adds the select hint", q.id);
        assert!(
            q.references
                .iter()
                .all(|r| r.url.as_deref().is_none_or(|u| u.starts_with("https://")))
        );
    }
}

/// No two questions test the same fact in the same scenario: pairs whose stems and keys share
/// most of their words are flagged, unless a reviewer read them and judged them different (the
/// list below, each with why).
#[test]
fn no_two_questions_test_the_same_fact_in_the_same_scenario() {
    const REVIEWED: &[(&str, &str, &str)] = &[
        (
            "d5-cloudfront-max-ttl-caps-origin-max-age",
            "d5-cloudfront-min-ttl-overrides-no-cache",
            "maximum TTL capping a long max-age versus minimum TTL overriding no-cache",
        ),
        (
            "d3-cfn-rollback-trigger-alarm",
            "d3-cfn-rollback-trigger-missing-data",
            "setting up a rollback trigger versus an alarm in INSUFFICIENT_DATA during monitoring",
        ),
    ];
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    const STOP: &[&str] = &[
        "the",
        "and",
        "that",
        "with",
        "for",
        "which",
        "this",
        "from",
        "are",
        "has",
        "have",
        "its",
        "not",
        "should",
        "will",
        "what",
        "when",
        "does",
        "can",
        "must",
        "each",
        "into",
        "their",
        "than",
        "they",
        "them",
        "then",
        "there",
        "these",
        "those",
        "was",
        "were",
        "would",
        "your",
        "only",
        "also",
        "more",
        "most",
        "least",
        "company",
        "team",
        "engineer",
        "cloudops",
        "solution",
        "requirements",
        "meet",
        "meets",
        "requirement",
    ];
    let words = |s: &str| -> BTreeSet<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() > 2 && !STOP.contains(w))
            .map(str::to_string)
            .collect()
    };
    let jaccard = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
        a.intersection(b).count() as f64 / a.union(b).count().max(1) as f64
    };
    let sets: Vec<(BTreeSet<String>, BTreeSet<String>)> = pack
        .questions
        .iter()
        .map(|q| {
            let key: String = q
                .options
                .iter()
                .filter(|o| o.correct)
                .map(|o| o.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            (words(&q.stem), words(&key))
        })
        .collect();
    let mut flagged = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            let (stem, key) = (jaccard(&sets[i].0, &sets[j].0), jaccard(&sets[i].1, &sets[j].1));
            if 0.6 * stem + 0.4 * key >= 0.34 {
                let (a, b) = (&pack.questions[i].id, &pack.questions[j].id);
                let reviewed = REVIEWED
                    .iter()
                    .any(|(x, y, _)| (x == a && y == b) || (x == b && y == a));
                if !reviewed {
                    flagged.push(format!("{a} ~ {b} (stem {stem:.2}, key {key:.2})"));
                }
            }
        }
    }
    assert!(flagged.is_empty(), "possible near-duplicates:\n{}", flagged.join("\n"));
}

/// Every built-in question was checked against the AWS documentation (a `verified` month) and
/// has a reference on docs.aws.amazon.com that settles its key; `validate` reports both.
#[test]
fn every_built_in_question_is_verified_with_a_docs_url() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03").pack.expect("pack");
    for q in &pack.questions {
        assert!(q.verified.is_some(), "{}: no `verified` month", q.id);
        assert!(
            q.references.iter().any(|r| r
                .url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://docs.aws.amazon.com/"))),
            "{}: no docs.aws.amazon.com reference",
            q.id
        );
        for r in &q.references {
            assert!(!r.title.trim().is_empty(), "{}: a reference without a title", q.id);
        }
    }
    let o = run(&["validate", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let n = pack.questions.len() as u64;
    assert_eq!(v["verified"], n, "{v}");
    assert_eq!(v["with_docs_url"], n);
    assert!(v["oldest_verified"].as_str().is_some_and(|m| m.len() == 7), "{v}");
    let o = run(&["validate"]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("verified against the AWS documentation: {n} of {n} (oldest ")),
        "{out}"
    );
}

/// A question without `verified` is fine in the format (own questions may leave it out), and
/// is counted as unverified.
#[test]
fn verified_is_optional_and_counted() {
    let o = run(&[
        "validate",
        "--json",
        "--exam",
        "TST-C01",
        "--content",
        fixtures().join("valid").to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["verified"], 1, "{v}");
    assert_eq!(v["oldest_verified"], "2026-12");
    assert!(v["questions"].as_u64().expect("n") > 1);
}

/// A file over the size cap is refused with its size, before it is read.
#[test]
fn a_huge_file_is_refused_not_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = fixtures().join("valid/tst");
    let pack = dir.path().join("tst");
    std::fs::create_dir_all(pack.join("questions")).expect("mkdir");
    std::fs::copy(src.join("exam.yaml"), pack.join("exam.yaml")).expect("copy");
    let mut big = String::from("questions:\n");
    while big.len() <= content::MAX_FILE_BYTES as usize {
        big.push_str("  # padding padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(pack.join("questions/huge.yaml"), big).expect("write");
    let loaded = content::load(&ContentSource::Dir(dir.path().to_path_buf()), "TST-C01");
    assert!(
        loaded
            .errors
            .iter()
            .any(|e| e.file.ends_with("huge.yaml") && e.message.contains("the limit is")),
        "{:?}",
        loaded.errors
    );
}

/// An unchanged tree on disk is loaded from the cache; any edit is seen at once.
#[test]
fn the_content_cache_is_used_and_invalidated() {
    let tree = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("tempdir");
    let pack = tree.path().join("tst");
    std::fs::create_dir_all(pack.join("questions")).expect("mkdir");
    let src = fixtures().join("valid/tst");
    std::fs::copy(src.join("exam.yaml"), pack.join("exam.yaml")).expect("copy");
    let q = std::fs::read_to_string(src.join("questions/one.yaml")).expect("read");
    std::fs::write(pack.join("questions/one.yaml"), &q).expect("write");
    let run_validate = || {
        crate::util::bin()
            .env("XDG_CACHE_HOME", cache.path())
            .args([
                "validate",
                "--json",
                "--exam",
                "TST-C01",
                "--content",
                tree.path().to_str().expect("utf8"),
            ])
            .output()
            .expect("runs")
    };
    let o = run_validate();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let cached: Vec<_> = std::fs::read_dir(cache.path().join("cloudprep"))
        .expect("cache dir")
        .collect();
    assert_eq!(cached.len(), 1, "one cached pack");
    let o = run_validate();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["questions"], 5);
    // An edit (here: a broken difficulty) must not be hidden by the cache.
    std::fs::write(
        pack.join("questions/one.yaml"),
        q.replacen("difficulty: 1", "difficulty: 9", 1),
    )
    .expect("write");
    let o = run_validate();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("difficulty is 9"));
    // A corrupt cache file is ignored.
    std::fs::write(pack.join("questions/one.yaml"), &q).expect("write");
    for e in std::fs::read_dir(cache.path().join("cloudprep")).expect("cache dir") {
        std::fs::write(e.expect("entry").path(), b"garbage").expect("write");
    }
    let o = run_validate();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Every input the fuzzer ever found (and the seeds) loads without a panic.
#[test]
fn fuzz_regressions_never_panic() {
    let dir = fixtures().join("../../fuzz/regressions");
    let exam = content::builtin_exam_yaml("SOA-C03").expect("built-in exam");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("regressions folder") {
        let p = e.expect("entry").path();
        let bytes = std::fs::read(&p).expect("read");
        let l = content::load_from_bytes(exam, &[("fuzz.yaml", &bytes)]);
        assert!(l.pack.is_some() || !l.errors.is_empty(), "{}", p.display());
        n += 1;
    }
    assert!(n >= 2);
}

/// The TUI reads the dashboard while the content loads, through a read-only connection: with
/// bad content it still exits 1 and leaves an existing database byte for byte as it was.
#[test]
fn bad_content_leaves_an_existing_database_untouched_on_the_tui_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kept.db");
    let dbs = db.to_str().expect("utf8");
    let valid = fixtures().join("valid");
    let o = run(&[
        "--db",
        dbs,
        "--content",
        valid.to_str().expect("utf8"),
        "--exam",
        "TST-C01",
        "stats",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::util::stderr(&o));
    let before = std::fs::read(&db).expect("read");
    let bad = fixtures().join("invalid/unknown-skill");
    let o = run(&[
        "--db",
        dbs,
        "--content",
        bad.to_str().expect("utf8"),
        "--exam",
        "TST-C01",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", crate::util::stderr(&o));
    assert!(
        crate::util::stderr(&o).contains("is not in exam.yaml"),
        "{}",
        crate::util::stderr(&o)
    );
    assert_eq!(std::fs::read(&db).expect("read"), before, "the database changed");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with("-wal")
            && std::fs::metadata(dir.path().join(n))
                .map(|m| m.len() > 0)
                .unwrap_or(false)),
        "{names:?}"
    );
}
