-- Entity lookup (`knowledgeEntities`): `key LIKE 'x%' OR key LIKE '% x%'` scanned every entity
-- of the namespace (30–100 ms on WordNet's 67k nouns). A trigram GIN index serves both
-- patterns. pg_trgm ships in PostgreSQL's contrib, which most servers have but not all: where
-- it is missing the index is skipped and the lookup still answers (by a scan), so the
-- platform needs nothing it did not need before. Installed in public (as vector is), so no
-- schema's removal can take the extension with it.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    CREATE INDEX IF NOT EXISTS "entities_key_trgm_idx" ON "entities" USING gin ("key" public.gin_trgm_ops);
  END IF;
END
$$;
