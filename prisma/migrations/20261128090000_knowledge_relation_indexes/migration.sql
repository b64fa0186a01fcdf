-- Knowledge (#3): covering endpoint indexes for graph traversal and the graph retrieval leg.
-- A hub entity ("war", "Congress") has thousands of relations whose rows lie on heap pages
-- scattered over every document that mentions it; reading them dominated graph queries
-- (hundreds of ms on the State of the Union corpus). Ordered by confidence and covering the
-- other endpoint, the evidence chunk and the id, these answer "the strongest N relations of X"
-- and frontier expansion from the index alone (index-only once autovacuum has set the
-- visibility map). The subject side was served by the unique key's leading column.
DROP INDEX "relations_object_id_idx";
CREATE INDEX "relations_subject_id_confidence_idx" ON "relations"("subject_id", "confidence" DESC) INCLUDE ("object_id", "evidence_chunk_id", "id");
CREATE INDEX "relations_object_id_confidence_idx" ON "relations"("object_id", "confidence" DESC) INCLUDE ("subject_id", "evidence_chunk_id", "id");
