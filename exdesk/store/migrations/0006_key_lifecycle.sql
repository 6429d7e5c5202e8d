-- API key lifecycle: a key may expire, and records when it was last used (to the minute).
-- A revoked or expired key is refused at once: every request reads its row.

ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS last_used_at timestamptz;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS replaced_by text;
