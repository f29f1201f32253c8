//! Loading and validating question packs. The only module that knows YAML (serde_yaml).
//!
//! A content tree holds one folder per exam pack: `<pack>/exam.yaml` and
//! `<pack>/questions/*.yaml`. The tree is either the one compiled into the binary
//! ([`ContentSource::Embedded`]) or a folder on disk ([`ContentSource::Dir`]).
//!
//! Validation never stops at the first problem: every error of every file is collected, each
//! naming the file, the line (where one is known) and the question id.
//!
//! serde_yaml gives no positions for values, only for syntax errors, so lines are found by a
//! light scan of the text for the list items and keys of each question ([`Lines`]). It is made
//! for the block style the bank is written in; flow style still loads and validates, with the
//! question's first line as the best position.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use serde::Deserialize;
use serde_yaml::Value;

use crate::model::{Exam, Kind, Month, Pack, QOption, Question, Reference};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// Largest content file accepted; a bigger one is an error, not an allocation.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest number of question files in one pack.
pub const MAX_FILES: usize = 10_000;

/// Where content comes from.
#[derive(Debug, Clone)]
pub enum ContentSource {
    Embedded,
    Dir(PathBuf),
}

impl ContentSource {
    pub fn describe(&self) -> String {
        match self {
            ContentSource::Embedded => "built-in content".to_string(),
            ContentSource::Dir(p) => p.display().to_string(),
        }
    }
}

/// One validation problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContentError {
    pub file: String,
    pub line: Option<usize>,
    pub question: Option<String>,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(q) = &self.question {
            write!(f, ": question {q}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The outcome of loading one pack: the pack (when the blueprint itself was usable) and every
/// error found. A pack with errors must not be used for study.
#[derive(Debug)]
pub struct Loaded {
    pub pack: Option<Pack>,
    pub errors: Vec<ContentError>,
}

impl Loaded {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.pack.is_some()
    }
}

/// The files of one pack, with the errors met while reading them.
struct PackFiles {
    files: Vec<SourceFile>,
    read_errors: Vec<ContentError>,
}

/// A file of the tree: its path relative to the content root and its bytes.
struct SourceFile {
    rel: String,
    bytes: Vec<u8>,
}

/// Loads and validates the pack whose `code` matches `exam` (case-insensitive).
pub fn load(source: &ContentSource, exam: &str) -> Loaded {
    load_merged(source, exam, None, None)
}

/// Validates a pack given as bytes: `exam_yaml`, then question files as (label, bytes). For
/// the fuzzer and tests; the same code path as files on disk.
pub fn load_from_bytes(exam_yaml: &[u8], question_files: &[(&str, &[u8])]) -> Loaded {
    let mut files = vec![SourceFile {
        rel: "exam.yaml".to_string(),
        bytes: exam_yaml.to_vec(),
    }];
    for (label, bytes) in question_files {
        files.push(SourceFile {
            rel: (*label).to_string(),
            bytes: bytes.to_vec(),
        });
    }
    validate_pack(&files)
}

/// The built-in exam.yaml of a pack, by code.
pub fn builtin_exam_yaml(code: &str) -> Option<&'static [u8]> {
    EMBEDDED
        .dirs()
        .filter_map(|d| d.get_file(d.path().join("exam.yaml")))
        .find(|f| peek_code(f.contents()).is_some_and(|c| c.eq_ignore_ascii_case(code)))
        .map(|f| f.contents())
}

/// Bumped when the cached form of a pack changes.
const CACHE_FORMAT: u32 = 4;

/// A fingerprint of a content tree on disk for `exam` plus the learner's folder: every file's
/// path, size and modification time (nanoseconds), the exam code, this build's version and the
/// cache format. Reading metadata only keeps an unchanged tree fast to recognise; an edit
/// changes the size or the modification time.
fn fingerprint(root: &Path, exam: &str, user_root: Option<&Path>) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (CACHE_FORMAT, env!("CARGO_PKG_VERSION"), exam.to_lowercase()).hash(&mut h);
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for d in subdirs {
        dirs.push(d.join("questions"));
        dirs.push(d);
    }
    if let Some(u) = user_root {
        dirs.push(user_questions_dir(u, exam));
    }
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<(PathBuf, std::fs::Metadata)> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.path(), e.metadata().ok()?)))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, m) in entries {
            if m.is_dir() && !is_yaml(&p) {
                continue;
            }
            let mtime = m
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_nanos();
            (p, m.len(), mtime, m.is_dir()).hash(&mut h);
        }
    }
    Some(h.finish())
}

/// Loads like [`load_merged`], keeping a valid pack from a folder on disk in `cache_dir` so
/// that an unchanged tree is not parsed again. The built-in content is compiled in and fast
/// to load, so it is not cached. A cache that cannot be read or written is simply ignored.
pub fn load_cached(source: &ContentSource, exam: &str, user_root: Option<&Path>, cache_dir: Option<&Path>) -> Loaded {
    let (ContentSource::Dir(root), Some(cache_dir)) = (source, cache_dir) else {
        return load_merged(source, exam, user_root, None);
    };
    let Some(key) = fingerprint(root, exam, user_root) else {
        return load_merged(source, exam, user_root, None);
    };
    let file = cache_dir.join(format!("content-{key:016x}.bin"));
    if let Some(pack) = read_cache(&file) {
        return Loaded {
            pack: Some(pack),
            errors: Vec::new(),
        };
    }
    let loaded = load_merged(source, exam, user_root, None);
    if let (true, Some(pack)) = (loaded.errors.is_empty(), &loaded.pack)
        && let Some(bytes) = encode_cache(pack)
        && std::fs::create_dir_all(cache_dir).is_ok()
        && let Ok(mut tmp) = tempfile::NamedTempFile::new_in(cache_dir)
        && std::io::Write::write_all(&mut tmp, &bytes).is_ok()
    {
        let _ = tmp.persist(&file);
    }
    loaded
}

