-- The review console: people who sign in (per tenant, with roles, an argon2 hash of their
-- password, lockout after repeated failures), their sessions (only a hash of the session
-- token is stored), and how each human decision was made (a console session, an API key,
-- or the local CLI).

CREATE TABLE console_users (
    tenant_id       text NOT NULL,
    user_name       text NOT NULL CHECK (user_name = lower(btrim(user_name)) AND user_name <> ''),
    roles           text[] NOT NULL,
    password_hash   text NOT NULL,
    disabled_at     timestamptz,
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_name)
);

CREATE TABLE console_sessions (
    token_sha256  text PRIMARY KEY,
    tenant_id     text NOT NULL,
    user_name     text NOT NULL,
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    FOREIGN KEY (tenant_id, user_name) REFERENCES console_users (tenant_id, user_name)
);
CREATE INDEX console_sessions_by_user ON console_sessions (tenant_id, user_name);

ALTER TABLE approvals ADD COLUMN IF NOT EXISTS decided_via text
    CHECK (decided_via IN ('session', 'api_key', 'cli'));
ALTER TABLE approvals ADD COLUMN IF NOT EXISTS decided_via_key text;
