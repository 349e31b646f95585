// Words and numbers of a run for display: statuses, durations, the backend's name.
import type { BackendKind, RunStatus } from '../../../main/api/contract.ts';

export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** "45 s", "4 min 05 s", "16 min", "3 h 05 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const minutes = Math.floor(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatRate(imagesPerSecond: number | null): string {
  if (imagesPerSecond === null || !Number.isFinite(imagesPerSecond)) return '–';
  return `${imagesPerSecond < 10 ? imagesPerSecond.toFixed(1) : Math.round(imagesPerSecond)} images/s`;
}

export function formatMetric(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** The backend in a non-coder's words. */
export function backendName(backend: BackendKind | string | null, gpu: boolean): string {
  if (backend === null) return 'not started yet';
  if (backend === 'tensorflow') return gpu ? 'GPU (TensorFlow with CUDA)' : 'native CPU (TensorFlow)';
  if (backend === 'wasm') return 'WebAssembly (CPU)';
  if (backend === 'cpu') return 'plain JavaScript (slowest)';
  return backend;
}
