-- welfare-store schema version 1 (SQLite). Never edit once released: add a new version.

-- Events: append-only, one hash chain per (tenant, kind, aggregate_id).
CREATE TABLE events (
    tenant       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    aggregate_id TEXT    NOT NULL,
    sequence     INTEGER NOT NULL CHECK (sequence >= 1),
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    canonical    TEXT    NOT NULL,
    command_id   TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (tenant, kind, aggregate_id, sequence)
) WITHOUT ROWID;

-- Chain heads, kept apart from the events (never recomputed from them): a truncated stream
-- no longer ends at its head.
CREATE TABLE heads (
    tenant       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    aggregate_id TEXT    NOT NULL,
    sequence     INTEGER NOT NULL CHECK (sequence >= 1),
    hash         TEXT    NOT NULL,
    PRIMARY KEY (tenant, kind, aggregate_id)
) WITHOUT ROWID;

-- Applied command ids (idempotency keys).
CREATE TABLE commands (
    tenant         TEXT    NOT NULL,
    command_id     TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    aggregate_id   TEXT    NOT NULL,
    first_sequence INTEGER NOT NULL,
    last_sequence  INTEGER NOT NULL,
    PRIMARY KEY (tenant, command_id)
) WITHOUT ROWID;

-- The person of each case and whether it is open: one open case per person per tenant.
CREATE TABLE case_persons (
    tenant    TEXT    NOT NULL,
    case_id   TEXT    NOT NULL,
    person_id TEXT    NOT NULL,
    open      INTEGER NOT NULL CHECK (open IN (0, 1)),
    PRIMARY KEY (tenant, case_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX case_persons_one_open ON case_persons (tenant, person_id) WHERE open = 1;

-- Transactional outbox: written with the events, delivered afterwards.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant       TEXT    NOT NULL,
    message_id   TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    aggregate_id TEXT    NOT NULL,
    sequence     INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    delivered_at TEXT,
    UNIQUE (tenant, message_id)
);
CREATE INDEX outbox_pending ON outbox (tenant, id) WHERE delivered_at IS NULL;

-- Access log (GDPR art. 30/32 accountability): append-only, ids and codes only.
CREATE TABLE access_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant       TEXT    NOT NULL,
    at           TEXT    NOT NULL,
    operator     TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    aggregate_id TEXT    NOT NULL,
    entry        TEXT    NOT NULL
);
CREATE INDEX access_log_tenant ON access_log (tenant, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
