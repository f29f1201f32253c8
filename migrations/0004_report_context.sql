-- cloudprep schema, version 4: a question report keeps what the learner saw — the option order
-- shown (original option indices, as JSON) and the options chosen (original indices) — since
-- options are shuffled on every showing and "option D is also right" means nothing without it.
ALTER TABLE question_reports ADD COLUMN shown_order TEXT NOT NULL DEFAULT '[]';
ALTER TABLE question_reports ADD COLUMN chosen TEXT NOT NULL DEFAULT '[]';
