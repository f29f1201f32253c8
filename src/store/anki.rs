//! Writes an [`AnkiDeck`] as an `.apkg` file that current Anki imports.
//!
//! An `.apkg` is a zip holding `collection.anki2`, an Anki collection in the legacy schema 11
//! (tables `col`, `notes`, `cards`, `revlog`, `graves`; one `col` row whose JSON columns hold
//! the note types, decks and deck options), and `media`, a JSON map of media files (`{}`: the
//! cards use none). Anki still imports this schema and upgrades it on the way in.
//!
//! The collection is written to a temporary file, packed, and the package is written next to
//! its destination and renamed over it, so a failed export never leaves a half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use crate::anki::{AnkiDeck, BACK_TEMPLATE, CSS, FIELDS, FRONT_TEMPLATE};

#[derive(Debug, thiserror::Error)]
pub enum ApkgError {
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("cannot build the Anki collection: {0}")]
    Collection(String),
}

/// The legacy (schema 11) collection tables and indexes.
const SCHEMA: &str = "
CREATE TABLE col (
    id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
    ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
    conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL,
    tags text NOT NULL
);
CREATE TABLE notes (
    id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
    usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
    csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
    id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
    mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
    due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
    lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL,
    flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
    id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
    ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
    type integer NOT NULL
);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// The id of Anki's own "Default" deck and deck options, present in every collection.
const DEFAULT_ID: i64 = 1;

/// Writes `deck` to `path` as an `.apkg`, atomically. `now` stamps the notes (Anki updates a
/// note it already has when the imported one is newer) and seeds the note and card ids.
pub fn write_apkg(deck: &AnkiDeck, path: &Path, now: DateTime<Utc>) -> Result<(), ApkgError> {
    let write_err = |e: &dyn std::fmt::Display| ApkgError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let work = tempfile::tempdir().map_err(|e| write_err(&e))?;
    let db_path = work.path().join("collection.anki2");
    write_collection(deck, &db_path, now)?;
    let collection = std::fs::read(&db_path).map_err(|e| write_err(&e))?;

    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| write_err(&e))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(tmp));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time(now));
    zip.start_file("collection.anki2", opts).map_err(|e| write_err(&e))?;
    zip.write_all(&collection).map_err(|e| write_err(&e))?;
    zip.start_file("media", opts).map_err(|e| write_err(&e))?;
    zip.write_all(b"{}").map_err(|e| write_err(&e))?;
    let tmp = zip
        .finish()
        .map_err(|e| write_err(&e))?
        .into_inner()
        .map_err(|e| write_err(&e.error()))?;
    tmp.as_file().sync_all().map_err(|e| write_err(&e))?;
    tmp.persist(path).map_err(|e| write_err(&e.error))?;
    Ok(())
}

fn zip_time(now: DateTime<Utc>) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    zip::DateTime::from_date_and_time(
        now.year().clamp(1980, 2107) as u16,
        now.month() as u8,
        now.day() as u8,
        now.hour() as u8,
        now.minute() as u8,
        now.second().min(59) as u8,
    )
    .unwrap_or_default()
}

