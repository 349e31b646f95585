// Pushes the studio's events to every connected browser over one WebSocket each.
// Messages are JSON `{ "event": <EventName>, "payload": <StudioEvents[event]> }`; the
// browser never sends anything on this socket (calls go over HTTP).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventNames, type EventName, type StudioEvents } from './contract.ts';

/** What the studio's `events` offers (main/services/studio.ts). */
export interface StudioEventSource {
  on<E extends EventName>(name: E, callback: (payload: StudioEvents[E]) => void): () => void;
}

export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: StudioEvents[E];
}

export interface EventHub {
  /** Completes a WebSocket upgrade the caller has already authorised. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clientCount: number;
  close(): Promise<void>;
}

export function createEventHub(events: StudioEventSource): EventHub {
  // noServer: the HTTP server decides which upgrades are allowed (path, host, token).
  // maxPayload is tiny because clients have nothing to say on this socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const clients = new Set<WebSocket>();

  const broadcast = (message: EventMessage): void => {
    const text = JSON.stringify(message);
    for (const client of clients) if (client.readyState === client.OPEN) client.send(text);
  };
  // One subscription per event for the whole server, not per socket.
  const unsubscribers = eventNames.map((event) => events.on(event, (payload) => broadcast({ event, payload })));

  return {
    accept(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (client) => {
        clients.add(client);
        client.on('close', () => clients.delete(client));
        client.on('error', () => client.terminate());
        // Anything a client sends is ignored: the socket only carries events out.
        client.on('message', () => undefined);
      });
    },
    get clientCount() {
      return clients.size;
    },
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      for (const client of clients) client.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const client of clients) client.terminate();
    },
  };
}
