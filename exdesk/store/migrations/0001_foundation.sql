-- Foundation schema: network reference data, events, cases, approvals, the decision log,
-- its per-tenant ledger, the outbox and API keys. Every row carries tenant_id.

CREATE EXTENSION IF NOT EXISTS vector;

-- Network snapshot objects: the validated document plus the keys we look things up by.
CREATE TABLE warehouses (
    tenant_id     text NOT NULL,
    warehouse_id  text NOT NULL,
    region        text NOT NULL,
    doc           jsonb NOT NULL,
    PRIMARY KEY (tenant_id, warehouse_id)
);

CREATE TABLE skus (
    tenant_id  text NOT NULL,
    sku        text NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (tenant_id, sku)
);

CREATE TABLE inventory_positions (
    tenant_id     text NOT NULL,
    warehouse_id  text NOT NULL,
    sku           text NOT NULL,
    doc           jsonb NOT NULL,
    PRIMARY KEY (tenant_id, sku, warehouse_id)
);

CREATE TABLE customers (
    tenant_id      text NOT NULL,
    customer_id    text NOT NULL,
    contact_email  text NOT NULL,
    doc            jsonb NOT NULL,
    PRIMARY KEY (tenant_id, customer_id)
);
CREATE INDEX customers_by_email ON customers (tenant_id, lower(contact_email));

CREATE TABLE orders (
    tenant_id    text NOT NULL,
    order_id     text NOT NULL,
    customer_id  text NOT NULL,
    doc          jsonb NOT NULL,
    PRIMARY KEY (tenant_id, order_id)
);
CREATE INDEX orders_by_customer ON orders (tenant_id, customer_id);

CREATE TABLE shipments (
    tenant_id        text NOT NULL,
    shipment_id      text NOT NULL,
    order_id         text NOT NULL,
    tracking_number  text NOT NULL,
    doc              jsonb NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id)
);
CREATE INDEX shipments_by_order ON shipments (tenant_id, order_id);
CREATE INDEX shipments_by_tracking ON shipments (tenant_id, tracking_number);

CREATE TABLE carrier_lanes (
    tenant_id      text NOT NULL,
    carrier        text NOT NULL,
    service        text NOT NULL,
    origin_region  text NOT NULL,
    dest_region    text NOT NULL,
    doc            jsonb NOT NULL,
    PRIMARY KEY (tenant_id, dest_region, origin_region, carrier, service)
);

CREATE TABLE return_authorizations (
    tenant_id  text NOT NULL,
    rma_id     text NOT NULL,
    order_id   text NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (tenant_id, rma_id)
);
CREATE INDEX returns_by_order ON return_authorizations (tenant_id, order_id);

CREATE TABLE network_loads (
    tenant_id  text NOT NULL,
    load_id    bigserial PRIMARY KEY,
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    digest     text NOT NULL,
    counts     jsonb NOT NULL
);

-- Cases: one per distinct exception event. The columns other than the keys are a
-- projection of the decision log, kept in the same transaction as each record.
CREATE TABLE cases (
    case_id           text PRIMARY KEY,
    tenant_id         text NOT NULL,
    status            text NOT NULL,
    category          text,
    route             text,
    severity          text,
    confidence        double precision,
    classification    jsonb,
    extraction        jsonb,
    extraction_error  text,
    recommendation    jsonb,
    draft             jsonb,
    policy_results    jsonb NOT NULL DEFAULT '[]',
    failure_reason    text,
    last_seq          integer NOT NULL DEFAULT 0,
    last_hash         text NOT NULL DEFAULT repeat('0', 64),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_by_tenant_created ON cases (tenant_id, created_at DESC, case_id DESC);
CREATE INDEX cases_by_status ON cases (tenant_id, status);
CREATE INDEX cases_by_category ON cases (tenant_id, category);
CREATE INDEX cases_by_route ON cases (tenant_id, route);

-- Exception events as received: one row per (tenant, source, source_event_id), pointing at
-- the case it opened; a repeat delivery is counted, never a second case.
CREATE TABLE exception_events (
    tenant_id          text NOT NULL,
    source             text NOT NULL,
    source_event_id    text NOT NULL,
    event              jsonb NOT NULL,
    case_id            text NOT NULL UNIQUE
                       REFERENCES cases (case_id) DEFERRABLE INITIALLY DEFERRED,
    initiated_by       text,
    first_received_at  timestamptz NOT NULL DEFAULT now(),
    last_received_at   timestamptz NOT NULL DEFAULT now(),
    times_received     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, source, source_event_id)
);

