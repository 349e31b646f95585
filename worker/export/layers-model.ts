// Exports the encoder f as a TF.js LayersModel folder (model.json + weights.bin) that
// `tf.loadLayersModel` loads on any backend: input [N, S, S, 3] floats in [0, 1],
// output h [N, D] (the representation SimCLR recommends downstream, paper §4.2).
import type * as tf from '@tensorflow/tfjs';
import { layersModelLoader, layersModelSaver } from '../simclr/io-handler.ts';

export async function exportLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(layersModelSaver(dir));
}

export async function loadExportedLayersModel(tfjs: typeof tf, dir: string): Promise<tf.LayersModel> {
  return tfjs.loadLayersModel(layersModelLoader(dir));
}
