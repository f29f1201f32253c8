//! Fuzz the content loader from raw bytes: the input is one question file validated against
//! the built-in SOA-C03 blueprint, or — when it starts with `EXAM\n` — an exam.yaml and a
//! question file split at the first `\n---FILE---\n`. Nothing may panic; everything must come
//! back as a pack or as errors.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (exam, questions): (&[u8], &[u8]) = match data.strip_prefix(b"EXAM\n") {
        Some(rest) => {
            let sep = b"\n---FILE---\n";
            match rest.windows(sep.len()).position(|w| w == sep) {
                Some(i) => (&rest[..i], &rest[i + sep.len()..]),
                None => (rest, b""),
            }
        }
        None => (cloudprep::content::builtin_exam_yaml("SOA-C03").unwrap_or_default(), data),
    };
    let loaded = cloudprep::content::load_from_bytes(exam, &[("fuzz.yaml", questions)]);
    // Every error names its file.
    for e in &loaded.errors {
        assert!(!e.file.is_empty());
    }
});
