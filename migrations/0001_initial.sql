-- Mast's first schema. Shipped migrations are never edited: add a new file instead.

-- Small key/value facts about the data: the rules fingerprint the windows were classified
-- with, the title policy applied to them.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Repeated strings live once; spans refer to them through `windows`.
CREATE TABLE apps (
    id    INTEGER PRIMARY KEY,
    class TEXT NOT NULL,          -- WM_CLASS class (or process name on other desktops)
    exe   TEXT NOT NULL,          -- executable file name, '' when unknown
    UNIQUE (class, exe)
);

CREATE TABLE titles (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);

CREATE TABLE urls (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);

-- A window as stored: app + kept title + url, with its classification. Classification
-- depends only on these, so it lives here, not on each span: reclassifying history after a
-- rule change rewrites this small table and never touches the spans.
CREATE TABLE windows (
    id       INTEGER PRIMARY KEY,
    app_id   INTEGER NOT NULL REFERENCES apps (id),
    title_id INTEGER REFERENCES titles (id),   -- NULL: title not kept (policy, private window)
    url_id   INTEGER REFERENCES urls (id),
    platform TEXT,                             -- target platform id, NULL when not a target
    category TEXT,                             -- social | video | messaging
    rule     TEXT                              -- id of the rule that matched
);
CREATE INDEX windows_by_key ON windows (app_id, title_id, url_id);

-- One row per span. The start instant (UTC ms) is the key: spans of one tracker never
-- share a start, so no separate rowid or time index is needed, which keeps a span at about
-- 20 bytes on disk. The duration is stored instead of the end because it is a small number.
CREATE TABLE spans (
    start_ms       INTEGER PRIMARY KEY,
    dur_ms         INTEGER NOT NULL CHECK (dur_ms > 0),
    utc_offset_min INTEGER NOT NULL,
    window_id      INTEGER NOT NULL REFERENCES windows (id)
);