/// Writes the schema 11 collection for `deck` into a new SQLite file at `path`.
pub fn write_collection(deck: &AnkiDeck, path: &Path, now: DateTime<Utc>) -> Result<(), ApkgError> {
    let sql = |e: rusqlite::Error| ApkgError::Collection(e.to_string());
    let mut conn = Connection::open(path).map_err(sql)?;
    // A scratch file: no journal to keep, nothing to sync until it is packed.
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        .map_err(sql)?;
    let tx = conn.transaction().map_err(sql)?;
    tx.execute_batch(SCHEMA).map_err(sql)?;

    let now_ms = now.timestamp_millis();
    let now_s = now.timestamp();
    let day_start = now_s - now_s.rem_euclid(86_400);
    tx.execute(
        "INSERT INTO col (id, crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags)
         VALUES (1, ?1, ?2, ?3, 11, 0, 0, 0, ?4, ?5, ?6, ?7, '{}')",
        params![
            day_start,
            now_ms,
            now_ms,
            conf_json(deck).to_string(),
            models_json(deck, now_s).to_string(),
            decks_json(deck, now_s).to_string(),
            dconf_json().to_string(),
        ],
    )
    .map_err(sql)?;

    {
        let mut note_st = tx
            .prepare(
                "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
                 VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')",
            )
            .map_err(sql)?;
        let mut card_st = tx
            .prepare(
                "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps,
                                    lapses, left, odue, odid, flags, data)
                 VALUES (?1, ?2, ?3, 0, ?4, -1, 0, 0, ?5, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            )
            .map_err(sql)?;
        for (i, n) in deck.notes.iter().enumerate() {
            // Ids are creation times in milliseconds in Anki; one apart keeps them unique.
            let id = now_ms + i as i64;
            let tags = if n.tags.is_empty() {
                String::new()
            } else {
                format!(" {} ", n.tags.join(" "))
            };
            note_st
                .execute(params![
                    id,
                    n.guid,
                    deck.notetype.id,
                    now_s,
                    tags,
                    n.fields.join("\u{1f}"),
                    n.sort_field
                ])
                .map_err(sql)?;
            // New cards are shown in `due` order: the pack's order.
            card_st
                .execute(params![id, id, n.deck_id, now_s, i as i64 + 1])
                .map_err(sql)?;
        }
    }
    tx.commit().map_err(sql)?;
    conn.close().map_err(|(_, e)| sql(e))
}

/// The collection settings (`col.conf`).
fn conf_json(deck: &AnkiDeck) -> Value {
    let first = deck.decks.first().map(|d| d.id).unwrap_or(DEFAULT_ID);
    json!({
        "activeDecks": [first],
        "curDeck": first,
        "curModel": deck.notetype.id,
        "newSpread": 0,
        "collapseTime": 1200,
        "timeLim": 0,
        "estTimes": true,
        "dueCounts": true,
        "nextPos": deck.notes.len() + 1,
        "sortType": "noteFld",
        "sortBackwards": false,
        "addToCur": true,
        "schedVer": 2,
    })
}

/// The one note type (`col.models`): fields Front, Back, Id and one card template.
fn models_json(deck: &AnkiDeck, now_s: i64) -> Value {
    let nt = &deck.notetype;
    let flds: Vec<Value> = FIELDS
        .iter()
        .enumerate()
        .map(|(ord, name)| {
            json!({"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial",
                   "size": 20, "media": []})
        })
        .collect();
    let model = json!({
        "id": nt.id,
        "name": nt.name,
        "type": 0,
        "mod": now_s,
        "usn": -1,
        "sortf": 0,
        "did": deck.decks.first().map(|d| d.id).unwrap_or(DEFAULT_ID),
        "tmpls": [{
            "name": "Question",
            "ord": 0,
            "qfmt": FRONT_TEMPLATE,
            "afmt": BACK_TEMPLATE,
            "bqfmt": "",
            "bafmt": "",
            "did": null,
            "bfont": "",
            "bsize": 0,
        }],
        "flds": flds,
        "css": CSS,
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}",
        "latexsvg": false,
        "req": [[0, "any", [0]]],
        "tags": [],
        "vers": [],
    });
    let mut m = serde_json::Map::new();
    m.insert(nt.id.to_string(), model);
    Value::Object(m)
}

/// Anki's Default deck, the top deck and one subdeck per domain (`col.decks`).
fn decks_json(deck: &AnkiDeck, now_s: i64) -> Value {
    let one = |id: i64, name: &str, desc: &str| {
        json!({
            "id": id, "name": name, "desc": desc, "mod": now_s, "usn": -1, "dyn": 0, "conf": DEFAULT_ID,
            "collapsed": false, "browserCollapsed": false, "extendNew": 0, "extendRev": 0,
            "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
        })
    };
    let mut m = serde_json::Map::new();
    m.insert(DEFAULT_ID.to_string(), one(DEFAULT_ID, "Default", ""));
    for d in &deck.decks {
        m.insert(d.id.to_string(), one(d.id, &d.name, &d.description));
    }
    Value::Object(m)
}

