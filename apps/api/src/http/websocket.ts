/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's `/graphql` path, with the same
 * edge rules as HTTP: the connection authenticates in `connection_init` (session cookie
 * from the upgrade request, or an API key in connectionParams / Authorization), holds a
 * connection lease against its tier while open, and every subscribe counts against the
 * rate limit and passes the per-tier depth/cost checks before it runs.
 * A socket is closed (4401) as soon as its credential is revoked, expires from the cache by
 * sign-out, or its user is changed, on whichever instance holds it.
 * Close codes: 4408 no connection_init in time, 4401 unauthenticated or credential revoked,
 * 4403 forbidden, 4430 over the tier's connection limit (not graphql-ws's reserved 4429,
 * which its client treats as fatal: ours is worth a retry), 1001 server going away.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  getOperationAST, GraphQLError, Kind, parse, specifiedRules, subscribe, validate,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuthService, CONNECTION_LEASE_MS, type Principal } from '@aivillage/auth';
import { Lru } from '@aivillage/cache';
import { ErrorCode } from '@aivillage/errors';
import type { IncomingMessage } from 'node:http';
import { createContext, type AppDeps, type Context } from '../context.js';
import { admissionError, authenticate, readCredential } from './edge-auth.js';
import { enforceOperationLimits } from './operation-limits.js';
import { SubscriptionMulticast } from './subscription-multicast.js';

type Extra = {
  socket: WebSocket;
  request: IncomingMessage;
  principal?: Principal;
  connectionId?: string;
  renew?: NodeJS.Timeout;
};

export interface WebSocketOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  deps: AppDeps;
  validationRules: ValidationRule[];
  allowedOrigins: string[];
  formatError: (e: unknown) => GraphQLFormattedError;
  /** The principal every connection gets when enforcement is switched off (benchmarks only). */
  openPrincipal: Principal | null;
}

/** Close code for a socket over its tier's connection limit. */
export const WS_OVER_CONNECTION_LIMIT = 4430;

export function attachWebSocket(o: WebSocketOptions) {
  const { deps } = o;
  // Open sockets by the keys an invalidation may name: principal subject and credential key.
  const open = new Map<string, Set<WebSocket>>();
  const track = (keys: string[], socket: WebSocket) => {
    for (const k of keys) {
      let set = open.get(k);
      if (!set) open.set(k, (set = new Set()));
      set.add(socket);
    }
    socket.once('close', () => {
      for (const k of keys) {
        const set = open.get(k);
        set?.delete(socket);
        if (set?.size === 0) open.delete(k);
      }
    });
  };
  // Parsed and validated documents by query text: subscribers mostly send the same few.
  const documents = new Lru<DocumentNode>(500);
  const multicast = new SubscriptionMulticast();
  deps.auth.events.on('invalidated', (subject: string) => {
    for (const socket of open.get(subject) ?? []) socket.close(4401, 'Credential revoked or changed; authenticate again');
  });
  const wsServer = new WebSocketServer({ server: o.httpServer, path: '/graphql', maxPayload: deps.config.MAX_BODY_BYTES });
  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: o.schema,
      connectionInitWaitTimeout: deps.config.WS_INIT_TIMEOUT_MS,
      // Identical subscriptions (same query, variables and visibility) share one execution.
      subscribe: (args) => {
        const key = (args.contextValue as Context).request.shareKey;
        return key ? multicast.subscribe(key, () => subscribe(args)) : subscribe(args);
      },
      onConnect: async (ctx) => {
        if (o.openPrincipal) {
          ctx.extra.principal = o.openPrincipal;
          return true;
        }
        const outcome = await authenticate(deps.auth, ctx.extra.request.headers, o.allowedOrigins, ctx.connectionParams);
        if (!outcome.ok) {
          deps.log.info({ code: outcome.code, reason: outcome.message }, 'websocket refused at the edge');
          ctx.extra.socket.close(outcome.status === 401 ? 4401 : 4403, outcome.message.slice(0, 120));
          return false;
        }
        const p = outcome.principal;
        const connectionId = `ws-${randomUUID()}`;
        const decision = await deps.admission.admit(p.subject, p.requestsPerMinute, p.concurrentConnections, connectionId);
        if (!decision.admitted) {
          ctx.extra.socket.close(WS_OVER_CONNECTION_LIMIT, admissionError(decision, p).message.slice(0, 120));
          return false;
        }
        ctx.extra.principal = p;
        const credential = readCredential(ctx.extra.request.headers, ctx.connectionParams);
        const credentialKey = credential && AuthService.credentialKey(credential.kind, credential.value);
        track(credentialKey ? [p.subject, credentialKey] : [p.subject], ctx.extra.socket);
        if (p.concurrentConnections !== null) {
          ctx.extra.connectionId = connectionId;
          // Renew the lease while open so a crashed instance's sockets expire on their own.
          ctx.extra.renew = setInterval(() => void deps.admission.connections.renew(p.subject, connectionId).catch(() => {}), CONNECTION_LEASE_MS / 3);
          ctx.extra.renew.unref();
        }
        return true;
      },
      onClose: async (ctx) => {
        clearInterval(ctx.extra.renew);
        const p = ctx.extra.principal;
        if (p && ctx.extra.connectionId) await deps.admission.release(p.subject, ctx.extra.connectionId).catch(() => {});
      },
      onSubscribe: async (ctx, _id, payload) => {
        const principal = ctx.extra.principal!;
        if (!o.openPrincipal) {
          const decision = await deps.admission.admit(principal.subject, principal.requestsPerMinute, null, null);
          if (!decision.admitted) {
            const e = admissionError(decision, principal);
            return [new GraphQLError(e.message, { extensions: { ...e.extensions, code: e.code } })];
          }
        }
        let document = documents.get(payload.query);
        if (!document) {
          try {
            document = parse(payload.query);
          } catch (error) {
            return [error as GraphQLError];
          }
          const errors = validate(o.schema, document, [...specifiedRules, ...o.validationRules]);
          if (errors.length) return errors;
          documents.set(payload.query, document, 3600_000);
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [new GraphQLError('Send exactly one operation, or name the one to run', { extensions: { code: ErrorCode.BAD_USER_INPUT } })];
        }
        const fragments = Object.fromEntries(
          document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
        );
        try {
          enforceOperationLimits(principal, operation, fragments, payload.variables ?? undefined);
        } catch (error) {
          return [error as GraphQLError];
        }
        const headers = ctx.extra.request.headers;
        return {
          schema: o.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(
            deps,
            principal,
            {
              ip: ctx.extra.request.socket.remoteAddress ?? null,
              userAgent: typeof headers['user-agent'] === 'string' ? headers['user-agent'] : null,
            },
            operation.operation === 'subscription'
              ? {
                  shareKey: JSON.stringify([
                    payload.query, payload.operationName ?? null, payload.variables ?? {},
                    principal.role, principal.namespaces === 'all' ? '*' : [...principal.namespaces].sort(),
                  ]),
                }
              : {},
          ),
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(o.formatError) } : undefined),
      onError: (_ctx, _id, _payload, errors) => errors.map(o.formatError),
    },
    wsServer,
  );
  return { wsServer, cleanup };
}
