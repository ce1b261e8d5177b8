-- welfare-store schema version 1 (PostgreSQL). Never edit once released: add a new version.
-- Same tables as the SQLite schema, plus row-level security on every tenant table: a session
-- sees and writes only the rows of the tenant in `app.tenant` (set per transaction by the
-- store), so a query that forgets the tenant filter still returns nothing foreign.

CREATE TABLE events (
    tenant       TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    aggregate_id TEXT   NOT NULL,
    sequence     BIGINT NOT NULL CHECK (sequence >= 1),
    prev_hash    TEXT   NOT NULL,
    hash         TEXT   NOT NULL,
    canonical    TEXT   NOT NULL,
    command_id   TEXT   NOT NULL,
    recorded_at  TEXT   NOT NULL,
    PRIMARY KEY (tenant, kind, aggregate_id, sequence)
);

CREATE TABLE heads (
    tenant       TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    aggregate_id TEXT   NOT NULL,
    sequence     BIGINT NOT NULL CHECK (sequence >= 1),
    hash         TEXT   NOT NULL,
    PRIMARY KEY (tenant, kind, aggregate_id)
);

CREATE TABLE commands (
    tenant         TEXT   NOT NULL,
    command_id     TEXT   NOT NULL,
    kind           TEXT   NOT NULL,
    aggregate_id   TEXT   NOT NULL,
    first_sequence BIGINT NOT NULL,
    last_sequence  BIGINT NOT NULL,
    PRIMARY KEY (tenant, command_id)
);

CREATE TABLE case_persons (
    tenant    TEXT   NOT NULL,
    case_id   TEXT   NOT NULL,
    person_id TEXT   NOT NULL,
    open      BIGINT NOT NULL CHECK (open IN (0, 1)),
    PRIMARY KEY (tenant, case_id)
);
CREATE UNIQUE INDEX case_persons_one_open ON case_persons (tenant, person_id) WHERE open = 1;

CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       TEXT   NOT NULL,
    message_id   TEXT   NOT NULL,
    topic        TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    aggregate_id TEXT   NOT NULL,
    sequence     BIGINT NOT NULL,
    created_at   TEXT   NOT NULL,
    delivered_at TEXT,
    UNIQUE (tenant, message_id)
);
CREATE INDEX outbox_pending ON outbox (tenant, id) WHERE delivered_at IS NULL;

CREATE TABLE access_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       TEXT   NOT NULL,
    at           TEXT   NOT NULL,
    operator     TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    aggregate_id TEXT   NOT NULL,
    entry        TEXT   NOT NULL
);
CREATE INDEX access_log_tenant ON access_log (tenant, id);

CREATE FUNCTION welfare_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION welfare_append_only();
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION welfare_append_only();

-- Row-level security. FORCE makes the policies bind the table owner too; only superusers and
-- BYPASSRLS roles escape them, so the application must not connect as one.
ALTER TABLE events       ENABLE ROW LEVEL SECURITY;
ALTER TABLE events       FORCE ROW LEVEL SECURITY;
ALTER TABLE heads        ENABLE ROW LEVEL SECURITY;
ALTER TABLE heads        FORCE ROW LEVEL SECURITY;
ALTER TABLE commands     ENABLE ROW LEVEL SECURITY;
ALTER TABLE commands     FORCE ROW LEVEL SECURITY;
ALTER TABLE case_persons ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_persons FORCE ROW LEVEL SECURITY;
ALTER TABLE outbox       ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox       FORCE ROW LEVEL SECURITY;
ALTER TABLE access_log   ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_log   FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON events USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
CREATE POLICY tenant_isolation ON heads USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
CREATE POLICY tenant_isolation ON commands USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
CREATE POLICY tenant_isolation ON case_persons
    USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
CREATE POLICY tenant_isolation ON outbox USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
CREATE POLICY tenant_isolation ON access_log
    USING (tenant = current_setting('app.tenant', true))
    WITH CHECK (tenant = current_setting('app.tenant', true));
