// One WebSocket carrying the server's events to any number of subscribers. It connects
// on the first subscription and reconnects with a growing delay if the connection
// drops (e.g. the laptop slept). Events sent while it was away are lost, so after every
// reconnection it tells its `onReconnect` listeners, which reload what they show.
import type { EventName } from '../../main/api/contract.ts';

type Listener = (payload: unknown) => void;

export interface EventSocket {
  subscribe(event: EventName, listener: Listener): () => void;
  /** `listener` runs each time the socket opens again after its first connection attempt. */
  onReconnect(listener: () => void): () => void;
}

const RETRY_MS = [500, 1000, 2000, 5000, 10000] as const;

export function createEventSocket(url: string): EventSocket {
  const listeners = new Map<string, Set<Listener>>();
  const reconnectListeners = new Set<() => void>();
  /** Connection attempts so far: an open after the first attempt may have missed events. */
  let attempts = 0;
  let socket: WebSocket | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const hasListeners = () => [...listeners.values()].some((set) => set.size > 0);

  function connect(): void {
    attempts += 1;
    const isReconnect = attempts > 1;
    socket = new WebSocket(url);
    socket.onopen = () => {
      failures = 0;
      if (isReconnect) for (const listener of [...reconnectListeners]) listener();
    };
    socket.onmessage = (message) => {
      let parsed: { event?: string; payload?: unknown };
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        return; // not ours; the server only sends JSON
      }
      for (const listener of listeners.get(parsed.event ?? '') ?? []) listener(parsed.payload);
    };
    socket.onclose = () => {
      socket = null;
      if (!hasListeners()) return;
      const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      failures += 1;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (hasListeners() && !socket) connect();
      }, delay);
    };
  }

  return {
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!socket && !retryTimer) connect();
      return () => {
        set.delete(listener);
        if (!hasListeners()) {
          if (retryTimer) clearTimeout(retryTimer);
          retryTimer = null;
          socket?.close();
        }
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
  };
}
