//! `export --format apkg`: the shipped bank as an Anki deck. Always: the package is opened here
//! (zip + SQLite) and its collection checked. Where Anki's own Python library is importable it
//! also imports the deck into a fresh collection; with `CI` set that import is required (`.ci/run`
//! installs the library with `pip install anki`).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
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

/// Whether Anki's Python library can be imported here. Under CI it must be: a missing library
/// fails the test rather than skipping the real-client check.
fn anki_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import anki"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && std::env::var_os("CI").is_some() {
        panic!("CI is set but Anki's Python library is not importable: pip install anki");
    }
    ok
}

/// Exports the shipped bank to two `.apkg` files (the second to check that ids are stable).
fn export_twice(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("never-made.db");
    let (first, second) = (dir.join("bank.apkg"), dir.join("again.apkg"));
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
    (first, second)
}

/// A note of the exported collection.
struct Note {
    guid: String,
    fields: Vec<String>,
    tags: Vec<String>,
    deck: String,
}

/// Opens an `.apkg` without Anki: unzips it, checks `media`, and reads the collection's
/// schema version, notes (with their card's deck name) and card count.
fn read_apkg(path: &Path, dir: &Path) -> (i64, Vec<Note>, i64) {
    let f = std::fs::File::open(path).expect("open the package");
    let mut z = zip::ZipArchive::new(f).expect("the package is a zip");
    let names: HashSet<String> = (0..z.len())
        .map(|i| z.by_index(i).expect("entry").name().expect("a utf-8 name").to_string())
        .collect();
    assert_eq!(
        names,
        HashSet::from(["collection.anki2".to_string(), "media".to_string()])
    );
    let mut media = String::new();
    z.by_name("media")
        .expect("media")
        .read_to_string(&mut media)
        .expect("read media");
    assert_eq!(media.trim(), "{}", "the cards use no media");
    let col_path = dir.join(format!(
        "{}.anki2",
        path.file_stem().and_then(|s| s.to_str()).expect("name")
    ));
    let mut bytes = Vec::new();
    z.by_name("collection.anki2")
        .expect("collection")
        .read_to_end(&mut bytes)
        .expect("read collection");
    std::fs::write(&col_path, bytes).expect("write collection");
    let c = rusqlite::Connection::open(&col_path).expect("the collection is SQLite");
    let (ver, decks): (i64, String) = c
        .query_row("SELECT ver, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("col row");
    let decks: serde_json::Value = serde_json::from_str(&decks).expect("decks json");
    let deck_names: BTreeMap<i64, String> = decks
        .as_object()
        .expect("decks object")
        .values()
        .map(|d| {
            (
                d["id"].as_i64().expect("deck id"),
                d["name"].as_str().expect("deck name").to_string(),
            )
        })
        .collect();
    let mut st = c
        .prepare("SELECT n.guid, n.flds, n.tags, c.did FROM notes n JOIN cards c ON c.nid = n.id ORDER BY n.id")
        .expect("prepare");
    let notes: Vec<Note> = st
        .query_map([], |r| {
            let did: i64 = r.get(3)?;
            Ok(Note {
                guid: r.get(0)?,
                fields: r.get::<_, String>(1)?.split('\x1f').map(str::to_string).collect(),
                tags: r.get::<_, String>(2)?.split_whitespace().map(str::to_string).collect(),
                deck: deck_names.get(&did).cloned().unwrap_or_default(),
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let cards: i64 = c
        .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
        .expect("cards");
    (ver, notes, cards)
}

/// HTML to the words a reader sees.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#91;", "[")
        .replace("&amp;", "&");
    collapse(&out)
}

#[test]
fn apkg_holds_every_question_as_a_note_in_its_domain_deck() {
    let pack = content::load(&ContentSource::Embedded, "SOA-C03")
        .pack
        .expect("the shipped pack loads");
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = export_twice(dir.path());
    let (ver, notes, cards) = read_apkg(&first, dir.path());
    assert_eq!(ver, 11, "the legacy schema Anki still imports");
    assert_eq!(notes.len(), pack.questions.len());
    assert_eq!(cards as usize, pack.questions.len(), "one card per note");
    let guids: HashSet<&str> = notes.iter().map(|n| n.guid.as_str()).collect();
    assert_eq!(guids.len(), notes.len(), "guids are distinct");
    let (_, again, _) = read_apkg(&second, dir.path());
    let again: Vec<&str> = again.iter().map(|n| n.guid.as_str()).collect();
    let first_guids: Vec<&str> = notes.iter().map(|n| n.guid.as_str()).collect();
    assert_eq!(first_guids, again, "the same bank exports the same guids");
    let by_id: BTreeMap<&str, &Note> = notes
        .iter()
        .map(|n| (n.fields.get(2).map(String::as_str).unwrap_or_default(), n))
        .collect();
    for q in &pack.questions {
        let n = by_id
            .get(q.id.as_str())
            .unwrap_or_else(|| panic!("no note for {}", q.id));
        assert_eq!(n.fields.len(), 3, "Front, Back, Id");
        let note = serde_json::json!({
            "matches": 1,
            "fields": ["Front", "Back", "Id"],
            "front": text(&n.fields[0]),
            "back": text(&n.fields[1]),
            "tags": n.tags,
            "deck": n.deck,
        });
        check_note(&note, q);
    }
}

#[test]
fn apkg_imports_into_anki_with_every_question() {
    if !anki_available() {
        eprintln!("skipped: Anki's Python library is not installed (pip install anki); CI runs it");
        return;
    }
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
    let (first, second) = export_twice(dir.path());

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
