// `simclr-studio eval knn|linear --train <folder> --test <folder>
//    (--run-dir D | --random-init [--backbone … --width … --image-size …]) [--k 20] [--json]`
// Accuracy of the frozen encoder's h with folder names as labels (the first folder under
// each root is the class). kNN: top-1 with similarity-weighted votes (majority also
// reported); linear: a softmax probe (worker/eval/linear-probe.ts). --random-init gives
// the baseline: an untrained encoder of the same architecture (seed 0).
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { selectBackend } from '../../worker/backend.ts';
import type { ImageDataset } from '../../worker/data/dataset.ts';
import { evaluateEncoder, type EvalMethod } from '../../worker/eval.ts';
import { BACKBONES, resolveTrainConfig, type TrainConfigInput } from '../../worker/simclr/config.ts';
import { lastCheckpointPath, readCheckpoint } from '../../worker/simclr/checkpoint.ts';
import { createEncoder } from '../../worker/simclr/model.ts';
import { encoderFromCheckpoint } from '../../worker/simclr/trainer-session.ts';
import { errorMessage } from '../error-message.ts';
import { choiceFlag, CliError, logLine, numberFlag, parseCommandArgs, printJson } from './common.ts';
import { openFolderForCli } from './open-folder.ts';
import { ProgressLine } from './progress-line.ts';
import { configError } from './train.ts';

const USAGE = `usage: simclr-studio eval knn|linear --train <folder> --test <folder>
         (--run-dir D | --random-init [--backbone ${BACKBONES.join('|')}] [--width F] [--image-size S])
         [--k 20] [--json]

Top-1 accuracy of the encoder's representations, with each image's first folder
under --train / --test as its class.`;

const OPTIONS = {
  train: { type: 'string' },
  test: { type: 'string' },
  'run-dir': { type: 'string' },
  'random-init': { type: 'boolean', default: false },
  backbone: { type: 'string' },
  width: { type: 'string' },
  'image-size': { type: 'string' },
  k: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const METHODS: readonly EvalMethod[] = ['knn', 'linear'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'eval');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`eval needs the method, knn or linear\n\n${USAGE}`);
  const method = choiceFlag(positionals[0], 'method', METHODS)!;
  if (!values.train || !values.test) throw new CliError(`eval needs --train <folder> and --test <folder>\n\n${USAGE}`);
  if (Boolean(values['run-dir']) === values['random-init']) throw new CliError(`eval needs exactly one of --run-dir D or --random-init\n\n${USAGE}`);
  const architectureFlags = (['backbone', 'width', 'image-size'] as const).filter((f) => values[f] !== undefined);
  if (values['run-dir'] && architectureFlags.length > 0) {
    throw new CliError(`--${architectureFlags[0]} only applies with --random-init (a run's checkpoint fixes its architecture)`);
  }
  if (method === 'linear' && values.k !== undefined) throw new CliError('--k only applies to eval knn');
  const k = numberFlag(values.k, 'k', 20);
  if (!Number.isInteger(k) || k < 1) throw new CliError(`--k must be a positive integer, got ${values.k}`);

  // The encoder's config: from the run's checkpoint, or the flags for a random init.
  let checkpoint;
  let file = '';
  let randomInput: TrainConfigInput = {};
  if (values['run-dir']) {
    file = lastCheckpointPath(path.resolve(values['run-dir']));
    checkpoint = await readCheckpoint(file).catch((error: unknown) => {
      throw new CliError(errorMessage(error));
    });
  } else {
    randomInput = {
      ...(values.backbone !== undefined ? { backbone: choiceFlag(values.backbone, 'backbone', BACKBONES)! } : {}),
      ...(values.width !== undefined ? { width: numberFlag(values.width, 'width', 0) } : {}),
      ...(values['image-size'] !== undefined ? { imageSize: numberFlag(values['image-size'], 'image-size', 0) } : {}),
    };
  }
  let config;
  try {
    config = checkpoint?.config ?? resolveTrainConfig(randomInput);
  } catch (error) {
    configError(error);
  }

  const progress = new ProgressLine(process.stderr);
  const open = (folder: string, role: string): Promise<ImageDataset> => openFolderForCli(folder, { imageSize: config.imageSize, progress, role });
  const train = await open(values.train, 'train');
  const test = await open(values.test, 'test');

  const { tf } = await selectBackend('auto', logLine);
  let encoder: tfjs.LayersModel;
  try {
    encoder = checkpoint ? encoderFromCheckpoint(tf, checkpoint, file) : createEncoder(config);
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
  let result;
  try {
    result = await evaluateEncoder(tf, encoder, config.imageSize, train, test, {
      method,
      k,
      onProgress: (done, total) => progress.update(`embedding ${done}/${total}`, done / total),
    });
  } catch (error) {
    throw new CliError(errorMessage(error));
  } finally {
    progress.done();
    encoder.dispose();
  }
  const summary = {
    top1: result.top1,
    k: result.k ?? null,
    n_train: result.nTrain,
    n_test: result.nTest,
    method,
    ...(result.top1Majority !== undefined ? { top1_majority: result.top1Majority } : {}),
    classes: result.classes,
    encoder: checkpoint ? file : 'random-init',
  };
  if (values.json) printJson(summary);
  else console.log(`${method} top-1: ${(result.top1 * 100).toFixed(1)}% (${result.nTest} test images, ${result.classes.length} classes${result.k ? `, k=${result.k}` : ''})`);
  return 0;
}