/// Questions per separately encoded chunk of the cache, so that a large bank decodes in
/// parallel.
const CACHE_CHUNK: usize = 500;

/// The cached form of a pack: an 8-byte little-endian length, a header (postcard: the
/// blueprint and each chunk's length), then the question chunks, each encoded on its own. A
/// reader takes the header, then decodes the chunks in parallel, each thread reading its own
/// chunks from the file, so the whole file is never in memory beside the pack.
fn encode_cache(pack: &Pack) -> Option<Vec<u8>> {
    let chunks: Vec<Vec<u8>> = pack
        .questions
        .par_chunks(CACHE_CHUNK)
        .map(|c| postcard::to_allocvec(c).ok())
        .collect::<Option<Vec<_>>>()?;
    let lengths: Vec<u64> = chunks.iter().map(|c| c.len() as u64).collect();
    let header = postcard::to_allocvec(&(&pack.exam, lengths)).ok()?;
    let mut out = Vec::with_capacity(8 + header.len() + chunks.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    for c in &chunks {
        out.extend_from_slice(c);
    }
    Some(out)
}

/// Reads a cache file written by [`encode_cache`]; `None` if it is missing, short or damaged.
fn read_cache(path: &Path) -> Option<Pack> {
    use std::io::{Read, Seek, SeekFrom};
    let read_at = |offset: u64, buf: &mut [u8]| -> Option<()> {
        let mut f = std::fs::File::open(path).ok()?;
        f.seek(SeekFrom::Start(offset)).ok()?;
        f.read_exact(buf).ok()
    };
    let size = std::fs::metadata(path).ok()?.len();
    let mut len = [0u8; 8];
    read_at(0, &mut len)?;
    let header_len = u64::from_le_bytes(len);
    if header_len > size.saturating_sub(8) {
        return None;
    }
    let mut header = vec![0u8; usize::try_from(header_len).ok()?];
    read_at(8, &mut header)?;
    let (exam, lengths): (Exam, Vec<u64>) = postcard::from_bytes(&header).ok()?;
    let mut offsets = Vec::with_capacity(lengths.len());
    let mut at = 8 + header_len;
    for &l in &lengths {
        offsets.push((at, l));
        at = at.checked_add(l)?;
    }
    if at != size {
        return None;
    }
    let parts: Vec<Vec<Question>> = offsets
        .par_iter()
        .map(|&(offset, l)| {
            let mut buf = vec![0u8; usize::try_from(l).ok()?];
            read_at(offset, &mut buf)?;
            postcard::from_bytes::<Vec<Question>>(&buf).ok()
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Pack::new(exam, parts.into_iter().flatten().collect()))
}

/// Where the learner's own questions for `exam` live under `user_root`:
/// `<user_root>/<code in lower case>/questions/`.
pub fn user_questions_dir(user_root: &Path, exam: &str) -> PathBuf {
    user_root.join(exam.to_lowercase()).join("questions")
}

/// Loads the pack, adds the learner's own question files from `user_root` (if the folder
/// exists) and, for `new-question`, one `extra` file (its label and text), then validates it
/// all together: the same rules, and an id used twice names both files.
pub fn load_merged(
    source: &ContentSource,
    exam: &str,
    user_root: Option<&Path>,
    extra: Option<(&str, &str)>,
) -> Loaded {
    let mut found = match locate_pack(source, exam) {
        Ok(found) => found,
        Err(e) => {
            return Loaded {
                pack: None,
                errors: vec![e],
            };
        }
    };
    if let Some(root) = user_root {
        let code = found
            .files
            .first()
            .and_then(|f| peek_code(&f.bytes))
            .unwrap_or_else(|| exam.to_string());
        let qdir = user_questions_dir(root, &code);
        if qdir.is_dir() {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&qdir)
                .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
                .unwrap_or_default();
            paths.sort();
            for p in paths.into_iter().filter(|p| is_yaml(p)) {
                let label = p.display().to_string();
                match read_capped(&p, &label) {
                    Ok(bytes) => found.files.push(SourceFile { rel: label, bytes }),
                    Err(e) => found.read_errors.push(e),
                }
            }
        }
    }
    if let Some((label, text)) = extra {
        found.files.push(SourceFile {
            rel: label.to_string(),
            bytes: text.as_bytes().to_vec(),
        });
    }
    let mut loaded = validate_pack(&found.files);
    let mut errors = found.read_errors;
    errors.append(&mut loaded.errors);
    loaded.errors = errors;
    loaded
}

fn err(file: &str, line: Option<usize>, question: Option<&str>, message: impl Into<String>) -> ContentError {
    ContentError {
        file: file.to_string(),
        line,
        question: question.map(str::to_string),
        message: message.into(),
    }
}

/// Finds the pack folder for `exam` and reads its files.
fn locate_pack(source: &ContentSource, exam: &str) -> Result<PackFiles, ContentError> {
    match source {
        ContentSource::Embedded => {
            let mut codes = Vec::new();
            for dir in EMBEDDED.dirs() {
                let Some(exam_file) = dir.get_file(dir.path().join("exam.yaml")) else {
                    continue;
                };
                let code = peek_code(exam_file.contents());
                if code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(exam)) {
                    let mut files = vec![SourceFile {
                        rel: rel_str(exam_file.path()),
                        bytes: exam_file.contents().to_vec(),
                    }];
                    if let Some(qdir) = dir.get_dir(dir.path().join("questions")) {
                        let mut qs: Vec<_> = qdir
                            .files()
                            .filter(|f| is_yaml(f.path()))
                            .map(|f| SourceFile {
                                rel: rel_str(f.path()),
                                bytes: f.contents().to_vec(),
                            })
                            .collect();
                        qs.sort_by(|a, b| a.rel.cmp(&b.rel));
                        files.extend(qs);
                    }
                    return Ok(PackFiles {
                        files,
                        read_errors: Vec::new(),
                    });
                }
                codes.extend(code);
            }
            Err(err(
                "content",
                None,
                None,
                format!(
                    "no exam pack with code {exam} in the built-in content (available: {})",
                    codes.join(", ")
                ),
            ))
        }
        ContentSource::Dir(root) => locate_on_disk(root, exam),
    }
}

