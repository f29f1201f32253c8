-- cloudprep schema, version 5: bookmarks and notes on questions, the time spent on each
-- mock-exam item, and the card's phase before each answer (so that true retention can count
-- only the answers to cards that were due for review), with an index for each new read.

-- A bookmarked question, with the time it was set.
CREATE TABLE bookmarks (
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (exam, question_id)
) STRICT;

-- The learner's own note on a question (one per question; an empty note is deleted).
CREATE TABLE notes (
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (exam, question_id)
) STRICT;

-- Total time the learner spent on a mock-exam item, summed over visits; the item's answer
-- carries it into the review log as elapsed_ms when the exam is submitted.
ALTER TABLE exam_items ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0;

-- The card's phase before this answer; NULL for answers logged before version 5.
ALTER TABLE reviews ADD COLUMN phase TEXT CHECK (phase IN ('new', 'learning', 'review', 'relearning'));

-- The median time per question of a domain reads that domain's latest timed answers: this
-- index gives them newest first, elapsed_ms included, without touching the review rows. The
-- domain is the skill id's first component ("2.1.3" -> "2"); Store::median_ms_by_domain
-- writes the same expression, which SQLite needs to match exactly to use the index. Untimed
-- answers (elapsed_ms 0: exam answers before version 5) are left out.
CREATE INDEX reviews_by_domain_time
    ON reviews (exam, substr(skill, 1, instr(skill || '.', '.') - 1), reviewed_at, elapsed_ms)
    WHERE elapsed_ms > 0;

-- True retention counts the review-mode answers to cards that were in the review phase (due,
-- not new, not in (re)learning steps) over the last 30 days: this index holds just those, by
-- time, with whether they were right. Empty after the upgrade (old rows have no phase).
CREATE INDEX reviews_due_by_time ON reviews (exam, reviewed_at, correct)
    WHERE mode = 'review' AND phase = 'review';
