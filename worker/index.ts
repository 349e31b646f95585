// The worker thread's message loop (DESIGN.md §2): chooses the TensorFlow.js backend
// once, says so to main ('ready' with the reasons better backends were not used), then
// runs the jobs main sends, one at a time, through the handlers in jobs/registry.ts.
// Pause/resume/cancel arrive as control messages and are honoured between steps by the
// handler (TrainController). A handler's exception fails that job only; the loop lives on.
import { parentPort, workerData } from 'node:worker_threads';
import { errorNameAndMessage } from '../main/error-message.ts';
import { type BackendChoice, selectBackend } from './backend.ts';
import { type JobContext, jobHandlers, type JobHandler } from './jobs/registry.ts';
import type { JobKind, JobRequest, MainToWorker, WorkerStartData, WorkerToMain } from './protocol.ts';
import { TrainController } from './simclr/trainer-control.ts';

const port = parentPort;
if (!port) throw new Error('worker/index.ts must run in a worker thread');

function post(message: WorkerToMain, transfer: Transferable[] = []): void {
  port!.postMessage(message, transfer as never);
}

/**
 * ArrayBuffers inside a result or progress payload (typed arrays of pixels, embeddings),
 * moved to main instead of copied. Depth-limited: payloads are shallow records.
 */
function transferablesOf(value: unknown, depth = 4, found = new Set<ArrayBuffer>()): Transferable[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength) found.add(value.buffer);
  } else if (depth > 0 && value && typeof value === 'object') {
    for (const item of Array.isArray(value) ? value : Object.values(value)) transferablesOf(item, depth - 1, found);
  }
  return [...found];
}

const controllers = new Map<string, TrainController>();

/** Kinds main sends with `interactive: true` (main/services/worker-host): not queued behind a run. */
const INTERACTIVE_KINDS: ReadonlySet<JobKind> = new Set<JobKind>(['preview']);

/**
 * Whether a job runs now, between two steps of a training run, instead of in order: a
 * preview always; an 'embed' only for a single image (the explorer's dropped-file query,
 * one small forward pass). A whole-set embedding is long and waits its turn.
 */
function runsInteractively(kind: JobKind, request: unknown): boolean {
  if (INTERACTIVE_KINDS.has(kind)) return true;
  return kind === 'embed' && (request as Partial<JobRequest<'embed'>> | undefined)?.images?.length === 1;
}

async function runJob(backend: BackendChoice, jobId: string, kind: JobKind, request: unknown): Promise<void> {
  const controller = new TrainController();
  controllers.set(jobId, controller);
  const context: JobContext<JobKind> = {
    jobId,
    tf: backend.tf,
    backend: { name: backend.name, detail: backend.detail },
    signal: controller.signal,
    waitWhilePaused: () => controller.waitWhilePaused(),
    isPaused: () => controller.paused,
    progress: (payload) => post({ type: 'progress', jobId, payload }, transferablesOf(payload)),
    log: (level, message) => post({ type: 'log', jobId, level, message }),
  };
  try {
    const load = jobHandlers[kind] as (() => Promise<JobHandler<JobKind>>) | undefined;
    if (!load) throw new Error(`the worker has no job kind '${String(kind)}'`);
    const handler = await load();
    const result = await handler(request as never, context);
    post({ type: 'done', jobId, result }, transferablesOf(result));
  } catch (error) {
    post({ type: 'failed', jobId, error: errorNameAndMessage(error) });
  } finally {
    controllers.delete(jobId);
  }
}

async function main(): Promise<void> {
  const { backend: preference } = workerData as WorkerStartData;
  let backend: BackendChoice | undefined;
  const backendReady = selectBackend(preference, (line) => post({ type: 'log', jobId: null, level: 'info', message: line }));
  // Jobs may arrive while the backend is being chosen; they run in order once it is.
  let chain: Promise<void> = backendReady.then(
    () => undefined,
    () => undefined,
  );

  port!.on('message', (message: MainToWorker) => {
    switch (message.type) {
      case 'job':
        if (runsInteractively(message.kind, message.request)) {
          // Short jobs (a preview, a one-image query) run now: their tf work is synchronous, so it slots in
          // between two steps of a training run instead of waiting for the run to end.
          void backendReady.then((b) => runJob(b, message.jobId, message.kind, message.request), () => undefined);
          return;
        }
        chain = chain.then(() =>
          backend
            ? runJob(backend, message.jobId, message.kind, message.request)
            : post({ type: 'failed', jobId: message.jobId, error: { name: 'WorkerFailedError', message: 'no TensorFlow.js backend could be started' } }),
        );
        return;
      case 'control': {
        const controller = controllers.get(message.jobId);
        if (message.action === 'pause') controller?.pause();
        else if (message.action === 'resume') controller?.resume();
        else controller?.cancel();
        return;
      }
      case 'shutdown':
        for (const controller of controllers.values()) controller.cancel();
        void chain.then(() => port!.close());
        return;
    }
  });

  try {
    backend = await backendReady;
  } catch (error) {
    post({ type: 'fatal', error: errorNameAndMessage(error) });
    port!.close();
    return;
  }
  post({ type: 'ready', backend: backend.name, detail: backend.detail, gpu: backend.gpu, reasons: backend.reasons });
}

void main();