fn rel_str(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml") | Some("yml"))
}

/// Reads `code:` from an exam.yaml without failing; used only to pick the pack.
fn peek_code(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    serde_yaml::from_str::<Code>(text).ok().map(|c| c.code)
}

fn read_capped(path: &Path, label: &str) -> Result<Vec<u8>, ContentError> {
    let meta = std::fs::metadata(path).map_err(|e| err(label, None, None, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(err(label, None, None, "is a directory where a YAML file was expected"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(
            label,
            None,
            None,
            format!(
                "file is {} bytes; the limit is {} bytes: split it into several files",
                meta.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    std::fs::read(path).map_err(|e| err(label, None, None, format!("cannot read: {e}")))
}

fn locate_on_disk(root: &Path, exam: &str) -> Result<PackFiles, ContentError> {
    let root_label = root.display().to_string();
    let entries = std::fs::read_dir(root).map_err(|e| {
        err(
            &root_label,
            None,
            None,
            format!("cannot read the content folder: {e}; pass --content with a folder that holds <pack>/exam.yaml"),
        )
    })?;
    let mut pack_dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    pack_dirs.sort();
    // A folder given directly as a pack (holding exam.yaml) also works.
    if root.join("exam.yaml").exists() {
        pack_dirs.insert(0, root.to_path_buf());
    }
    let mut codes = Vec::new();
    let mut first_error = None;
    for dir in &pack_dirs {
        let exam_path = dir.join("exam.yaml");
        let label = exam_path.display().to_string();
        if !exam_path.exists() {
            continue;
        }
        let bytes = match read_capped(&exam_path, &label) {
            Ok(b) => b,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        let code = peek_code(&bytes);
        let matches = code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(exam));
        // A single pack whose exam.yaml is broken is still validated, so its errors are seen.
        if matches || (code.is_none() && pack_dirs.len() == 1) {
            let mut files = vec![SourceFile {
                rel: label.clone(),
                bytes,
            }];
            let qdir = dir.join("questions");
            let mut read_errors = Vec::new();
            if qdir.exists() {
                let mut paths: Vec<PathBuf> = std::fs::read_dir(&qdir)
                    .map_err(|e| err(&qdir.display().to_string(), None, None, format!("cannot read: {e}")))?
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .collect();
                paths.sort();
                if paths.len() > MAX_FILES {
                    return Err(err(
                        &qdir.display().to_string(),
                        None,
                        None,
                        format!("{} files; the limit is {MAX_FILES}", paths.len()),
                    ));
                }
                for p in paths {
                    let label = p.display().to_string();
                    if p.is_dir() {
                        if is_yaml(&p) {
                            read_errors.push(err(&label, None, None, "is a directory where a YAML file was expected"));
                        }
                        continue;
                    }
                    if !is_yaml(&p) {
                        continue;
                    }
                    match read_capped(&p, &label) {
                        Ok(bytes) => files.push(SourceFile { rel: label, bytes }),
                        Err(e) => read_errors.push(e),
                    }
                }
            }
            return Ok(PackFiles { files, read_errors });
        }
        codes.extend(code);
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    if codes.is_empty() {
        return Err(err(
            &root_label,
            None,
            None,
            "no exam.yaml found: a content folder holds <pack>/exam.yaml and <pack>/questions/*.yaml",
        ));
    }
    Err(err(
        &root_label,
        None,
        None,
        format!(
            "no exam pack with code {exam} (available: {}); pass --exam with one of them",
            codes.join(", ")
        ),
    ))
}

/// Validates a pack from its files; the first file is its `exam.yaml`.
fn validate_pack(files: &[SourceFile]) -> Loaded {
    let mut errors = Vec::new();
    let Some((exam_file, question_files)) = files.split_first() else {
        return Loaded { pack: None, errors };
    };
    let exam = parse_exam(exam_file, &mut errors);
    // Files are parsed in parallel, then merged in file order, which keeps the messages in a
    // stable order and finds ids used twice across files.
    let parsed: Vec<(Vec<Parsed>, Vec<ContentError>)> = question_files
        .par_iter()
        .map(|f| {
            let mut qs = Vec::new();
            let mut errs = Vec::new();
            parse_questions(f, exam.as_ref(), &mut qs, &mut errs);
            (qs, errs)
        })
        .collect();
    let mut questions = Vec::with_capacity(parsed.iter().map(|p| p.0.len()).sum());
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for (qs, mut errs) in parsed {
        errors.append(&mut errs);
        for p in qs {
            let q = p.question;
            if let Some((other_file, other_line)) = seen.get(&q.id) {
                errors.push(err(
                    &q.file,
                    p.id_line,
                    Some(&q.id),
                    format!(
                        "id {} is already used at {other_file}:{other_line}; ids are unique in the pack",
                        q.id
                    ),
                ));
            } else {
                seen.insert(q.id.clone(), (q.file.clone(), p.start_line));
            }
            questions.push(q);
        }
    }
    Loaded {
        pack: exam.map(|exam| Pack::new(exam, questions)),
        errors,
    }
}

/// The deepest nesting the content may use. Flow collections (`[`, `{`) deeper than this, or block
/// content indented past [`MAX_INDENT`] columns, are rejected before the YAML parser sees the
/// text: its cost grows with the square of the depth (100,000 nested brackets took 28 s), and no
/// question needs more than a handful of levels.
const MAX_DEPTH: usize = 64;
const MAX_INDENT: usize = 256;

/// A linear scan for nesting that is too deep: the line of the first offence and a message.
/// It follows YAML's lexical rules as far as nesting needs: quoted scalars (which may span
/// lines), comments, block scalars (`|`, `>`) whose bodies are prose, and flow collections,
/// which start only where a value starts; a `[` inside plain prose is not nesting.
fn nesting_error(text: &str) -> Option<(usize, String)> {
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    // While in a block scalar: the indent of the line that opened it.
    let mut block_scalar: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let b = line.as_bytes();
        let indent = b.iter().take_while(|&&c| c == b' ').count();
        if let Some(parent) = block_scalar {
            if indent > parent || line.trim().is_empty() {
                continue;
            }
            block_scalar = None;
        }
        let mut j = if flow == 0 && quote.is_none() {
            // Block context: skip the indentation and any `- ` / `? ` markers (each one is a
            // level of block nesting), then find where the value starts.
            let mut j = indent;
            while j + 1 < b.len() && (b[j] == b'-' || b[j] == b'?') && b[j + 1] == b' ' {
                j += 2;
                while j < b.len() && b[j] == b' ' {
                    j += 1;
                }
            }
            if j > MAX_INDENT {
                return Some((
                    i + 1,
                    format!("is nested more than {MAX_INDENT} columns deep: flatten the structure"),
                ));
            }
            // A `key: value` line: the value starts after the first `: ` outside quotes.
            if !matches!(b.get(j), Some(b'"' | b'\'' | b'[' | b'{' | b'|' | b'>')) {
                let rest = &line[j..];
                if let Some(k) = rest.find(": ").or_else(|| rest.ends_with(':').then(|| rest.len() - 1)) {
                    j += k + 1;
                    while j < b.len() && b[j] == b' ' {
                        j += 1;
                    }
                } else {
                    continue;
                }
            }
            match b.get(j) {
                Some(b'|' | b'>') => {
                    block_scalar = Some(indent);
                    continue;
                }
                Some(b'"' | b'\'' | b'[' | b'{') => j,
                _ => continue,
            }
        } else {
            0
        };
        while j < b.len() {
            let c = b[j];
            match quote {
                Some(q) => {
                    if c == b'\\' && q == b'"' {
                        j += 1;
                    } else if c == q {
                        if q == b'\'' && b.get(j + 1) == Some(&b'\'') {
                            j += 1;
                        } else {
                            quote = None;
                            if flow == 0 {
                                break;
                            }
                        }
                    }
                }
                None => match c {
                    b'"' | b'\'' => quote = Some(c),
                    b'#' if j == 0 || b[j - 1] == b' ' => break,
                    b'[' | b'{' => {
                        flow += 1;
                        if flow > MAX_DEPTH {
                            return Some((
                                i + 1,
                                format!("is nested more than {MAX_DEPTH} levels deep ([ or {{): flatten the structure"),
                            ));
                        }
                    }
                    b']' | b'}' => {
                        flow = flow.saturating_sub(1);
                        if flow == 0 {
                            break;
                        }
                    }
                    _ => {}
                },
            }
            j += 1;
        }
    }
    None
}

/// Decodes UTF-8, naming the line of the first bad byte, and rejects nesting too deep to parse
/// in reasonable time.
fn decode<'a>(f: &'a SourceFile, errors: &mut Vec<ContentError>) -> Option<&'a str> {
    match std::str::from_utf8(&f.bytes) {
        Ok(t) => match nesting_error(t) {
            None => Some(t),
            Some((line, msg)) => {
                errors.push(err(&f.rel, Some(line), None, msg));
                None
            }
        },
        Err(e) => {
            let line = f.bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            errors.push(err(
                &f.rel,
                Some(line),
                None,
                "is not valid UTF-8 text: save it as UTF-8",
            ));
            None
        }
    }
}

fn yaml_error(f: &SourceFile, e: &serde_yaml::Error) -> ContentError {
    let mut line = e.location().map(|l| l.line());
    // For a duplicate key serde_yaml points at the mapping; point at the second key instead.
    if let (Some(l), Some(key)) = (line, duplicate_key(&e.to_string()))
        && let Ok(text) = std::str::from_utf8(&f.bytes)
    {
        let lines = Lines::new(text);
        let first = lines.find_key(l - 1, lines.len(), &key);
        line = first.and_then(|a| lines.find_key(a, lines.len(), &key)).or(line);
    }
    // serde_yaml appends " at line L column C" to its messages; the line is shown already.
    let mut msg = e.to_string();
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    err(&f.rel, line, None, format!("YAML error: {msg}"))
}

fn parse_exam(f: &SourceFile, errors: &mut Vec<ContentError>) -> Option<Exam> {
    let text = decode(f, errors)?;
    let exam: Exam = match serde_yaml::from_str(text) {
        Ok(e) => e,
        Err(e) => {
            errors.push(yaml_error(f, &e));
            return None;
        }
    };
    let lines = Lines::new(text);
    let before = errors.len();
    let at = |needle: &str| lines.find_value(0, lines.len(), needle);
    let fmt = exam.format;
    if fmt.scored == 0 || fmt.scored > fmt.questions {
        errors.push(err(
            &f.rel,
            at("scored"),
            None,
            format!(
                "format.scored is {} but must be between 1 and format.questions ({})",
                fmt.scored, fmt.questions
            ),
        ));
    }
    if fmt.minutes == 0 {
        errors.push(err(&f.rel, at("minutes"), None, "format.minutes must be at least 1"));
    }
    if !(fmt.score_min < fmt.passing_score && fmt.passing_score < fmt.score_max) {
        errors.push(err(
            &f.rel,
            at("passing_score"),
            None,
            format!(
                "format.passing_score {} must lie strictly between score_min {} and score_max {}",
                fmt.passing_score, fmt.score_min, fmt.score_max
            ),
        ));
    }
    if exam.code.trim().is_empty() || exam.title.trim().is_empty() {
        errors.push(err(&f.rel, at("code"), None, "code and title must not be empty"));
    }
    if exam.domains.is_empty() {
        errors.push(err(&f.rel, at("domains"), None, "the blueprint has no domains"));
    }
    let total: u32 = exam.domains.iter().map(|d| d.weight).sum();
    if total != 100 {
        errors.push(err(
            &f.rel,
            at("domains"),
            None,
            format!("domain weights sum to {total}, not 100"),
        ));
    }
    let mut c = IdCheck {
        errors,
        ids: HashSet::new(),
        lines: &lines,
        file: &f.rel,
    };
    for d in &exam.domains {
        c.check(&d.id, "domain", None, d.tasks.is_empty().then_some("tasks"));
        for t in &d.tasks {
            c.check(&t.id, "task", Some(&d.id), t.skills.is_empty().then_some("skills"));
            for s in &t.skills {
                c.check(&s.id, "skill", Some(&t.id), None);
                if s.title.trim().is_empty() {
                    c.fail(&s.id, format!("skill {} has an empty title", s.id));
                }
            }
        }
    }
    (errors.len() == before).then_some(exam)
}

/// Checks of the blueprint's ids: unique, dotted numbers, each under its parent.
struct IdCheck<'a, 'b> {
    errors: &'a mut Vec<ContentError>,
    ids: HashSet<String>,
    lines: &'a Lines<'b>,
    file: &'a str,
}

impl IdCheck<'_, '_> {
    fn line_of(&self, id: &str) -> Option<usize> {
        self.lines.find_key_value(0, self.lines.len(), "id", id)
    }

    fn fail(&mut self, id: &str, message: String) {
        let line = self.line_of(id);
        self.errors.push(err(self.file, line, None, message));
    }

    /// `empty_children` names what the entry lacks ("tasks", "skills"), if it lacks them.
    fn check(&mut self, id: &str, what: &str, parent: Option<&str>, empty_children: Option<&str>) {
        let mut line = self.line_of(id);
        if !self.ids.insert(id.to_string()) {
            // Point at the second occurrence, the one to change.
            line = line
                .and_then(|first| self.lines.find_key_value(first, self.lines.len(), "id", id))
                .or(line);
            self.errors.push(err(
                self.file,
                line,
                None,
                format!("{what} id {id} is used twice in the blueprint"),
            ));
        }
        if id.is_empty() || !id.chars().all(|ch| ch.is_ascii_digit() || ch == '.') {
            let m = format!("{what} id {id:?} must be dotted numbers such as 1.2.3");
            self.errors.push(err(self.file, line, None, m));
        }
        if let Some(p) = parent
            && crate::model::parent_id(id) != p
        {
            self.errors.push(err(
                self.file,
                line,
                None,
                format!("{what} id {id} must start with {p}."),
            ));
        }
        if let Some(children) = empty_children {
            self.errors
                .push(err(self.file, line, None, format!("{what} {id} has no {children}")));
        }
    }
}

/// The fields of a question, with options and references kept raw so each can be checked and
/// located on its own.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    skill: String,
    kind: Kind,
    difficulty: i64,
    stem: String,
    options: Vec<Value>,
    explanation: String,
    references: Vec<Value>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    verified: Option<Value>,
}

const QUESTION_KEYS: &[&str] = &[
    "id",
    "skill",
    "kind",
    "difficulty",
    "stem",
    "options",
    "explanation",
    "references",
    "tags",
    "verified",
];

/// A question as parsed from its file, with the lines that messages about it point to.
struct Parsed {
    question: Question,
    id_line: Option<usize>,
    start_line: usize,
}

/// Parses and checks one question file on its own (files are parsed in parallel); what
/// depends on other files (ids used twice) is checked when the results are merged.
fn parse_questions(f: &SourceFile, exam: Option<&Exam>, out: &mut Vec<Parsed>, errors: &mut Vec<ContentError>) {
    let Some(text) = decode(f, errors) else { return };
    let doc: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(yaml_error(f, &e));
            return;
        }
    };
    let lines = Lines::new(text);
    let Value::Mapping(mut map) = doc else {
        let what = if doc.is_null() {
            "is empty"
        } else {
            "must be a mapping with a `questions:` list"
        };
        errors.push(err(
            &f.rel,
            Some(1),
            None,
            format!("{what}: a question file holds `questions:` followed by a list"),
        ));
        return;
    };
    for k in map.keys() {
        if k.as_str() != Some("questions") {
            let name = key_name(k);
            errors.push(err(
                &f.rel,
                lines.find_key(0, lines.len(), &name),
                None,
                format!("unknown top-level key `{name}`: a question file holds only `questions:`"),
            ));
        }
    }
    let items = match map.remove("questions") {
        Some(Value::Sequence(s)) => s,
        Some(Value::Null) | None => {
            errors.push(err(
                &f.rel,
                lines.find_key(0, lines.len(), "questions"),
                None,
                "has no `questions:` list",
            ));
            return;
        }
        Some(_) => {
            errors.push(err(
                &f.rel,
                lines.find_key(0, lines.len(), "questions"),
                None,
                "`questions` must be a list",
            ));
            return;
        }
    };
    let spans = lines.list_items(
        lines.find_key(0, lines.len(), "questions").map(|l| l - 1),
        0,
        lines.len(),
    );
    for (i, item) in items.into_iter().enumerate() {
        let (start, end) = spans.get(i).copied().unwrap_or((0, lines.len()));
        let line = Some(start + 1);
        let id_guess = item.get("id").and_then(Value::as_str).map(str::to_string);
        let qid = id_guess.as_deref();
        let raw: RawQuestion = match serde_yaml::from_value(item) {
            Ok(r) => r,
            Err(e) => {
                let msg = e.to_string();
                let l = backticked(&msg)
                    .filter(|k| !QUESTION_KEYS.contains(&k.as_str()) || msg.starts_with("missing"))
                    .and_then(|k| lines.find_key(start, end, &k))
                    .or(line);
                errors.push(err(&f.rel, l, qid, field_message(&msg)));
                continue;
            }
        };
        let qid = Some(raw.id.as_str());
        let key_line = |k: &str| lines.find_key(start, end, k).or(line);
        let mut bad = |l: Option<usize>, m: String| errors.push(err(&f.rel, l, qid, m));
        if raw.id.is_empty()
            || !raw
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            bad(key_line("id"), format!("id {:?} may use only a-z, 0-9 and -", raw.id));
        }
        let id_line = key_line("id");
        if let Some(exam) = exam
            && exam.skill(&raw.skill).is_none()
        {
            bad(key_line("skill"), format!("skill {:?} is not in exam.yaml", raw.skill));
        }
        if !(1..=3).contains(&raw.difficulty) {
            bad(
                key_line("difficulty"),
                format!("difficulty is {} but must be 1, 2 or 3", raw.difficulty),
            );
        }
        if raw.stem.trim().is_empty() {
            bad(key_line("stem"), "stem is empty".to_string());
        }
        if raw.explanation.trim().is_empty() {
            bad(key_line("explanation"), "explanation is empty".to_string());
        }
        let opt_header = lines.find_key(start, end, "options").map(|l| l - 1);
        let opt_spans = lines.list_items(opt_header, start, end);
        let mut options = Vec::new();
        let n = raw.options.len();
        for (j, v) in raw.options.into_iter().enumerate() {
            let (os, oe) = opt_spans.get(j).copied().unwrap_or((start, end));
            let oline = Some(os + 1);
            match serde_yaml::from_value::<QOption>(v) {
                Ok(o) => {
                    if o.text.trim().is_empty() {
                        bad(
                            lines.find_key(os, oe, "text").or(oline),
                            format!("option {} has empty text", j + 1),
                        );
                    }
                    if o.why.trim().is_empty() {
                        bad(
                            lines.find_key(os, oe, "why").or(oline),
                            format!("option {} has an empty `why`", j + 1),
                        );
                    }
                    options.push(o);
                }
                Err(e) => {
                    let msg = e.to_string();
                    let l = backticked(&msg).and_then(|k| lines.find_key(os, oe, &k)).or(oline);
                    bad(l, format!("option {}: {}", j + 1, field_message(&msg)));
                }
            }
        }
        let mut texts = HashSet::new();
        for o in &options {
            if !o.text.trim().is_empty() && !texts.insert(o.text.trim().to_lowercase()) {
                bad(
                    key_line("options"),
                    format!("two options have the same text: {:?}", truncate(&o.text, 60)),
                );
            }
        }
        let correct = options.iter().filter(|o| o.correct).count();
        if options.len() == n {
            match raw.kind {
                Kind::Single => {
                    if n != 4 {
                        bad(
                            key_line("options"),
                            format!("a single-answer question has exactly 4 options, not {n}"),
                        );
                    }
                    if correct != 1 {
                        bad(
                            key_line("options"),
                            format!("a single-answer question has exactly 1 correct option, not {correct}"),
                        );
                    }
                }
                Kind::Multiple => {
                    if !(5..=6).contains(&n) {
                        bad(
                            key_line("options"),
                            format!("a multiple-response question has 5 or 6 options, not {n}"),
                        );
                    }
                    if correct < 2 || correct >= n {
                        bad(
                            key_line("options"),
                            format!(
                                "a multiple-response question has at least 2 correct options and not all of them, not {correct} of {n}"
                            ),
                        );
                    }
                }
            }
        }
        let mut references = Vec::new();
        if raw.references.is_empty() {
            bad(key_line("references"), "needs at least one reference".to_string());
        }
        for (j, v) in raw.references.into_iter().enumerate() {
            match serde_yaml::from_value::<Reference>(v) {
                Ok(r) => {
                    if r.title.trim().is_empty() {
                        bad(
                            key_line("references"),
                            format!("reference {} has an empty title", j + 1),
                        );
                    }
                    if let Some(u) = &r.url
                        && !is_absolute_https(u)
                    {
                        bad(
                            key_line("references"),
                            format!(
                                "reference {} url {u:?} must be an absolute https:// address with a host, such as https://docs.aws.amazon.com/...",
                                j + 1
                            ),
                        );
                    }
                    references.push(r);
                }
                Err(e) => bad(
                    key_line("references"),
                    format!("reference {}: {}", j + 1, field_message(&e.to_string())),
                ),
            }
        }
        let verified = match raw.verified {
            None | Some(Value::Null) => None,
            Some(v) => {
                let text = match &v {
                    Value::String(s) => s.clone(),
                    other => key_name(other),
                };
                match Month::parse(&text) {
                    Some(m) => Some(m),
                    None => {
                        bad(
                            key_line("verified"),
                            format!(
                                "verified {text:?} must be a year and month such as 2026-12 (the month its facts were last checked)"
                            ),
                        );
                        None
                    }
                }
            }
        };
        out.push(Parsed {
            question: Question {
                id: raw.id,
                skill: raw.skill,
                kind: raw.kind,
                difficulty: raw.difficulty.clamp(0, 255) as u8,
                stem: raw.stem,
                options,
                explanation: raw.explanation,
                references,
                tags: raw.tags,
                verified,
                file: f.rel.clone(),
            },
            id_line,
            start_line: start + 1,
        });
    }
}

