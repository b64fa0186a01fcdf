/**
 * How the bench gets past the API's edge auth. In order:
 *  1. an API key given to it (--api-key or API_KEY); use a PLATINUM key, since the guide's
 *     case needs 1,000 connections and 1,000 req/s from one caller;
 *  2. none needed: the API answers anonymously (started with AUTH_DISABLED=true);
 *  3. a PLATINUM key of its own: sign in as an admin (the seed's demo admin unless
 *     ADMIN_EMAIL/ADMIN_PASSWORD say otherwise), create the key with a one-hour expiry, and
 *     revoke it and sign out when the bench ends.
 */

export interface Credentials {
  /** Sent as `Authorization: Bearer` on HTTP and as `apiKey` in connection_init. */
  apiKey: string | null;
  source: string;
  /** Revokes a key the bench created; safe to call more than once. */
  release(): Promise<void>;
}

export interface CredentialOptions {
  apiKey?: string;
  adminEmail: string;
  adminPassword: string;
  namespace: string;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: GraphQLResponse<T>; res: Response }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as GraphQLResponse<T>;
  return { status: res.status, json, res };
}

const none = async () => {};

export async function obtainCredentials(baseUrl: string, o: CredentialOptions): Promise<Credentials> {
  if (o.apiKey) return { apiKey: o.apiKey, source: 'the given API key', release: none };

  const graphqlUrl = `${baseUrl}/graphql`;
  const anonymous = await post<{ platformStatus: unknown }>(graphqlUrl, { query: '{ platformStatus { version } }' });
  if (anonymous.json.data?.platformStatus) return { apiKey: null, source: 'none (the API answers anonymously)', release: none };

  const signIn = await post<unknown>(`${baseUrl}/v1/auth/session`, { email: o.adminEmail, password: o.adminPassword });
  const cookie = signIn.res.headers.get('set-cookie')?.split(';')[0];
  if (signIn.status !== 200 || !cookie) {
    throw new Error(
      `the API wants credentials (${anonymous.json.errors?.[0]?.message ?? `HTTP ${anonymous.status}`}) and signing in as ${o.adminEmail} failed ` +
        `(HTTP ${signIn.status}). Pass --api-key (a PLATINUM key), set ADMIN_EMAIL/ADMIN_PASSWORD, or start the API with AUTH_DISABLED=true.`,
    );
  }
  const headers = { cookie };
  const created = await post<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    graphqlUrl,
    {
      query: 'mutation BenchKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }',
      variables: {
        input: { name: `bench ${new Date().toISOString()}`, namespace: o.namespace, tier: 'PLATINUM', scopes: ['read'], expiresAt: new Date(Date.now() + 3600_000).toISOString() },
      },
    },
    headers,
  );
  const key = created.json.data?.createApiKey;
  if (!key) throw new Error(`creating a PLATINUM API key failed: ${JSON.stringify(created.json.errors ?? created.status)}`);
  let released = false;
  return {
    apiKey: key.secret,
    source: `a PLATINUM key created for this run as ${o.adminEmail} (revoked at the end)`,
    async release() {
      if (released) return;
      released = true;
      await post(graphqlUrl, { query: 'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', variables: { id: key.apiKey.id } }, headers).catch(() => {});
      await fetch(`${baseUrl}/v1/auth/session`, { method: 'DELETE', headers }).catch(() => {});
    },
  };
}