/// Anki's default deck options (`col.dconf`); an import keeps the learner's own by default.
fn dconf_json() -> Value {
    json!({
        "1": {
            "id": DEFAULT_ID, "name": "Default", "mod": 0, "usn": 0, "dyn": false,
            "maxTaken": 60, "autoplay": true, "timer": 0, "replayq": true,
            "new": {"delays": [1.0, 10.0], "ints": [1, 4, 0], "initialFactor": 2500, "order": 1,
                    "perDay": 20, "bury": false},
            "lapse": {"delays": [10.0], "mult": 0.0, "minInt": 1, "leechFails": 8, "leechAction": 1},
            "rev": {"perDay": 200, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "bury": false,
                    "hardFactor": 1.2},
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::{Deck, Note, NoteType};

    fn deck() -> AnkiDeck {
        AnkiDeck {
            notetype: NoteType {
                id: 1_500_000_000_000,
                name: "cloudprep T question".into(),
            },
            decks: vec![
                Deck {
                    id: 1_600_000_000_000,
                    name: "cloudprep T".into(),
                    description: String::new(),
                },
                Deck {
                    id: 1_700_000_000_000,
                    name: "cloudprep T::1 One".into(),
                    description: "d".into(),
                },
            ],
            notes: (0..3)
                .map(|i| Note {
                    guid: format!("g{i}"),
                    deck_id: 1_700_000_000_000,
                    fields: [format!("front {i}"), format!("back {i}"), format!("q{i}")],
                    sort_field: format!("front {i}"),
                    tags: vec!["domain::1".into(), "task::1.1".into()],
                })
                .collect(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn collection_has_the_legacy_schema_and_the_notes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.anki2");
        write_collection(&deck(), &p, now()).expect("write");
        let c = Connection::open(&p).expect("open");
        let ver: i64 = c.query_row("SELECT ver FROM col", [], |r| r.get(0)).expect("ver");
        assert_eq!(ver, 11);
        let n: i64 = c.query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).expect("n");
        assert_eq!(n, 3);
        let cards: i64 = c
            .query_row(
                "SELECT count(*) FROM cards WHERE did = 1700000000000 AND queue = 0",
                [],
                |r| r.get(0),
            )
            .expect("cards");
        assert_eq!(cards, 3);
        let (flds, tags): (String, String) = c
            .query_row("SELECT flds, tags FROM notes WHERE guid = 'g1'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("note");
        assert_eq!(flds, "front 1\u{1f}back 1\u{1f}q1");
        assert_eq!(tags, " domain::1 task::1.1 ");
        let (models, decks): (String, String) = c
            .query_row("SELECT models, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("col");
        let models: Value = serde_json::from_str(&models).expect("models json");
        let m = &models["1500000000000"];
        assert_eq!(m["flds"][2]["name"], "Id");
        assert_eq!(m["tmpls"][0]["qfmt"], FRONT_TEMPLATE);
        let decks: Value = serde_json::from_str(&decks).expect("decks json");
        assert_eq!(decks["1"]["name"], "Default");
        assert_eq!(decks["1700000000000"]["name"], "cloudprep T::1 One");
        for t in ["revlog", "graves"] {
            let n: i64 = c
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .expect("empty table");
            assert_eq!(n, 0);
        }
    }

    #[test]
    fn package_is_a_zip_with_the_collection_and_media() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("deck.apkg");
        std::fs::write(&p, b"old").expect("old file");
        write_apkg(&deck(), &p, now()).expect("write");
        let bytes = std::fs::read(&p).expect("read");
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut names: Vec<String> = z.file_names().map(|n| n.expect("name").into_owned()).collect();
        names.sort();
        assert_eq!(names, vec!["collection.anki2", "media"]);
        let mut media = String::new();
        std::io::Read::read_to_string(&mut z.by_name("media").expect("media"), &mut media).expect("utf8");
        assert_eq!(media, "{}");
        let mut db = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name("collection.anki2").expect("db"), &mut db).expect("db");
        assert!(db.starts_with(b"SQLite format 3\0"));
        // Only the package is left in the folder: no temporary file.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn unwritable_destination_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("no/such/folder/deck.apkg");
        let e = write_apkg(&deck(), &p, now()).expect_err("must fail");
        assert!(
            e.to_string().starts_with(&format!("cannot write {}", p.display())),
            "{e}"
        );
    }
}