/// An absolute https URL with a host: `https://host/...`, no spaces.
fn is_absolute_https(u: &str) -> bool {
    let Some(rest) = u.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
        && !u.chars().any(char::is_whitespace)
}

/// The key of a serde_yaml "duplicate entry with key \"k\"" message.
fn duplicate_key(msg: &str) -> Option<String> {
    let rest = msg.split("duplicate entry with key \"").nth(1)?;
    Some(rest.split('"').next()?.to_string())
}

fn key_name(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(n).collect::<String>())
    }
}

/// The first `name` in backticks of a serde message ("unknown field `foo`, expected ...").
fn backticked(msg: &str) -> Option<String> {
    let a = msg.find('`')?;
    let b = msg[a + 1..].find('`')?;
    Some(msg[a + 1..a + 1 + b].to_string())
}

/// serde's messages, made to read as advice.
fn field_message(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if msg.starts_with("unknown field") {
        format!("{msg}: remove or rename the key")
    } else if msg.starts_with("missing field") {
        format!("{msg}: add it")
    } else {
        msg.to_string()
    }
}

/// Line lookups over a YAML text in block style. Line numbers returned are 1-based; ranges
/// are 0-based half-open `[start, end)` over line indices.
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            lines: text.lines().collect(),
        }
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    fn content(line: &str) -> Option<(usize, &str)> {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return None;
        }
        Some((line.len() - trimmed.len(), trimmed))
    }

    /// The first line in range whose key (after an optional "- ") is `key`.
    fn find_key(&self, start: usize, end: usize, key: &str) -> Option<usize> {
        (start..end.min(self.len())).find_map(|i| {
            let (_, t) = Self::content(self.lines[i])?;
            let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
            let rest = t.strip_prefix(key)?;
            rest.starts_with(':').then_some(i + 1)
        })
    }

    fn find_value(&self, start: usize, end: usize, key: &str) -> Option<usize> {
        self.find_key(start, end, key)
    }

    /// The first line in range with `key: value` (value possibly quoted).
    fn find_key_value(&self, start: usize, end: usize, key: &str, value: &str) -> Option<usize> {
        (start..end.min(self.len())).find_map(|i| {
            let (_, t) = Self::content(self.lines[i])?;
            let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
            let rest = t.strip_prefix(key)?.strip_prefix(':')?.trim();
            let rest = rest.split(" #").next().unwrap_or(rest).trim();
            let v = rest.trim_matches(|c| c == '"' || c == '\'');
            (v == value).then_some(i + 1)
        })
    }

    /// The `[start, end)` line spans of the items of the block list under the key on line
    /// index `header` (0-based), searching within `[lo, hi)`.
    fn list_items(&self, header: Option<usize>, lo: usize, hi: usize) -> Vec<(usize, usize)> {
        let Some(h) = header else { return Vec::new() };
        let hi = hi.min(self.len());
        let Some((key_indent, _)) = Self::content(self.lines[h]) else {
            return Vec::new();
        };
        let key_indent = if self.lines[h].trim_start().starts_with("- ") {
            key_indent + 2
        } else {
            key_indent
        };
        let mut starts = Vec::new();
        let mut item_indent = None;
        let mut end = hi;
        for i in (h + 1).max(lo)..hi {
            let Some((ind, t)) = Self::content(self.lines[i]) else {
                continue;
            };
            match item_indent {
                None => {
                    if t.starts_with('-') && ind >= key_indent {
                        item_indent = Some(ind);
                        starts.push(i);
                    } else {
                        break;
                    }
                }
                Some(ii) => {
                    if ind < ii || (ind == ii && !t.starts_with('-')) {
                        end = i;
                        break;
                    }
                    if ind == ii {
                        starts.push(i);
                    }
                }
            }
        }
        let mut spans = Vec::with_capacity(starts.len());
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(end);
            spans.push((s, e));
        }
        spans
    }
}

