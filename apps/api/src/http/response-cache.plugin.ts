/**
 * Caches whole responses of cacheable queries (ResponseCache: L1 LRU + L2 Redis) and
 * invalidates them on the writes that affect them. A query is cacheable when every root
 * field is in CACHE_POLICY; its key is the printed operation, its variables and the caller's
 * visibility (role + namespaces: callers who see the same data share entries); a successful
 * mutation bumps the tags its root fields list in INVALIDATES.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { ResponseCache } from '@aivillage/cache';
import { Kind, print, type OperationDefinitionNode } from 'graphql';
import type { Context } from '../context.js';

/** Root query fields whose responses may be cached: TTL and the data they depend on. */
export const CACHE_POLICY: Record<string, { ttlSeconds: number; tags: string[] }> = {
  tiers: { ttlSeconds: 3600, tags: [] },
  // Namespaces are written by seeds and (later) admin mutations; a short TTL bounds staleness
  // from writers that bypass the API.
  namespaces: { ttlSeconds: 30, tags: ['namespaces'] },
  users: { ttlSeconds: 300, tags: ['users'] },
};

/** Root mutation fields and the tags they make stale. */
export const INVALIDATES: Record<string, string[]> = {
  createUser: ['users'],
  updateUser: ['users'],
  setMembership: ['users'],
};

const rootFields = (op: OperationDefinitionNode) =>
  op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : ['<fragment>']));

export function responseCachePlugin(cache: ResponseCache): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let key: string | undefined;
      let ttl = 0;
      return {
        async responseForOperation({ operation, request, contextValue }) {
          if (!operation || operation.operation !== 'query') return null; // unknown operationName: no operation
          const fields = rootFields(operation);
          const policies = fields.filter((f) => f !== '__typename').map((f) => CACHE_POLICY[f]);
          if (policies.length === 0 || policies.some((p) => !p)) return null;
          const p = contextValue.principal;
          const scope = `${p.role}|${p.namespaces === 'all' ? '*' : [...p.namespaces].sort().join(',')}`;
          const identity = JSON.stringify([print(operation), request.variables ?? {}, scope]);
          key = cache.key(identity, [...new Set(policies.flatMap((x) => x!.tags))]);
          ttl = Math.min(...policies.map((x) => x!.ttlSeconds));
          const hit = await cache.get(key);
          if (hit === undefined) return null;
          key = undefined; // served from cache: nothing to store
          return {
            http: { status: 200, headers: new HeaderMap([['x-cache', 'HIT']]) },
            body: { kind: 'single', singleResult: JSON.parse(hit) },
          };
        },
        async willSendResponse({ response, operation, errors }) {
          if (response.body.kind !== 'single' || errors?.length || response.body.singleResult.errors?.length) return;
          if (operation?.operation === 'mutation') {
            const tags = rootFields(operation).flatMap((f) => INVALIDATES[f] ?? []);
            if (tags.length) await cache.invalidate([...new Set(tags)]);
            return;
          }
          if (key) {
            response.http.headers.set('x-cache', 'MISS');
            await cache.set(key, JSON.stringify(response.body.singleResult), ttl);
          }
        },
      };
    },
  };
}
