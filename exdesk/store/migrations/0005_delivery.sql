-- Delivery: outbox rows carry their delivery state (pending, sent, retrying, dead), the
-- connectors each tenant delivers through, and the signatures of inbound webhooks already
-- accepted (so a replay is refused).

ALTER TABLE outbox ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS last_error text;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS response jsonb;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();
UPDATE outbox SET status = 'dead', last_error = 'delivery failed before delivery was tracked'
    WHERE status = 'failed';
ALTER TABLE outbox ADD CONSTRAINT outbox_status_known
    CHECK (status IN ('pending', 'sent', 'retrying', 'dead'));
CREATE INDEX outbox_due ON outbox (status, next_attempt_at) WHERE status IN ('pending', 'retrying');

-- How a tenant's outbox messages of one kind are delivered. Secrets are never stored: the
-- configuration names the environment variable that holds them.
CREATE TABLE delivery_connectors (
    tenant_id   text NOT NULL,
    kind        text NOT NULL CHECK (kind IN
                    ('remediation', 'customer_message', 'credit_decision', 'partner_notice')),
    connector   text NOT NULL CHECK (connector IN ('webhook', 'smtp')),
    config      jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind)
);

-- Inbound partner and carrier webhooks: which secret verifies each source of a tenant, and
-- the signatures accepted within the timestamp tolerance (a second delivery is a replay).
CREATE TABLE inbound_webhooks (
    tenant_id   text NOT NULL,
    source      text NOT NULL,
    secret_env  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source)
);

CREATE TABLE inbound_signatures (
    signature    text PRIMARY KEY,
    tenant_id    text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_signatures_by_age ON inbound_signatures (received_at);