/// Names of the packs in a source, for messages.
pub fn pack_codes(source: &ContentSource) -> Vec<String> {
    match source {
        ContentSource::Embedded => EMBEDDED
            .dirs()
            .filter_map(|d| d.get_file(d.path().join("exam.yaml")))
            .filter_map(|f| peek_code(f.contents()))
            .collect(),
        ContentSource::Dir(root) => std::fs::read_dir(root)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| std::fs::read(e.path().join("exam.yaml")).ok())
                    .filter_map(|b| peek_code(&b))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Coverage of a pack against its blueprint: counts per domain, task and skill.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub questions: usize,
    pub single: usize,
    pub multiple: usize,
    pub by_difficulty: [usize; 3],
    pub domains: BTreeMap<String, usize>,
    pub tasks: BTreeMap<String, usize>,
    pub skills: BTreeMap<String, usize>,
    /// Questions with a `verified` month.
    pub verified: usize,
    /// The oldest `verified` month: when the bank next needs a pass.
    pub oldest_verified: Option<Month>,
    /// Questions with at least one reference on docs.aws.amazon.com.
    pub with_docs_url: usize,
}

/// Whether a reference URL is a page of the AWS documentation.
pub fn is_aws_docs_url(u: &str) -> bool {
    u.starts_with("https://docs.aws.amazon.com/")
}

