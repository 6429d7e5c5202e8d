-- Release 2 hardening of the decision log.
--
-- * Each record says how its hash was computed: version 1 (the first release's canonical
--   JSON, which a jsonb round trip can change: -0.0, 1e+16) or version 2 (canonical JSON that
--   survives jsonb; see exdesk/store/canonical.py). Records already written stay version 1.
-- * A version-2 record also commits to the case row it leaves behind (case_digest: the
--   status and projection columns after the step), so the case row is checked against the
--   log, not trusted.
-- * Each record and each ledger entry may carry the desk's Ed25519 signature of its hash
--   (signature: base64), made with a key the database never holds: a row appended by
--   anyone else, even with the database's superuser, is not signed.
-- * The application connects as a role that owns no table (see exdesk/store/roles.py), so
--   it cannot create the precedent search's per-embedder HNSW indexes itself: the owner
--   lends it exactly that, through a SECURITY DEFINER function that builds nothing else.

ALTER TABLE decision_records ADD COLUMN IF NOT EXISTS hash_version smallint NOT NULL DEFAULT 1;
ALTER TABLE decision_records ADD COLUMN IF NOT EXISTS case_digest text;
ALTER TABLE decision_records ADD COLUMN IF NOT EXISTS signature text;
ALTER TABLE ledger_entries ADD COLUMN IF NOT EXISTS signature text;

CREATE OR REPLACE FUNCTION exdesk_create_embedding_index(
    index_name text, embedder text, dim integer, m integer, ef_construction integer
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    kind text := CASE WHEN dim <= 2000 THEN 'vector' ELSE 'halfvec' END;
BEGIN
    IF index_name !~ '^case_embeddings_hnsw_[a-z0-9_]{1,42}$'
        OR embedder !~ '^[a-z0-9._:-]{1,80}$'
        OR dim NOT BETWEEN 1 AND 4000
        OR m NOT BETWEEN 2 AND 100
        OR ef_construction NOT BETWEEN 4 AND 1000
    THEN
        RAISE EXCEPTION 'not an embedding index: % % % % %', index_name, embedder, dim, m,
            ef_construction USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format(
        'CREATE INDEX IF NOT EXISTS %I ON case_embeddings USING hnsw ((embedding::%s(%s)) %s)'
        ' WITH (m = %s, ef_construction = %s) WHERE embedder = %L',
        index_name, kind, dim, kind || '_cosine_ops', m, ef_construction, embedder
    );
END;
$$;
REVOKE ALL ON FUNCTION exdesk_create_embedding_index(text, text, integer, integer, integer)
    FROM PUBLIC;
