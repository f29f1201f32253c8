-- cloudprep schema, version 1.
-- Times are INTEGER milliseconds since the Unix epoch, UTC. Option indices are the original
-- indices of the question file (JSON arrays of integers), never the shuffled display order.
-- Question ids are not foreign keys: questions live in content files, and a question removed
-- from the content keeps its history here ("retired").

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One FSRS card per question the learner has met.
CREATE TABLE cards (
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('new', 'learning', 'review', 'relearning')),
    stability   REAL,
    difficulty  REAL,
    due         INTEGER NOT NULL,
    step        INTEGER NOT NULL DEFAULT 0,   -- index into the (re)learning steps
    reps        INTEGER NOT NULL DEFAULT 0,
    lapses      INTEGER NOT NULL DEFAULT 0,
    last_review INTEGER,
    PRIMARY KEY (exam, question_id)
) STRICT;
CREATE INDEX cards_due ON cards (exam, due);

-- The review log: every graded answer, in every mode. Append-only.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    skill       TEXT    NOT NULL,   -- kept so history survives the question's removal
    difficulty  INTEGER NOT NULL DEFAULT 2,
    reviewed_at INTEGER NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    mode        TEXT    NOT NULL CHECK (mode IN ('practice', 'review', 'drill', 'exam')),
    elapsed_ms  INTEGER NOT NULL DEFAULT 0,
    chosen      TEXT    NOT NULL DEFAULT '[]',
    exam_id     INTEGER REFERENCES exams (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX reviews_by_question ON reviews (exam, question_id, reviewed_at);
CREATE INDEX reviews_by_time ON reviews (exam, reviewed_at);

-- Mock exams. A row with finished_at NULL is the exam in progress.
CREATE TABLE exams (
    id            INTEGER PRIMARY KEY,
    exam          TEXT    NOT NULL,
    seed          INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    time_limit_ms INTEGER,                     -- NULL when untimed
    elapsed_ms    INTEGER NOT NULL DEFAULT 0,  -- clock used, saved every few seconds
    position      INTEGER NOT NULL DEFAULT 0,
    raw_correct   INTEGER,
    scored_total  INTEGER,
    scaled_score  INTEGER,
    passed        INTEGER CHECK (passed IN (0, 1)),
    timed_out     INTEGER NOT NULL DEFAULT 0 CHECK (timed_out IN (0, 1))
) STRICT;
CREATE INDEX exams_by_exam ON exams (exam, finished_at);

CREATE TABLE exam_items (
    exam_id      INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    domain       TEXT    NOT NULL,
    skill        TEXT    NOT NULL,
    scored       INTEGER NOT NULL CHECK (scored IN (0, 1)),
    option_order TEXT    NOT NULL,             -- display position -> original index
    chosen       TEXT    NOT NULL DEFAULT '[]',
    flagged      INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    correct      INTEGER CHECK (correct IN (0, 1)),  -- set when the exam is submitted
    answered_at  INTEGER,
    PRIMARY KEY (exam_id, position)
) STRICT;

-- "This question is wrong or unclear", with the learner's note.
CREATE TABLE question_reports (
    id          INTEGER PRIMARY KEY,
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    note        TEXT    NOT NULL
) STRICT;
