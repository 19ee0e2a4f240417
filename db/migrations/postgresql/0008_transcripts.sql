-- 0008 (PostgreSQL): transcripts (turn, speaker role, time span per claim; article format).
-- Mirrors ../0008_transcripts.sql.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

ALTER TABLE claims ADD COLUMN turn INTEGER;
-- The transcript's own line number: a TSV row's line column, else the input line where the
-- sentence's paragraph or cue begins (NULL for articles).
ALTER TABLE claims ADD COLUMN source_line INTEGER;
ALTER TABLE claims ADD COLUMN speaker_role TEXT
    CHECK (speaker_role IS NULL OR speaker_role IN ('moderator', 'candidate', 'audience', 'speaker'));
ALTER TABLE claims ADD COLUMN time_start DOUBLE PRECISION;
ALTER TABLE claims ADD COLUMN time_end DOUBLE PRECISION;
ALTER TABLE articles ADD COLUMN format TEXT NOT NULL DEFAULT 'article'
    CHECK (format IN ('article', 'transcript'));
