// A file-system IOHandler for TF.js LayersModels: the same two files tfjs-node's
// `file://` handler writes (model.json + weights.bin), without needing tfjs-node, so
// the exported encoder loads with `tf.loadLayersModel(layersModelLoader(dir))` on any
// backend here and with `tf.loadLayersModel('file://…/model.json')` where tfjs-node is
// installed, or over http in a browser.
// Both files are written atomically; weights.bin first, so a model.json that exists
// always describes complete weights.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../main/error-message.ts';
import { writeFileAtomic } from '../files.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Joins tfjs's WeightData (one buffer or a list of shards) into one buffer. */
function joinWeightData(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

export function layersModelSaver(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('layersModelSaver: expected a JSON model topology, got binary');
      await fs.mkdir(dir, { recursive: true });
      const weights = artifacts.weightData ? joinWeightData(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

export function layersModelLoader(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = path.join(dir, MODEL_JSON);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(`cannot read model ${jsonPath}: ${errorMessage(error)}`);
      }
      if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`${jsonPath} is not a TF.js LayersModel (no modelTopology or weightsManifest)`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const shards = await Promise.all(
          manifest.flatMap((group) => group.paths).map(async (p) => {
            const shardPath = path.resolve(dir, p);
            if (path.dirname(shardPath) !== path.resolve(dir)) throw new Error(`${jsonPath}: weights path '${p}' leaves the model folder`);
            const bytes = await fs.readFile(shardPath);
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
          }),
        );
        return [specs, tf.io.concatenateArrayBuffers(shards)];
      });
    },
  };
}
