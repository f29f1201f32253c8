-- cloudprep schema, version 2: running totals kept by triggers, so that the dashboard and
-- `stats` never scan the whole review log, plus an index for per-skill recent answers.

-- Per skill: answers and right answers.
CREATE TABLE skill_totals (
    exam     TEXT    NOT NULL,
    skill    TEXT    NOT NULL,
    answered INTEGER NOT NULL,
    correct  INTEGER NOT NULL,
    PRIMARY KEY (exam, skill)
) STRICT;

-- Per question: first and last answer, answers.
CREATE TABLE question_totals (
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    first_at    INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    answered    INTEGER NOT NULL,
    PRIMARY KEY (exam, question_id)
) STRICT;
CREATE INDEX question_totals_first ON question_totals (exam, first_at);

-- Per UTC hour: answers (local days are whole hours for whole-hour time zones).
CREATE TABLE hour_totals (
    exam     TEXT    NOT NULL,
    hour     INTEGER NOT NULL,   -- reviewed_at / 3600000
    answered INTEGER NOT NULL,
    PRIMARY KEY (exam, hour)
) STRICT;

-- Per question difficulty: answers and right answers.
CREATE TABLE difficulty_totals (
    exam       TEXT    NOT NULL,
    difficulty INTEGER NOT NULL,
    answered   INTEGER NOT NULL,
    correct    INTEGER NOT NULL,
    PRIMARY KEY (exam, difficulty)
) STRICT;

INSERT INTO skill_totals (exam, skill, answered, correct)
    SELECT exam, skill, COUNT(*), SUM(correct) FROM reviews GROUP BY exam, skill;
INSERT INTO question_totals (exam, question_id, first_at, last_at, answered)
    SELECT exam, question_id, MIN(reviewed_at), MAX(reviewed_at), COUNT(*) FROM reviews GROUP BY exam, question_id;
INSERT INTO hour_totals (exam, hour, answered)
    SELECT exam, reviewed_at / 3600000, COUNT(*) FROM reviews GROUP BY exam, reviewed_at / 3600000;
INSERT INTO difficulty_totals (exam, difficulty, answered, correct)
    SELECT exam, difficulty, COUNT(*), SUM(correct) FROM reviews GROUP BY exam, difficulty;

CREATE TRIGGER reviews_totals AFTER INSERT ON reviews BEGIN
    INSERT INTO skill_totals (exam, skill, answered, correct) VALUES (NEW.exam, NEW.skill, 1, NEW.correct)
        ON CONFLICT (exam, skill) DO UPDATE SET answered = answered + 1, correct = correct + NEW.correct;
    INSERT INTO question_totals (exam, question_id, first_at, last_at, answered)
        VALUES (NEW.exam, NEW.question_id, NEW.reviewed_at, NEW.reviewed_at, 1)
        ON CONFLICT (exam, question_id) DO UPDATE SET
            first_at = MIN(first_at, NEW.reviewed_at), last_at = MAX(last_at, NEW.reviewed_at), answered = answered + 1;
    INSERT INTO hour_totals (exam, hour, answered) VALUES (NEW.exam, NEW.reviewed_at / 3600000, 1)
        ON CONFLICT (exam, hour) DO UPDATE SET answered = answered + 1;
    INSERT INTO difficulty_totals (exam, difficulty, answered, correct) VALUES (NEW.exam, NEW.difficulty, 1, NEW.correct)
        ON CONFLICT (exam, difficulty) DO UPDATE SET answered = answered + 1, correct = correct + NEW.correct;
END;

-- The last answers of one skill, newest first, without a scan.
CREATE INDEX reviews_by_skill ON reviews (exam, skill, reviewed_at);
