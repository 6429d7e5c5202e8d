-- Precedent search: one embedding per final (resolved or rejected) case, with what became of
-- it. The vector column is untyped so embedders of any dimension can coexist; each row names
-- the embedder and dimension that made it, and each embedder gets its own partial HNSW index
-- over `(embedding::vector(<dim>))` WHERE embedder = '<name>', created on demand by the
-- application (exdesk.precedents.store.ensure_index), so a search never mixes embedders.

CREATE TABLE case_embeddings (
    case_id      text PRIMARY KEY REFERENCES cases (case_id) ON DELETE CASCADE,
    tenant_id    text NOT NULL,
    embedder     text NOT NULL,
    dim          integer NOT NULL CHECK (dim > 0),
    embedding    vector NOT NULL,
    category     text,
    status       text NOT NULL CHECK (status IN ('resolved', 'rejected')),
    resolution   jsonb NOT NULL,
    approved_by  text[] NOT NULL DEFAULT '{}',
    summary      text NOT NULL DEFAULT '',
    resolved_at  timestamptz NOT NULL,
    indexed_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (vector_dims(embedding) = dim)
);

-- Lets the planner answer a small tenant exactly (filter, then sort) instead of walking
-- the HNSW graph past other tenants' rows; also serves backfills.
CREATE INDEX case_embeddings_by_tenant ON case_embeddings (tenant_id, embedder);
