-- Goals, worth ratings and the record of nudges already sent.

-- A commitment about a target (a platform id such as 'instagram', or a category).
-- Which columns are set depends on the kind:
--   daily_limit, weekly_limit, session_cap: limit_secs
--   downtime: start_min, end_min (minutes after local midnight; end < start crosses midnight)
--   checks_cap: max_count (sessions per day)
--   intent: purpose, and limit_secs as the planned session length (optional)
CREATE TABLE goals (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('platform', 'category')),
    target      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('daily_limit', 'weekly_limit', 'downtime',
                                              'session_cap', 'checks_cap', 'intent')),
    limit_secs  INTEGER CHECK (limit_secs IS NULL OR limit_secs > 0),
    start_min   INTEGER CHECK (start_min IS NULL OR start_min BETWEEN 0 AND 1439),
    end_min     INTEGER CHECK (end_min IS NULL OR end_min BETWEEN 0 AND 1439),
    max_count   INTEGER CHECK (max_count IS NULL OR max_count >= 0),
    purpose     TEXT,
    weekdays    INTEGER NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127), -- bit 0 = Monday
    paused      INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    source      TEXT NOT NULL DEFAULT 'personal',                             -- or 'family:<id>'
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL
);

-- The user's verdict on a session or a day: worth it (1) or not (0).
CREATE TABLE ratings (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL CHECK (scope IN ('session', 'day')),
    platform  TEXT,                   -- the session's platform; NULL for a day
    start_ms  INTEGER NOT NULL,       -- the rated session's or day's bounds, UTC ms
    end_ms    INTEGER NOT NULL CHECK (end_ms > start_ms),
    day       TEXT NOT NULL,          -- the local day, YYYY-MM-DD
    worth     INTEGER NOT NULL CHECK (worth IN (0, 1)),
    rated_ms  INTEGER NOT NULL,
    UNIQUE (scope, platform, start_ms)
);

-- Nudges (notifications, rating prompts) already sent, so that each fires at most once per
-- goal, day and threshold, across tracker restarts. Keys are built by the nudge module,
-- e.g. 'goal:3:2026-11-28:80'.
CREATE TABLE nudges (
    key     TEXT PRIMARY KEY,
    day     TEXT NOT NULL,
    sent_ms INTEGER NOT NULL
) WITHOUT ROWID;
