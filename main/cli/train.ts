// `simclr-studio train <folder> --run-dir D [--epochs N] [--batch-size B] [--image-size S]
//   [--backbone resnet18|resnet34|resnet50] [--width F] [--temperature T]
//   [--optimizer lars|sgd|adamw] [--lr X] [--seed N] [--backend auto|tensorflow|wasm|cpu]
//   [--resume] [--json]`
// Pretrains f and g with SimCLR on the images of a folder. Checkpoints go to
// <run-dir>/checkpoints, the trained encoder to <run-dir>/encoder (TF.js LayersModel),
// per-step metrics to <run-dir>/metrics.jsonl. Decoded pixels are cached in the data
// directory (SIMCLR_STUDIO_DATA_DIR or the app's), shared with the app.
//
// Choices:
// - A batch larger than the folder is CLAMPED to the number of usable images, with a
//   warning (a small folder should just work); fewer than 2 usable images is an error.
// - --resume continues <run-dir>/checkpoints/last.ckpt. Flags not given are taken from
//   the checkpoint; a flag given with a different value is refused, naming the fields.
// - Without --resume, a run directory that already holds a checkpoint is refused, so a
//   finished run is never overwritten by accident.
// - Ctrl-C cancels between steps and saves a checkpoint (exit code 130).
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ZodError } from 'zod';
import { exportLayersModel } from '../../worker/export/layers-model.ts';
import { selectBackend } from '../../worker/backend.ts';
import { BACKBONES, BACKENDS, OPTIMIZERS, resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../../worker/simclr/config.ts';
import { openSession, readResumePoint, type ResumePoint } from '../../worker/jobs/train-session.ts';
import { lastCheckpointPath } from '../../worker/simclr/checkpoint.ts';
import { TrainController } from '../../worker/simclr/trainer-control.ts';
import { TrainingError } from '../../worker/simclr/trainer-errors.ts';
import { assertResumable, configAsInput } from '../../worker/simclr/trainer-resume.ts';
import { disposeSession } from '../../worker/simclr/trainer-session.ts';
import { trainRun, type StepMetrics } from '../../worker/simclr/trainer.ts';
import { errorMessage } from '../error-message.ts';
import { formatZodIssues } from '../zod-issues.ts';
import { choiceFlag, CliError, logLine, numberFlag, parseCommandArgs, printJson } from './common.ts';
import { openFolderForCli } from './open-folder.ts';
import { ProgressLine } from './progress-line.ts';

const USAGE = `usage: simclr-studio train <folder> --run-dir D [--epochs N] [--batch-size B] [--image-size S]
         [--backbone ${BACKBONES.join('|')}] [--width F] [--temperature T]
         [--optimizer ${OPTIMIZERS.join('|')}] [--lr X] [--seed N]
         [--backend ${BACKENDS.join('|')}] [--resume] [--json]

Pretrains an encoder with SimCLR on the images of <folder> (and its sub-folders).
Defaults suit a small folder on a CPU: 10 epochs, batch 32, 32 px, ResNet-18 at width 0.25.`;

const OPTIONS = {
  'run-dir': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'image-size': { type: 'string' },
  backbone: { type: 'string' },
  width: { type: 'string' },
  temperature: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  resume: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Config fields that have a flag: errors name the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  imageSize: '--image-size',
  batchSize: '--batch-size',
  epochs: '--epochs',
  width: '--width',
  temperature: '--temperature',
  lr: '--lr',
  seed: '--seed',
};

/** Turns zod's validation error into one line per field, naming the flag where there is one. */
export function configError(error: unknown): never {
  if (error instanceof ZodError) {
    throw new CliError(`invalid settings: ${formatZodIssues(error, { whole: 'config', rename: (field) => FLAG_OF[field] })}`);
  }
  throw error;
}

/** Only the flags the user gave (so --resume can tell given from default). */
function flagsToConfig(values: Record<string, string | boolean | undefined>): TrainConfigInput {
  const n = (name: string) => (values[name] === undefined ? undefined : numberFlag(values[name] as string, name, 0));
  const input: Record<string, unknown> = {
    epochs: n('epochs'),
    batchSize: n('batch-size'),
    imageSize: n('image-size'),
    backbone: choiceFlag(values.backbone as string | undefined, 'backbone', BACKBONES),
    width: n('width'),
    temperature: n('temperature'),
    optimizer: choiceFlag(values.optimizer as string | undefined, 'optimizer', OPTIMIZERS),
    lr: n('lr'),
    seed: n('seed'),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as TrainConfigInput;
}

function resolve(input: TrainConfigInput): TrainConfig {
  try {
    return resolveTrainConfig(input);
  } catch (error) {
    return configError(error);
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'train');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`train needs exactly one <folder>, got ${positionals.length}\n\n${USAGE}`);
  if (!values['run-dir']) throw new CliError(`train needs --run-dir D (where checkpoints and the encoder are written)\n\n${USAGE}`);
  const folder = path.resolve(positionals[0]!);
  const runDir = path.resolve(values['run-dir']);
  const json = values.json;
  const backendPreference = choiceFlag(values.backend, 'backend', BACKENDS) ?? 'auto';
  const given = flagsToConfig(values);

  const runDirStat = await fs.stat(runDir).catch(() => undefined);
  if (runDirStat && !runDirStat.isDirectory()) throw new CliError(`--run-dir ${runDir} is a file, not a folder`);

  // The checkpoint first: --resume takes the settings not given from it.
  const lastPath = lastCheckpointPath(runDir);
  // Read the same way as the app's train job (worker/jobs/train-session.ts).
  let resumeFrom: ResumePoint | null = null;
  if (values.resume) {
    resumeFrom = await readResumePoint(runDir).catch((error: unknown) => {
      throw new CliError(errorMessage(error));
    });
  } else if (await fs.access(lastPath).then(() => true, () => false)) {
    throw new CliError(`${runDir} already holds a training run (${lastPath}); pass --resume to continue it, or choose another --run-dir`);
  }
  const checkpoint = resumeFrom?.checkpoint;
  const requested: TrainConfigInput = checkpoint ? { ...configAsInput(checkpoint.config), ...given } : given;
  let config = resolve(requested);

  const progress = new ProgressLine(process.stderr);
  const dataset = await openFolderForCli(folder, { imageSize: config.imageSize, progress });
  if (dataset.size < 2) throw new CliError(`training needs at least 2 usable images in ${folder} (a positive pair needs negatives), found ${dataset.size}`);
  if (config.batchSize > dataset.size) {
    // Deterministic, so a resumed run clamps the same way and compares equal.
    logLine(`warning: batch size ${config.batchSize} is larger than the ${dataset.size} usable images; using batch size ${dataset.size}`);
    config = resolve({ ...requested, batchSize: dataset.size });
  }
  // openSession checks this again; checked here first so a wrong --resume fails before a backend loads.
  if (checkpoint) {
    try {
      assertResumable(checkpoint, config, { fingerprint: dataset.fingerprint, size: dataset.size }, lastPath);
    } catch (error) {
      throw new CliError(errorMessage(error));
    }
  }

  const backend = await selectBackend(backendPreference, logLine).catch((error: unknown) => {
    throw new CliError(errorMessage(error));
  });
  const tf = backend.tf;
  let session;
  try {
    session = openSession(tf, config, dataset, resumeFrom);
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
  await fs.mkdir(runDir, { recursive: true });
  // A stream keeps the lines in order without awaiting each write inside the step callback.
  const metricsFile = createWriteStream(path.join(runDir, 'metrics.jsonl'), { flags: 'a' });
  const controller = new TrainController();
  const onSigint = () => {
    logLine('\ncancelling after this step (Ctrl-C again to quit without a checkpoint)…');
    process.off('SIGINT', onSigint);
    controller.cancel();
  };
  process.on('SIGINT', onSigint);
  logLine(
    `training ${config.backbone} ×${config.width} at ${config.imageSize} px on ${dataset.size} images: ` +
      `${config.epochs} epochs, batch ${config.batchSize}, ${config.optimizer} lr ${config.lr.toPrecision(3)}, τ ${config.temperature}, backend ${backend.name}` +
      (checkpoint ? ` (resuming at step ${checkpoint.step})` : ''),
  );
  let outcome;
  try {
    outcome = await trainRun({
      tf,
      backend: backend.name,
      session,
      dataset,
      runDir,
      control: controller,
      onStep: (m: StepMetrics) => {
        metricsFile.write(`${JSON.stringify({ type: 'step', ...m })}\n`);
        progress.update(
          `epoch ${m.epoch + 1}/${config.epochs} step ${m.step}/${m.totalSteps} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(2)} ` +
            `lr ${m.lr.toPrecision(3)} ${m.imagesPerSecond.toFixed(1)} img/s`,
          m.step / m.totalSteps,
        );
      },
      onEpoch: (m) => {
        metricsFile.write(`${JSON.stringify({ type: 'epoch', ...m })}\n`);
        progress.log(`epoch ${m.epoch}/${m.epochs}: loss ${m.meanLoss.toFixed(4)}, accuracy ${m.meanAccuracy.toFixed(3)}, ${m.imagesPerSecond.toFixed(1)} img/s`);
      },
      onSkipped: (s) => progress.log(`skipped ${s.path}: ${s.reason}`),
    });
    progress.done();
    if (outcome.status === 'completed') {
      await exportLayersModel(session.encoder, path.join(runDir, 'encoder'));
    }
  } catch (error) {
    progress.done();
    if (error instanceof TrainingError) throw new CliError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await new Promise<void>((resolve) => metricsFile.end(resolve));
    disposeSession(session);
  }
  logLine(outcome.message);
  const summary = {
    run_dir: runDir,
    epochs: outcome.epochs,
    steps: outcome.steps,
    final_loss: outcome.finalLoss,
    images_per_s: Number(outcome.imagesPerSecond.toFixed(2)),
    backend: backend.name,
    status: outcome.status,
  };
  if (json) printJson(summary);
  else if (outcome.status === 'completed') console.log(`encoder written to ${path.join(runDir, 'encoder')}`);
  if (outcome.status === 'diverged') return 1;
  return outcome.status === 'cancelled' ? 130 : 0;
}
