/**
 * The embedder a process is configured with (KNOWLEDGE_EMBEDDER, KNOWLEDGE_MODEL_DIR,
 * KNOWLEDGE_DIMENSION), checked at start-up and created on first use: the hashing embedder
 * costs nothing, an ONNX model is loaded only when the first text needs embedding (the API
 * may never embed a query, and a worker may serve other queues).
 */
import { createEmbedder, type Embedder, type EmbedderConfig } from './embedder.js';
import { EmbedderConfigError } from './knowledge-errors.js';

export interface KnowledgeEmbedderEnv {
  KNOWLEDGE_EMBEDDER: 'hashing' | 'onnx';
  KNOWLEDGE_MODEL_DIR?: string;
  KNOWLEDGE_DIMENSION: number;
}

/** Throws EmbedderConfigError when the variables do not make an embedder (onnx without a model directory). */
export function embedderConfigFrom(env: KnowledgeEmbedderEnv): EmbedderConfig {
  if (env.KNOWLEDGE_EMBEDDER === 'onnx') {
    if (!env.KNOWLEDGE_MODEL_DIR) throw new EmbedderConfigError('KNOWLEDGE_EMBEDDER=onnx needs KNOWLEDGE_MODEL_DIR (a directory with model.onnx and vocab.txt or tokenizer.json)');
    return { kind: 'onnx', modelDir: env.KNOWLEDGE_MODEL_DIR, dimension: env.KNOWLEDGE_DIMENSION };
  }
  return { kind: 'hashing', dimension: env.KNOWLEDGE_DIMENSION };
}

/** One embedder per process, created by the first call (a failed load is retried by the next call). */
export function lazyEmbedder(config: EmbedderConfig): () => Promise<Embedder> {
  let pending: Promise<Embedder> | null = null;
  return () => {
    pending ??= createEmbedder(config).catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}
