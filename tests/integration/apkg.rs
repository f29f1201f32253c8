//! `export --format apkg`: the shipped bank as an Anki deck, imported with Anki's own Python
//! library (`pip install anki`, done by `.ci/run`) into a fresh collection.

use std::path::Path;
use std::process::Command;

use cloudprep::content::{self, ContentSource};
use cloudprep::model::{Kind, Question};

use crate::util::{assert_no_panic, run, stderr, stdout};

/// Imports each package given on the command line into one new collection and prints, as JSON,
/// what Anki made of it after each import, then the fields, tags and deck of the notes whose
/// question ids are given (comma-separated) as the first argument.
const IMPORT: &str = r#"
import html, json, os, re, sys, tempfile
from anki.collection import Collection, ImportAnkiPackageRequest, ImportAnkiPackageOptions

question_ids, packages = sys.argv[1].split(","), sys.argv[2:]
col = Collection(os.path.join(tempfile.mkdtemp(), "collection.anki2"))
out = {"imports": []}
for p in packages:
    log = col.import_anki_package(
        ImportAnkiPackageRequest(package_path=p, options=ImportAnkiPackageOptions())).log
    out["imports"].append({"new": len(log.new), "updated": len(log.updated),
                           "unchanged": len(log.duplicate), "notes": col.note_count(),
                           "cards": col.card_count()})
out["decks"] = sorted(d.name for d in col.decks.all_names_and_ids())
out["notetypes"] = [m.name for m in col.models.all_names_and_ids() if m.name.startswith("cloudprep")]
text = lambda h: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", h)).split())
out["notes"] = []
for qid in question_ids:
    ids = col.find_notes('"Id:%s"' % qid)
    note = col.get_note(ids[0])
    out["notes"].append({"matches": len(ids), "fields": list(note.keys()),
                         "front": text(note["Front"]), "back": text(note["Back"]),
                         "tags": note.tags, "deck": col.decks.name(note.cards()[0].did)})
col.close()
print(json.dumps(out))
"#;

fn python(script: &str, args: &[&Path]) -> serde_json::Value {
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs (CI installs it with Anki's library: pip install anki)");
    assert!(
        o.status.success(),
        "the Anki import failed (is Anki's library installed? pip install anki):\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("the script prints JSON")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn apkg_imports_into_anki_with_every_question() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03")
        .pack
        .expect("the shipped pack loads");
    let single = pack
        .questions
        .iter()
        .find(|q| q.kind == Kind::Single)
        .expect("a single-answer question");
    let multiple = pack
        .questions
        .iter()
        .find(|q| q.kind == Kind::Multiple)
        .expect("a multiple-answer question");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("never-made.db");
    let (first, second) = (dir.path().join("bank.apkg"), dir.path().join("again.apkg"));
    for p in [&first, &second] {
        let o = run(&[
            "--db",
            db.to_str().expect("utf8"),
            "export",
            "--format",
            "apkg",
            "-o",
            p.to_str().expect("utf8"),
        ]);
        assert_no_panic(&o);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "", "a binary deck is never printed");
    }
    assert!(!db.exists(), "exporting the bank does not touch the database");

    let ids = format!("{},{}", single.id, multiple.id);
    let v = python(IMPORT, &[Path::new(&ids), &first, &second]);
    let n = pack.questions.len() as u64;
    let i = &v["imports"];
    assert_eq!(i[0]["new"], n, "{v}");
    assert_eq!(i[0]["notes"], n);
    assert_eq!(i[0]["cards"], n, "one card per note");
    // The second export has the same guids: Anki updates, it does not duplicate.
    assert_eq!(i[1]["new"], 0, "{v}");
    assert_eq!(i[1]["notes"], n);

    let decks: Vec<&str> = v["decks"]
        .as_array()
        .expect("decks")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    let subdecks: Vec<&&str> = decks.iter().filter(|d| d.starts_with("cloudprep SOA-C03::")).collect();
    assert_eq!(subdecks.len(), 5, "{decks:?}");
    assert!(
        decks
            .contains(&"cloudprep SOA-C03::1 Monitoring, Logging, Analysis, Remediation, and Performance Optimization")
    );
    assert_eq!(v["notetypes"], serde_json::json!(["cloudprep SOA-C03 question"]));

    check_note(&v["notes"][0], single);
    check_note(&v["notes"][1], multiple);
}

/// One imported note against its question: fields, front, back, tags and deck.
fn check_note(note: &serde_json::Value, q: &Question) {
    assert_eq!(note["matches"], 1, "{note}");
    assert_eq!(note["fields"], serde_json::json!(["Front", "Back", "Id"]));
    let front = note["front"].as_str().expect("front");
    assert!(front.contains(&collapse(&q.stem)), "{front}");
    for (i, o) in q.options.iter().enumerate() {
        let letter = (b'A' + i as u8) as char;
        assert!(front.contains(&format!("{letter}. {}", collapse(&o.text))), "{front}");
    }
    assert_eq!(front.contains("(Select"), q.kind == Kind::Multiple, "{front}");
    let back = note["back"].as_str().expect("back");
    let letters: Vec<String> = q
        .correct_set()
        .iter()
        .map(|&i| ((b'A' + i as u8) as char).to_string())
        .collect();
    assert!(back.contains(&format!(": {} ", letters.join(", "))), "{back}");
    for o in &q.options {
        assert!(back.contains(&collapse(&o.why)), "{back}");
    }
    assert!(back.contains(&collapse(&q.references[0].title)), "{back}");
    let tags: Vec<&str> = note["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    for t in [
        format!("domain::{}", q.domain_id()),
        format!("task::{}", q.task_id()),
        format!("skill::{}", q.skill),
    ] {
        assert!(tags.contains(&t.as_str()), "{t} missing from {tags:?}");
    }
    assert!(
        note["deck"]
            .as_str()
            .expect("deck")
            .starts_with(&format!("cloudprep SOA-C03::{} ", q.domain_id())),
        "{note}"
    );
}

#[test]
fn apkg_needs_an_output_file() {
    let o = run(&["export", "--format", "apkg"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("-o FILE.apkg"), "{err}");
}

#[test]
fn apkg_into_a_missing_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("no/such/deck.apkg");
    let o = run(&["export", "--format", "apkg", "-o", p.to_str().expect("utf8")]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("cannot write") && err.contains("deck.apkg"), "{err}");
}
