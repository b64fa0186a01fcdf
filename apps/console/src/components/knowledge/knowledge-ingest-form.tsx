'use client';
/**
 * Adding a document: a title and text pasted, or a .txt/.md file picked (read here; its name
 * becomes the title and source, its text fills the box, still editable) → `ingestDocument`,
 * which stores it PENDING and queues the ingestion; the list below follows it to READY. The
 * API refuses empty text (BAD_USER_INPUT), text over KNOWLEDGE_MAX_DOCUMENT_BYTES
 * (PAYLOAD_TOO_LARGE, naming the limit) and a namespace the caller may not write (FORBIDDEN):
 * shown with the code. The same text again returns the document already stored.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { Section } from '@/components/ui/section';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import { titleFromFileName, UPLOAD_ACCEPT, utf8Bytes } from './knowledge-model';
import { ingestDocumentMutation } from './knowledge.operations';

const UPLOADABLE = /\.(txt|md|markdown|text)$/i;

interface Outcome {
  id: string;
  title: string;
  /** The same text was already stored: the API returned that document and queued nothing. */
  existing: boolean;
}

export function KnowledgeIngestForm({ namespace, onIngested }: { namespace: string; onIngested: () => void }) {
  const id = useId();
  const mounted = useMounted();
  const [ingesting, ingest] = useMutation(ingestDocumentMutation);
  const [title, setTitle] = useState('');
  const [source, setSource] = useState('');
  const [text, setText] = useState('');
  const [file, setFile] = useState<{ name: string; size: number } | null>(null);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<ApiErrorInfo | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const bytes = useMemo(() => utf8Bytes(text), [text]);

  const onFile = async (picked: File | undefined) => {
    setError(null);
    setOutcome(null);
    setFile(null);
    if (!picked) return;
    if (!UPLOADABLE.test(picked.name)) {
      setError({ code: 'INVALID_INPUT', message: `${picked.name} is not a text file: upload .txt or .md (one document per file).` });
      return;
    }
    setReading(true);
    try {
      setText(await picked.text());
      setTitle(titleFromFileName(picked.name));
      setSource(picked.name);
      setFile({ name: picked.name, size: picked.size });
    } finally {
      setReading(false);
    }
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setOutcome(null);
    const sentTitle = title.trim();
    if (!sentTitle) return setError({ code: 'INVALID_INPUT', message: 'Give the document a title.' });
    if (!text) return setError({ code: 'INVALID_INPUT', message: 'Paste the text, or choose a .txt or .md file.' });
    const result = await ingest({ input: { namespace, title: sentTitle, text, source: source.trim() || null } });
    if (result.error || !result.data) {
      setError(result.error ? apiError(result.error) : { code: 'NETWORK', message: 'No answer from the API' });
      return;
    }
    const doc = result.data.ingestDocument;
    // A new document always starts PENDING under the title sent; anything else is the stored one.
    setOutcome({ id: doc.id, title: doc.title, existing: doc.status !== 'PENDING' || doc.title !== sentTitle });
    setTitle('');
    setSource('');
    setText('');
    setFile(null);
    onIngested();
  };

  return (
    <Section
      testId="knowledge-ingest"
      title="Add a document"
      sub={`Into namespace ${namespace}: paste a title and text, or upload a .txt or .md file. A worker chunks, embeds and extracts it; the list below follows it live.`}
    >
      <form className="card form-card" onSubmit={onSubmit} data-testid="knowledge-ingest-form" data-ready={mounted} noValidate>
        <div className="form-grid form-grid--4">
          <label className="field field--span2" htmlFor={`${id}-title`}>
            <span className="field__label">Title</span>
            <input id={`${id}-title`} className="input" value={title} maxLength={512} onChange={(e) => setTitle(e.target.value)} data-testid="knowledge-ingest-title" />
          </label>
          <label className="field" htmlFor={`${id}-source`}>
            <span className="field__label">
              Source <span className="field__optional">optional: URL, file, dataset</span>
            </span>
            <input id={`${id}-source`} className="input" value={source} onChange={(e) => setSource(e.target.value)} data-testid="knowledge-ingest-source" />
          </label>
          <label className="field" htmlFor={`${id}-file`}>
            <span className="field__label">
              Or upload <span className="field__optional">.txt, .md</span>
            </span>
            <input
              id={`${id}-file`}
              className="input"
              type="file"
              accept={UPLOAD_ACCEPT}
              onChange={(e) => {
                void onFile(e.target.files?.[0]);
                e.target.value = ''; // picking the same file again reads it again
              }}
              data-testid="knowledge-ingest-file"
            />
            <span className="field__hint" data-testid="knowledge-ingest-file-state" data-ready={Boolean(file)} data-size={file?.size ?? ''}>
              {reading ? 'Reading…' : file ? `${file.name}, ${formatBytes(file.size)}` : 'Its name becomes the title'}
            </span>
          </label>
        </div>
        <label className="field" htmlFor={`${id}-text`}>
          <span className="field__label">
            Text <span className="field__optional" data-testid="knowledge-ingest-bytes" data-value={bytes}>{formatBytes(bytes)} UTF-8</span>
          </span>
          <textarea
            id={`${id}-text`}
            className="input textarea knowledge-ingest__text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Paste plain text or Markdown…"
            spellCheck={false}
            data-testid="knowledge-ingest-text"
          />
        </label>
        {error ? <ApiErrorCallout error={error} testId="knowledge-ingest-error" prefix="Could not add the document" /> : null}
        {outcome ? (
          <div className="callout callout--ok" role="status" data-testid="knowledge-ingest-done" data-id={outcome.id} data-existing={outcome.existing}>
            {outcome.existing
              ? `Already in the knowledge base as “${outcome.title}” (the same text): nothing was queued.`
              : `Queued “${outcome.title}”: it turns READY below once a worker has ingested it.`}
          </div>
        ) : null}
        <div className="form-card__actions">
          <button type="submit" className="button button--primary" disabled={!mounted || reading || ingesting.fetching} data-testid="knowledge-ingest-submit">
            {ingesting.fetching ? 'Adding…' : 'Add document'}
          </button>
        </div>
      </form>
    </Section>
  );
}
