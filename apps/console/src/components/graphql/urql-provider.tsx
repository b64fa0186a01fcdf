'use client';
/**
 * The console's one urql client: queries and mutations over HTTP (POST, because Apollo's CSRF
 * prevention rejects plain GET queries), subscriptions over graphql-ws on the same path.
 * Both carry the API's session cookie (`credentials: 'include'` over HTTP; the browser sends
 * it on the WebSocket upgrade by itself). When the API answers UNAUTHENTICATED — HTTP 401 or
 * socket close 4401 — the session is over and the browser goes to the sign-in page.
 * It also publishes the WebSocket's state so pages can show connecting / live / error, and
 * the API's endpoints for the few calls that are not GraphQL (sign-in, sign-out).
 */
import {
  createContext,
  useContext,
  useEffect,
  useState,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
} from 'react';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import {
  Client,
  Provider,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type CombinedError,
} from 'urql';
import { redirectToSignIn } from '@/components/auth/session-client';
import type { ApiEndpoints } from '@/lib/api-endpoints';

export type SocketState = 'connecting' | 'connected' | 'error';

const SocketStateContext = createContext<SocketState>('connecting');
const EndpointsContext = createContext<ApiEndpoints | null>(null);

/** The API's endpoints (from `API_URL`, read by the root layout). */
export function useApiEndpoints(): ApiEndpoints {
  const endpoints = useContext(EndpointsContext);
  if (!endpoints) throw new Error('useApiEndpoints must be used inside <UrqlProvider>');
  return endpoints;
}

/** graphql-ws close codes of the API: unauthenticated (session over). */
const CLOSE_UNAUTHENTICATED = 4401;

export function isUnauthenticated(error: CombinedError | undefined): boolean {
  if (!error) return false;
  return (
    error.response?.status === 401 ||
    error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
  );
}

/** State of the graphql-ws connection behind subscriptions. */
export function useSocketState(): SocketState {
  return useContext(SocketStateContext);
}

/** Exponential back-off capped at 10 s with jitter, so a restarted API is picked up quickly. */
function retryWait(retries: number): Promise<void> {
  const ms = Math.min(10_000, 500 * 2 ** retries) + Math.random() * 500;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function createClients(endpoints: ApiEndpoints, onSocketState: Dispatch<SetStateAction<SocketState>>) {
  // The WebSocket only exists in the browser; during server rendering nothing subscribes
  // (pages pause their operations until mounted), so the socket client is made on first use.
  let ws: WsClient | undefined;
  const socket = (): WsClient => {
    ws ??= createWsClient({
      url: endpoints.ws,
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait,
      on: {
        // An error stays shown through the retries until a connection succeeds again.
        connecting: () => onSocketState((prev) => (prev === 'error' ? 'error' : 'connecting')),
        connected: () => onSocketState('connected'),
        error: () => onSocketState('error'),
        closed: (event) => {
          // 1000 is our own dispose (no subscriptions left); anything else is a lost connection.
          const code = (event as { code?: number } | undefined)?.code;
          if (code === CLOSE_UNAUTHENTICATED) redirectToSignIn(endpoints.session);
          if (code !== 1000) onSocketState('error');
        },
      },
    });
    return ws;
  };

  const client = new Client({
    url: endpoints.http,
    preferGetMethod: false,
    fetchOptions: { credentials: 'include' },
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) redirectToSignIn(endpoints.session);
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  const dispose = () => {
    void ws?.dispose();
    ws = undefined; // a remount (React strict mode) gets a fresh socket
  };
  return { client, dispose };
}

export function UrqlProvider({ endpoints, children }: { endpoints: ApiEndpoints; children: ReactNode }) {
  const [socketState, setSocketState] = useState<SocketState>('connecting');
  const [{ client, dispose }] = useState(() => createClients(endpoints, setSocketState));
  useEffect(() => dispose, [dispose]);
  return (
    <EndpointsContext.Provider value={endpoints}>
      <Provider value={client}>
        <SocketStateContext.Provider value={socketState}>{children}</SocketStateContext.Provider>
      </Provider>
    </EndpointsContext.Provider>
  );
}
