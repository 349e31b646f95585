// POST /api/<method>: the JSON body is the method's one input object; the answer is the
// dispatcher's outcome as JSON, `{ ok: true, value }` or `{ ok: false, error: {name, message} }`,
// with an HTTP status that says which kind of failure it was.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../error-message.ts';
import type { StudioApi } from './contract.ts';
import { dispatch, type CallOutcome } from './dispatch.ts';
import { bodyLimitOf } from './web-limits.ts';

class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'InvalidInput';
    this.status = status;
  }
}

/** Reads at most `limit` bytes (web-limits.ts says how many each method may send). */
async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () => new BodyError(413, `request body is larger than ${limit} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, `request body is not valid JSON: ${errorMessage(error)}`);
  }
}

function statusOf(outcome: CallOutcome): number {
  if (outcome.ok) return 200;
  if (outcome.error.name === 'UnknownMethod') return 404;
  if (outcome.error.name === 'InvalidInput') return 400;
  // The call reached the service and the service refused or failed (a missing folder,
  // an unknown dataset…): the request was well-formed but could not be carried out.
  return 422;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  response.end(text);
}

export async function handleApiCall(request: IncomingMessage, response: ServerResponse, api: StudioApi, method: string): Promise<void> {
  let input: unknown;
  try {
    input = await readJsonBody(request, bodyLimitOf(method));
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    // The rest of an oversized body is never read: close the connection after answering.
    if (error.status === 413) response.setHeader('connection', 'close');
    sendJson(response, error.status, { ok: false, error: { name: error.name, message: error.message } });
    return;
  }
  const outcome = await dispatch(api, method, input);
  if (response.destroyed) return; // the browser went away while a long call (a scan) ran
  sendJson(response, statusOf(outcome), outcome);
}
