/**
 * Pure helpers of the Knowledge page: document statuses and ingestion stages with their tones
 * and labels, search modes, score formatting, query-term highlighting, and reading a text
 * file picked for upload.
 */
import type { DocumentStatus, IngestionStage, KnowledgeSearchMode } from '@/gql/graphql';
import type { Tone } from '@/components/ui/status-badge';

export const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['PENDING', 'PROCESSING', 'READY', 'FAILED'];

/**
 * The list is re-read this often while a listed document is in flight: the progress
 * subscriptions (at most MAX_LIVE_DOCUMENTS) carry the stages, the re-read the final counts
 * and the documents beyond them.
 */
export const POLL_MS = 3000;
/** In-flight documents followed through `ingestionProgress` at once (one subscription each, on the shared socket). */
export const MAX_LIVE_DOCUMENTS = 10;

export const isInFlight = (status: DocumentStatus) => status === 'PENDING' || status === 'PROCESSING';

export function documentTone(status: DocumentStatus): Tone {
  if (status === 'READY') return 'ok';
  if (status === 'FAILED') return 'error';
  if (status === 'PROCESSING') return 'warn';
  return 'neutral';
}

export const STAGE_LABELS: Record<IngestionStage, string> = {
  QUEUED: 'Queued',
  CHUNKING: 'Chunking',
  EMBEDDING: 'Embedding',
  EXTRACTING: 'Extracting entities',
  WRITING: 'Writing',
  READY: 'Ready',
  FAILED: 'Failed',
};

export const isFinalStage = (stage: IngestionStage) => stage === 'READY' || stage === 'FAILED';

export const SEARCH_MODES: readonly { mode: KnowledgeSearchMode; label: string; hint: string }[] = [
  { mode: 'HYBRID', label: 'Hybrid', hint: 'the three legs fused by reciprocal rank (score = Σ 1/(60 + rank))' },
  { mode: 'VECTOR', label: 'Vector', hint: 'cosine similarity of the embeddings' },
  { mode: 'KEYWORD', label: 'Keyword', hint: 'full text, websearch syntax ("quotes", or, -word); every term must occur' },
  { mode: 'GRAPH', label: 'Graph', hint: 'chunks that are evidence of relations around the entities the query names' },
];

/** Scores differ by orders of magnitude between legs (RRF ~0.03, cosine ~0.5, graph ~1.7): three significant digits. */
export function formatScore(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  return Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/** Words of a query worth marking in a hit's text: three letters or more, operators and quotes dropped. */
export function queryTerms(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && w !== 'and' && w !== 'the');
  return [...new Set(words)];
}

/** `text` cut into plain and marked parts: a part is marked where a word starts with one of `terms` (case-insensitive). */
export function highlightParts(text: string, terms: readonly string[]): { text: string; marked: boolean }[] {
  if (terms.length === 0) return [{ text, marked: false }];
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const parts: { text: string; marked: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), marked: false });
    parts.push({ text: m[0], marked: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), marked: false });
  return parts;
}

/** File types the upload accepts: each file is one document, titled by its name. */
export const UPLOAD_ACCEPT = '.txt,.md,.markdown,.text,text/plain,text/markdown';

/** "state-of-the-union.md" → "state-of-the-union". */
export function titleFromFileName(name: string): string {
  return name.replace(/\.(txt|md|markdown|text)$/i, '') || name;
}

/** UTF-8 bytes of a string (what KNOWLEDGE_MAX_DOCUMENT_BYTES counts). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}
