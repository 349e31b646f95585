// One WebSocket carrying the server's events to any number of subscribers. It connects
// on the first subscription and reconnects with a growing delay if the connection
// drops (e.g. the laptop slept), so subscribers never have to care.
import type { EventName } from '../../main/api/contract.ts';

type Listener = (payload: unknown) => void;

export interface EventSocket {
  subscribe(event: EventName, listener: Listener): () => void;
}

const RETRY_MS = [500, 1000, 2000, 5000, 10000] as const;

export function createEventSocket(url: string): EventSocket {
  const listeners = new Map<string, Set<Listener>>();
  let socket: WebSocket | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const hasListeners = () => [...listeners.values()].some((set) => set.size > 0);

  function connect(): void {
    socket = new WebSocket(url);
    socket.onopen = () => {
      failures = 0;
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
  };
}