pub fn coverage(pack: &Pack) -> Coverage {
    let mut c = Coverage::default();
    for (d, t, s) in pack.exam.skills() {
        c.domains.entry(d.id.clone()).or_insert(0);
        c.tasks.entry(t.id.clone()).or_insert(0);
        c.skills.entry(s.id.clone()).or_insert(0);
    }
    for q in &pack.questions {
        c.questions += 1;
        match q.kind {
            Kind::Single => c.single += 1,
            Kind::Multiple => c.multiple += 1,
        }
        if (1..=3).contains(&q.difficulty) {
            c.by_difficulty[usize::from(q.difficulty - 1)] += 1;
        }
        if let Some(m) = q.verified {
            c.verified += 1;
            c.oldest_verified = Some(c.oldest_verified.map_or(m, |o| o.min(m)));
        }
        if q.references
            .iter()
            .any(|r| r.url.as_deref().is_some_and(is_aws_docs_url))
        {
            c.with_docs_url += 1;
        }
        if let Some(v) = c.skills.get_mut(&q.skill) {
            *v += 1;
        }
        if let Some(v) = c.tasks.get_mut(q.task_id()) {
            *v += 1;
        }
        if let Some(v) = c.domains.get_mut(q.domain_id()) {
            *v += 1;
        }
    }
    c
}

