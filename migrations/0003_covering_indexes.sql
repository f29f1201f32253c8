-- cloudprep schema, version 3: covering indexes for the two reads that run before the first
-- frame of the dashboard — the latest answers of each skill (mastery) and the latest answers
-- overall (readiness) — so that they read index pages only, never the review rows themselves.
-- Same names, same leading columns: every query that used the old indexes uses these.
DROP INDEX reviews_by_skill;
CREATE INDEX reviews_by_skill ON reviews (exam, skill, reviewed_at, correct, mode);
DROP INDEX reviews_by_time;
CREATE INDEX reviews_by_time ON reviews (exam, reviewed_at, question_id, skill, correct, mode);
