/** The state of a live stream (a GraphQL subscription over the shared socket), for a connection badge. */
import type { SocketState } from '@/components/graphql/urql-provider';

export type StreamState = 'connecting' | 'live' | 'error';

/** Failed on an error; live once the socket is connected and, unless `waitForData` is false, something arrived. */
export function streamState(error: unknown, socket: SocketState, received: number, waitForData = true): StreamState {
  if (error || socket === 'error') return 'error';
  return socket === 'connected' && (received > 0 || !waitForData) ? 'live' : 'connecting';
}
