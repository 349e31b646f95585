// What the desktop shows about training outside the window — the OS progress bar on the
// window / dock icon, keeping the machine awake, a notification when a run ends, and
// whether quitting needs a confirmation — decided from the studio's training events.
// No `electron` import here (the tests run in plain Node); training-desktop-electron.ts
// applies the decisions with Electron's APIs.
import { isActiveRunStatus, type RunProgress, type RunStatus, type RunStatusChange } from '../api/contract.ts';
import type { StudioEventBus } from '../services/studio.ts';

/** The desktop features, as Electron provides them (or a test records them). */
export interface DesktopEffects {
  /**
   * The taskbar / dock progress: a fraction 0..1 ('normal' or 'paused'), 'indeterminate'
   * while a run waits or prepares, or 'none' to remove it (BrowserWindow.setProgressBar).
   */
  setProgress(progress: { mode: 'normal' | 'paused'; fraction: number } | { mode: 'indeterminate' | 'none' }): void;
  /** Keep the system from sleeping (powerSaveBlocker 'prevent-app-suspension') while true. */
  keepAwake(on: boolean): void;
  notify(title: string, body: string): void;
}

export interface TrainingDesktopOptions {
  /** The experiment's name for the notification; null when unknown (e.g. just deleted). */
  experimentName?: (experimentId: number) => Promise<string | null>;
}

interface ActiveRun {
  status: RunStatus;
  experimentId: number;
  step: number;
  totalSteps: number;
  preparing: boolean;
}

export interface TrainingDesktop {
  /** What to say before quitting ("Run 3 is training (step 40 of 120)"), or null when nothing runs. */
  busyReason(): string | null;
  /** Unsubscribes and releases the progress bar and the wake lock. */
  dispose(): void;
}

export function connectTrainingDesktop(events: StudioEventBus, effects: DesktopEffects, options: TrainingDesktopOptions = {}): TrainingDesktop {
  const runs = new Map<number, ActiveRun>();
  let awake = false;

  function update(): void {
    const all = [...runs.values()];
    // One run trains at a time (the worker's queue); the others wait.
    const shown = all.find((r) => r.status === 'running') ?? all.find((r) => r.status === 'paused') ?? all[0];
    if (!shown) effects.setProgress({ mode: 'none' });
    else if (shown.status === 'queued' || shown.preparing || shown.totalSteps <= 0) effects.setProgress({ mode: 'indeterminate' });
    else effects.setProgress({ mode: shown.status === 'paused' ? 'paused' : 'normal', fraction: Math.min(1, shown.step / shown.totalSteps) });
    // A paused run waits for the person: the machine may sleep meanwhile.
    const wantAwake = all.some((r) => r.status === 'running' || r.status === 'queued');
    if (wantAwake !== awake) effects.keepAwake((awake = wantAwake));
  }

  function onProgress(progress: RunProgress): void {
    const run = runs.get(progress.runId) ?? { status: 'running' as RunStatus, experimentId: progress.experimentId, step: 0, totalSteps: 0, preparing: true };
    runs.set(progress.runId, { ...run, step: progress.step, totalSteps: progress.totalSteps, preparing: progress.phase === 'preparing' });
    update();
  }

  function onStatus(change: RunStatusChange): void {
    if (isActiveRunStatus(change.status)) {
      const run = runs.get(change.runId);
      runs.set(change.runId, { status: change.status, experimentId: change.experimentId, step: run?.step ?? 0, totalSteps: run?.totalSteps ?? 0, preparing: run?.preparing ?? true });
    } else {
      runs.delete(change.runId);
      void announce(change);
    }
    update();
  }

  /** A notification when a run finished or failed; not for a cancel (the person did it) or an interruption (the app is stopping). */
  async function announce(change: RunStatusChange): Promise<void> {
    if (change.status !== 'done' && change.status !== 'failed') return;
    const name = (await options.experimentName?.(change.experimentId).catch(() => null)) ?? null;
    const what = name ? `“${name}” (run ${change.runId})` : `Run ${change.runId}`;
    if (change.status === 'done') effects.notify('Training finished', `${what} has finished.${change.reason ? ` ${change.reason}` : ''}`);
    else effects.notify('Training failed', `${what} stopped: ${change.reason ?? 'no reason was given'}. It can be resumed from its last checkpoint if one was written.`);
  }

  const unsubscribe = [events.on('runProgress', onProgress), events.on('runStatusChanged', onStatus)];

  return {
    busyReason() {
      const entries = [...runs.entries()];
      const running = entries.find(([, run]) => run.status === 'running');
      if (running) {
        const [id, run] = running;
        return run.totalSteps > 0 ? `Run ${id} is training (step ${run.step} of ${run.totalSteps})` : `Run ${id} is training`;
      }
      if (entries.length > 0) return `${entries.length === 1 ? 'A training run is' : `${entries.length} training runs are`} paused or waiting`;
      return null;
    },
    dispose() {
      for (const off of unsubscribe) off();
      runs.clear();
      effects.setProgress({ mode: 'none' });
      if (awake) effects.keepAwake((awake = false));
    },
  };
}
