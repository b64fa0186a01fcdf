/**
 * `npm run ingest -- <file|dir|file.jsonl>… [--namespace ns] [--api url] [--key key]`
 *
 * Sends documents to a running API through GraphQL (`ingestDocuments`, in batches that fit
 * the request body limit) and shows a progress bar on stderr until every document is READY
 * or FAILED. Text files (.txt, .md, .text) become one document each (title: the file name);
 * a .jsonl file holds one document per line: `{"title", "text", "source"?, "metadata"?}`;
 * a directory is walked for both. The key is `--key` or AIVILLAGE_API_KEY (an API key with
 * the write scope in the namespace); the API `--api` or AIVILLAGE_API_URL (default
 * http://127.0.0.1:4000). Exit code 1 when any document failed.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface DocInput {
  namespace: string;
  title: string;
  text: string;
  source?: string;
  metadata?: Record<string, unknown>;
}

const TEXT_EXT = new Set(['.txt', '.md', '.text']);
/** Bytes of documents per request, under the API's default 1 MiB body limit (MAX_BODY_BYTES). */
const MAX_REQUEST_BYTES = 900_000;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    namespace: { type: 'string', default: 'default' },
    api: { type: 'string', default: process.env.AIVILLAGE_API_URL ?? 'http://127.0.0.1:4000' },
    key: { type: 'string', default: process.env.AIVILLAGE_API_KEY },
    batch: { type: 'string', default: '50' },
    'timeout-s': { type: 'string', default: '600' },
  },
});

function fail(message: string): never {
  process.stderr.write(`ingest: ${message}\n`);
  process.exit(2);
}

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${values.api!.replace(/\/$/, '')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${values.key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }))) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  return body.data as T;
}

async function collect(target: string, out: DocInput[]): Promise<void> {
  const info = await stat(target).catch(() => fail(`${target}: no such file or directory`));
  if (info.isDirectory()) {
    for (const entry of (await readdir(target)).sort()) await collect(path.join(target, entry), out);
    return;
  }
  const ext = path.extname(target).toLowerCase();
  if (ext === '.jsonl') {
    const lines = (await readFile(target, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let d: Partial<DocInput>;
      try {
        d = JSON.parse(line) as Partial<DocInput>;
      } catch {
        fail(`${target}:${i + 1}: not JSON`);
      }
      if (typeof d.text !== 'string' || typeof d.title !== 'string') fail(`${target}:${i + 1}: needs "title" and "text" strings`);
      out.push({ namespace: values.namespace!, title: d.title, text: d.text, source: d.source ?? `${path.resolve(target)}#${i + 1}`, metadata: d.metadata });
    });
  } else if (TEXT_EXT.has(ext)) {
    out.push({ namespace: values.namespace!, title: path.basename(target, ext), text: await readFile(target, 'utf8'), source: `file://${path.resolve(target)}` });
  } else if (positionals.includes(target)) {
    fail(`${target}: not a .txt, .md, .text or .jsonl file`);
  }
}

/** Batches of at most `max` documents and MAX_REQUEST_BYTES of text. */
function batches(docs: DocInput[], max: number): DocInput[][] {
  const out: DocInput[][] = [];
  let cur: DocInput[] = [];
  let bytes = 0;
  for (const d of docs) {
    const size = Buffer.byteLength(d.text) + 512;
    if (cur.length && (cur.length >= max || bytes + size > MAX_REQUEST_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(d);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

function bar(done: number, failed: number, total: number, started: number): string {
  const width = 30;
  const filled = Math.round(((done + failed) / Math.max(1, total)) * width);
  const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
  return `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done + failed}/${total} (${done} READY, ${failed} FAILED) ${rate.toFixed(1)} docs/s `;
}

async function main() {
  if (positionals.length === 0) fail('usage: npm run ingest -- <file|dir|file.jsonl>… [--namespace ns] [--api url] [--key key]');
  if (!values.key) fail('an API key is needed: --key or AIVILLAGE_API_KEY');
  const docs: DocInput[] = [];
  for (const p of positionals) await collect(p, docs);
  if (docs.length === 0) fail('no documents found');
  const started = performance.now();
  const ids: string[] = [];
  const status = new Map<string, { status: string; error: string | null; title: string }>();
  for (const batch of batches(docs, Math.max(1, Number(values.batch)))) {
    const r = await gql<{ ingestDocuments: { id: string; status: string; error: string | null; title: string }[] }>(
      'mutation($i: [IngestDocumentInput!]!) { ingestDocuments(inputs: $i) { id status error title } }',
      { i: batch },
    );
    for (const d of r.ingestDocuments) {
      ids.push(d.id);
      status.set(d.id, d);
    }
    process.stderr.write(`\ringest: sent ${ids.length}/${docs.length} documents `);
  }
  process.stderr.write('\n');
  const unique = [...new Set(ids)];
  const deadline = Date.now() + Number(values['timeout-s']) * 1000;
  for (;;) {
    const pending = unique.filter((id) => !['READY', 'FAILED'].includes(status.get(id)!.status));
    for (let i = 0; i < pending.length; i += 100) {
      const slice = pending.slice(i, i + 100);
      const query = `query { ${slice.map((id, j) => `d${j}: document(id: "${id}") { id status error title }`).join(' ')} }`;
      const r = await gql<Record<string, { id: string; status: string; error: string | null; title: string }>>(query, {});
      for (const d of Object.values(r)) status.set(d.id, d);
    }
    const all = unique.map((id) => status.get(id)!);
    const ready = all.filter((d) => d.status === 'READY').length;
    const failed = all.filter((d) => d.status === 'FAILED');
    process.stderr.write(bar(ready, failed.length, unique.length, started));
    if (ready + failed.length === unique.length) {
      process.stderr.write('\n');
      for (const f of failed) process.stderr.write(`ingest: FAILED ${f.title}: ${f.error}\n`);
      const dupes = ids.length - unique.length;
      console.log(`ingest: ${ready} READY, ${failed.length} FAILED${dupes ? `, ${dupes} duplicates of documents already sent` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s (namespace ${values.namespace})`);
      process.exit(failed.length ? 1 : 0);
    }
    if (Date.now() > deadline) fail(`gave up after ${values['timeout-s']} s with ${unique.length - ready - failed.length} documents not finished`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((error) => fail((error as Error).message));
