-- Brings a database created by the first release to today's schema.
--
-- 0001_foundation was edited in place after it had shipped (commits cf721a1 and dd84d4b), so
-- a database that applied the first release's 0001 lacks what those edits added, while one
-- created since has it already. Every statement here is therefore guarded: on a database
-- created from today's 0001 and 0002 this migration finds its work done and changes nothing.
--
-- The first release's schema differs from today's only in `cases` and `exception_events`:
--   * the event was kept on the case row (cases.source, source_event_id, event,
--     initiated_by, with UNIQUE (tenant_id, source, source_event_id)); today it has its own
--     table, exception_events, one row per (tenant, source, source_event_id) pointing at
--     its case and counting repeat deliveries;
--   * the chain head was read from the last decision record; today the case row holds it
--     (cases.last_hash next to cases.last_seq), and the next record links to it.

-- Exception events, as today's 0001 creates them (same names for the keys it makes).
CREATE TABLE IF NOT EXISTS exception_events (
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

-- Move the events off the case rows. The first release created the case when the event
-- arrived and did not count repeat deliveries: the case's creation time is when the event
-- was first (and, as far as anyone can tell, last) received, once.
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = 'cases'::regclass AND attname = 'source_event_id' AND NOT attisdropped
    ) THEN
        INSERT INTO exception_events (
            tenant_id, source, source_event_id, event, case_id, initiated_by,
            first_received_at, last_received_at, times_received
        )
        SELECT tenant_id, source, source_event_id, event, case_id, initiated_by,
               created_at, created_at, 1
        FROM cases
        ON CONFLICT DO NOTHING;

        -- Dropping the columns drops UNIQUE (tenant_id, source, source_event_id) with them;
        -- left in place, NOT NULL source would refuse every case today's code creates.
        ALTER TABLE cases
            DROP COLUMN source,
            DROP COLUMN source_event_id,
            DROP COLUMN event,
            DROP COLUMN initiated_by;
    END IF;
END
$$;

-- The chain head on the case row, taken from each case's last decision record, so the next
-- record today's code appends links to it rather than to the genesis hash.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = 'cases'::regclass AND attname = 'last_hash' AND NOT attisdropped
    ) THEN
        ALTER TABLE cases ADD COLUMN last_hash text NOT NULL DEFAULT repeat('0', 64);

        UPDATE cases c
        SET last_seq = head.seq, last_hash = head.hash
        FROM (
            SELECT DISTINCT ON (case_id) case_id, seq, hash
            FROM decision_records
            ORDER BY case_id, seq DESC
        ) AS head
        WHERE head.case_id = c.case_id;
    END IF;
END
$$;