/// Why [`write_synthetic_bank`] could not write the bank.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("the pack has no questions to copy")]
    NoQuestions,
    #[error("cannot create {}: {message}", path.display())]
    CreateDir { path: PathBuf, message: String },
    #[error("the pack's exam.yaml is not built in")]
    NotBuiltIn,
    /// Writing a file, or serialising its questions, failed: the cause's own words.
    #[error("{0}")]
    Write(String),
}

/// Writes a synthetic bank of `n` questions — the pack's own, copied round-robin with new ids
/// (`<id>-s<k>`) — as a content tree under `out`, 100 questions a file. For benchmarks and
/// scale tests; the text is the pack's exam.yaml and questions re-serialised.
pub fn write_synthetic_bank(pack: &Pack, n: usize, out: &Path) -> Result<String, BankError> {
    use serde::Serialize;
    #[derive(Serialize)]
    struct Opt<'a> {
        text: &'a str,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        correct: bool,
        why: &'a str,
    }
    #[derive(Serialize)]
    struct Ref<'a> {
        title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct Q<'a> {
        id: String,
        skill: &'a str,
        kind: &'a str,
        difficulty: u8,
        stem: &'a str,
        options: Vec<Opt<'a>>,
        explanation: &'a str,
        references: Vec<Ref<'a>>,
        tags: &'a [String],
    }
    #[derive(Serialize)]
    struct File<'a> {
        questions: Vec<Q<'a>>,
    }
    if pack.questions.is_empty() {
        return Err(BankError::NoQuestions);
    }
    let dir = out.join(pack.exam.code.to_lowercase());
    let qdir = dir.join("questions");
    std::fs::create_dir_all(&qdir).map_err(|e| BankError::CreateDir {
        path: qdir.clone(),
        message: e.to_string(),
    })?;
    let exam = builtin_exam_yaml(&pack.exam.code)
        .map(<[u8]>::to_vec)
        .ok_or(BankError::NotBuiltIn)?;
    std::fs::write(dir.join("exam.yaml"), exam).map_err(|e| BankError::Write(e.to_string()))?;
    let mut chunk = Vec::new();
    let mut file_no = 0;
    for i in 0..n {
        let q = &pack.questions[i % pack.questions.len()];
        chunk.push(Q {
            id: format!("{}-s{}", q.id, i / pack.questions.len()),
            skill: &q.skill,
            kind: match q.kind {
                Kind::Single => "single",
                Kind::Multiple => "multiple",
            },
            difficulty: q.difficulty,
            stem: &q.stem,
            options: q
                .options
                .iter()
                .map(|o| Opt {
                    text: &o.text,
                    correct: o.correct,
                    why: &o.why,
                })
                .collect(),
            explanation: &q.explanation,
            references: q
                .references
                .iter()
                .map(|r| Ref {
                    title: &r.title,
                    url: r.url.as_deref(),
                })
                .collect(),
            tags: &q.tags,
        });
        if chunk.len() == 100 || i + 1 == n {
            let text = serde_yaml::to_string(&File {
                questions: std::mem::take(&mut chunk),
            })
            .map_err(|e| BankError::Write(e.to_string()))?;
            std::fs::write(qdir.join(format!("bank-{file_no:04}.yaml")), text)
                .map_err(|e| BankError::Write(e.to_string()))?;
            file_no += 1;
        }
    }
    Ok(format!(
        "Wrote {n} questions in {file_no} files under {}\n",
        dir.display()
    ))
}
