-- 0008: transcripts. A claim from a transcript keeps its turn (0-based, in the order spoken),
-- the speaker's role when the transcript says it, and the turn's time span in seconds (from
-- SRT/WebVTT cues). An article records whether it was read as an article or a transcript.
-- Append-only: never edit a migration that has landed; add a new numbered file instead.

ALTER TABLE claims ADD COLUMN turn INTEGER;
-- The transcript's own line number: a TSV row's line column, else the input line where the
-- sentence's paragraph or cue begins (NULL for articles).
ALTER TABLE claims ADD COLUMN source_line INTEGER;
ALTER TABLE claims ADD COLUMN speaker_role TEXT
    CHECK (speaker_role IS NULL OR speaker_role IN ('moderator', 'candidate', 'audience', 'speaker'));
ALTER TABLE claims ADD COLUMN time_start REAL;
ALTER TABLE claims ADD COLUMN time_end REAL;
ALTER TABLE articles ADD COLUMN format TEXT NOT NULL DEFAULT 'article'
    CHECK (format IN ('article', 'transcript'));
