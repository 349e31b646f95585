// The 'export-encoder' job: the encoder f of a run's checkpoint (or its random
// initialisation) as a TF.js LayersModel folder, by the engine's exporter
// (worker/export/layers-model.ts). Main has already checked the folder is new or empty.
import { exportLayersModel } from '../export/layers-model.ts';
import type { JobContext } from './registry.ts';
import { type EncoderSource, loadEncoder } from './explorer-encoder.ts';

export interface ExportEncoderJobRequest {
  readonly encoder: EncoderSource;
  readonly dir: string;
}

export interface ExportEncoderJobResult {
  readonly dir: string;
  /** Width of h, and the input side S ([N, S, S, 3] in [0, 1]). */
  readonly dim: number;
  readonly imageSize: number;
}

export async function exportEncoderJob(request: ExportEncoderJobRequest, context: JobContext<'export-encoder'>): Promise<ExportEncoderJobResult> {
  const loaded = await loadEncoder(context.tf, request.encoder);
  try {
    await exportLayersModel(loaded.encoder, request.dir);
    const out = loaded.encoder.outputs[0]!.shape;
    return { dir: request.dir, dim: Number(out[out.length - 1]), imageSize: loaded.config.imageSize };
  } finally {
    loaded.encoder.dispose();
  }
}
