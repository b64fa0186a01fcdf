/**
 * Where the browser reaches the API. `API_URL` is read at request time by the root layout
 * (never inlined at build time), so one build serves any deployment.
 */
export const DEFAULT_API_URL = 'http://127.0.0.1:4000';

export interface ApiEndpoints {
  /** GraphQL over HTTP, e.g. http://127.0.0.1:4000/graphql */
  http: string;
  /** GraphQL over WebSocket (graphql-ws) on the same path, e.g. ws://127.0.0.1:4000/graphql */
  ws: string;
  /** Console sign-in (POST) and sign-out (DELETE), e.g. http://127.0.0.1:4000/v1/auth/session */
  session: string;
}

export function apiEndpoints(apiUrl: string | undefined): ApiEndpoints {
  const raw = (apiUrl?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
  const base = new URL(raw);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`API_URL must be an http(s) URL, got ${JSON.stringify(apiUrl)}`);
  }
  const http = `${raw}/graphql`;
  return { http, ws: http.replace(/^http/, 'ws'), session: `${raw}/v1/auth/session` };
}
