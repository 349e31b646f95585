// The StudioBridge over HTTP + WebSocket (web mode, served by main/api/web-server.ts).
// Methods and event subscriptions are generated from the contract's lists, exactly as
// the Electron preload generates its own, so the two cannot drift.
import { subscriptionName, type StudioBridge } from '../../main/api/bridge.ts';
import { eventNames, methodInputs, type SerializedError } from '../../main/api/contract.ts';
import { reviveError } from '../../main/api/dispatch.ts';
import { apiPath, TOKEN_HEADER, thumbPath } from '../../main/api/web-routes.ts';
import { createEventSocket } from './event-socket.ts';

export interface WebClientOptions {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly token: string;
}

/**
 * Web mode only: the event socket dropped and is back, so events may have been missed;
 * state that follows events reloads once (renderer/lib/api.ts whenReconnected).
 */
export interface ReconnectSignal {
  onReconnect(callback: () => void): () => void;
}

export function tokenFromLocation(location: Location): string | null {
  return new URLSearchParams(location.search).get('token');
}

type CallAnswer = { ok: true; value: unknown } | { ok: false; error: SerializedError };

async function callServer(options: WebClientOptions, method: string, input: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(apiPath(method), options.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: options.token },
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    throw reviveError({ name: 'ServerUnreachable', message: `cannot reach the SimCLR Studio server at ${options.origin}; is it still running?` });
  }
  let answer: CallAnswer;
  try {
    answer = (await response.json()) as CallAnswer;
  } catch {
    throw reviveError({ name: 'BadResponse', message: `the server answered ${method} with ${response.status} ${response.statusText}` });
  }
  if (answer.ok) return answer.value;
  throw reviveError(answer.error);
}

export function createWebClient(options: WebClientOptions): StudioBridge & ReconnectSignal {
  const wsOrigin = options.origin.replace(/^http/, 'ws');
  const events = createEventSocket(`${wsOrigin}/events?token=${encodeURIComponent(options.token)}`);
  const client: Record<string, unknown> = {};
  for (const method of Object.keys(methodInputs)) {
    client[method] = (input: unknown) => callServer(options, method, input);
  }
  for (const event of eventNames) {
    client[subscriptionName(event)] = (callback: (payload: unknown) => void) => events.subscribe(event, callback);
  }
  const helpers: Pick<StudioBridge, 'pathForFile' | 'pickFolder' | 'thumbnailUrl'> & ReconnectSignal = {
    // A browser never reveals where a dropped folder lives on disk.
    pathForFile: () => '',
    // There is no native dialog for the server's disk; the user types the path.
    pickFolder: async () => null,
    thumbnailUrl: (datasetId, relPath) => `${thumbPath(datasetId, relPath)}?token=${encodeURIComponent(options.token)}`,
    onReconnect: (callback) => events.onReconnect(callback),
  };
  return Object.assign(client, helpers) as unknown as StudioBridge & ReconnectSignal;
}
