// Whether a checkpoint may be continued with a given config and dataset. Resuming must
// follow the same trajectory, so ANY difference in the resolved config (including the
// number of epochs, which shapes the cosine schedule) is refused, naming the fields.
import type { TrainConfig, TrainConfigInput } from './config.ts';
import { type Checkpoint, CheckpointError } from './checkpoint.ts';

/** Dotted names of the fields whose values differ ('augment.blurP', 'lr', …). */
export function configDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => configDifferences(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(config)'];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

function valueAt(config: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), config);
}

/** Throws a CheckpointError naming every differing field (checkpoint value → requested value). */
export function assertResumable(checkpoint: Checkpoint, config: TrainConfig, dataset: { fingerprint: string; size: number }, source: string): void {
  const differing = configDifferences(checkpoint.config, config);
  if (differing.length > 0) {
    const details = differing.map((f) => `${f} (checkpoint ${show(valueAt(checkpoint.config, f))}, now ${show(valueAt(config, f))})`);
    throw new CheckpointError(`cannot resume ${source}: the config differs in ${details.join(', ')}. Resume with the same settings, or start a new run directory.`);
  }
  if (checkpoint.dataset.fingerprint !== dataset.fingerprint) {
    throw new CheckpointError(
      `cannot resume ${source}: the images differ from the ones it was trained on (${checkpoint.dataset.size} images then, ${dataset.size} now, or their contents changed). Start a new run directory.`,
    );
  }
}

/**
 * A stored (resolved) config as schema input, so that flags given on resume can be laid
 * over it and the result validated again. Resolved configs are valid inputs; only their
 * readonly tuples need copying.
 */
export function configAsInput(config: TrainConfig): TrainConfigInput {
  return structuredClone(config) as unknown as TrainConfigInput;
}