CREATE TABLE approvals (
    approval_id        text PRIMARY KEY,
    tenant_id          text NOT NULL,
    case_id            text NOT NULL REFERENCES cases (case_id),
    step_key           text NOT NULL,
    kind               text NOT NULL,
    required_role      text NOT NULL,
    status             text NOT NULL DEFAULT 'pending',
    proposal           jsonb NOT NULL,
    reason             text NOT NULL,
    allowed_decisions  text[] NOT NULL,
    excluded_users     text[] NOT NULL DEFAULT '{}',
    requested_at       timestamptz NOT NULL DEFAULT now(),
    decided_at         timestamptz,
    decided_by         text,
    decision           text,
    comment            text,
    edited_proposal    jsonb,
    UNIQUE (case_id, step_key)
);
CREATE INDEX approvals_pending ON approvals (tenant_id, status, required_role);

-- The decision log: append-only, hash-chained per case.
CREATE TABLE decision_records (
    tenant_id       text NOT NULL,
    case_id         text NOT NULL,
    seq             integer NOT NULL,
    step_key        text NOT NULL,
    at              timestamptz NOT NULL,
    step            text NOT NULL,
    actor           text NOT NULL,
    inputs_digest   text NOT NULL,
    output          jsonb NOT NULL,
    confidence      double precision,
    policy_results  jsonb NOT NULL DEFAULT '[]',
    model           jsonb,
    trace_id        text,
    span_id         text,
    prev_hash       text NOT NULL,
    hash            text NOT NULL,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, step_key)
);
CREATE INDEX decision_records_by_tenant ON decision_records (tenant_id, case_id);

-- The per-tenant ledger anchors each case's chain head at creation and at every waiting
-- or final state, so a changed, reordered or deleted record, or a deleted case, shows.
CREATE TABLE ledger_heads (
    tenant_id  text PRIMARY KEY,
    seq        bigint NOT NULL,
    hash       text NOT NULL
);

CREATE TABLE ledger_entries (
    tenant_id  text NOT NULL,
    seq        bigint NOT NULL,
    at         timestamptz NOT NULL,
    case_id    text NOT NULL,
    case_seq   integer NOT NULL,
    case_hash  text NOT NULL,
    reason     text NOT NULL,
    prev_hash  text NOT NULL,
    hash       text NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX ledger_entries_by_case ON ledger_entries (tenant_id, case_id, case_seq);

CREATE FUNCTION exdesk_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER decision_records_append_only BEFORE UPDATE OR DELETE ON decision_records
    FOR EACH ROW EXECUTE FUNCTION exdesk_forbid_change();
CREATE TRIGGER decision_records_no_truncate BEFORE TRUNCATE ON decision_records
    FOR EACH STATEMENT EXECUTE FUNCTION exdesk_forbid_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION exdesk_forbid_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION exdesk_forbid_change();

-- Writes the execute step committed to; delivered by a dispatcher, each exactly once.
CREATE TABLE outbox (
    outbox_id   text PRIMARY KEY,
    tenant_id   text NOT NULL,
    case_id     text NOT NULL REFERENCES cases (case_id),
    kind        text NOT NULL,
    dedupe_key  text NOT NULL,
    payload     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'pending',
    attempts    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    UNIQUE (case_id, dedupe_key)
);
CREATE INDEX outbox_pending ON outbox (tenant_id, status, created_at);

CREATE TABLE api_keys (
    key_id      text PRIMARY KEY,
    tenant_id   text NOT NULL,
    user_name   text NOT NULL,
    roles       text[] NOT NULL,
    secret_sha256 text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
