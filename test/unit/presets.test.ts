// Presets derived from the dataset and the backend: valid engine configs, batches within
// the images and memory, no upscaling, suitability by backend, reasons for each choice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { datasetShape, estimateBatchMemoryMb, suggestPresetList } from '../../main/services/experiments/presets.ts';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';

describe('suggestPresetList', () => {
  test('every preset is a valid engine config whose batch fits the dataset', () => {
    for (const imageCount of [2, 3, 12, 100, 5000, 200_000]) {
      for (const backend of ['wasm', 'tensorflow', 'cpu'] as const) {
        for (const preset of suggestPresetList({ imageCount, medianSide: 48 }, backend, false)) {
          const config = resolveTrainConfig(preset.config);
          assert.ok(config.batchSize <= imageCount, `${preset.id} on ${imageCount}: batch ${config.batchSize}`);
          assert.ok(config.batchSize >= 2);
          assert.ok(preset.reasons.length >= 5, 'a reason for each choice');
          assert.ok(preset.estimatedSeconds !== null && preset.estimatedSeconds >= 0);
        }
      }
    }
  });

  test('small images: trained at their size or below, jitter 0.5 and no blur, and the reasons say so', () => {
    const presets = suggestPresetList({ imageCount: 1000, medianSide: 28 }, 'wasm', false);
    for (const preset of presets) {
      const config = resolveTrainConfig(preset.config);
      assert.ok(config.imageSize <= 28, `${preset.id}: ${config.imageSize}`);
      assert.equal(config.augment.jitterStrength, 0.5);
      assert.equal(config.augment.blurP, 0);
      assert.ok(preset.reasons.some((r) => /because the images are small/.test(r)));
    }
  });

  test('large images keep blur and the preset sizes; τ drops for a very large dataset', () => {
    const [, balanced, best] = suggestPresetList({ imageCount: 100_000, medianSide: 512 }, 'tensorflow', true);
    assert.equal(balanced!.config.imageSize, 64);
    assert.equal(best!.config.imageSize, 96);
    assert.equal(best!.config.temperature, 0.2);
    assert.equal(resolveTrainConfig(best!.config).augment.blurP, 0.5);
    assert.equal(best!.suitable, true, 'best is suitable on a GPU');
  });

  test('Best needs a GPU; Balanced is discouraged on the pure-JS backend; nothing trains on one image', () => {
    const wasm = suggestPresetList({ imageCount: 500, medianSide: 64 }, 'wasm', false);
    assert.deepEqual(wasm.map((p) => p.suitable), [true, true, false]);
    assert.match(wasm[2]!.warning!, /NVIDIA GPU/);
    const cpu = suggestPresetList({ imageCount: 500, medianSide: 64 }, 'cpu', false);
    assert.deepEqual(cpu.map((p) => p.suitable), [true, false, false]);
    const one = suggestPresetList({ imageCount: 1, medianSide: 64 }, 'wasm', false);
    assert.ok(one.every((p) => !p.suitable && /at least 2 usable images/.test(p.warning!)));
  });

  test('the batch is halved until its estimated memory fits the backend', () => {
    const [, , best] = suggestPresetList({ imageCount: 100_000, medianSide: 96 }, 'wasm', false);
    const config = resolveTrainConfig(best!.config);
    assert.ok(config.batchSize < 256);
    assert.ok(estimateBatchMemoryMb(config.batchSize, config.imageSize, config.width, config.backbone as 'resnet50') <= 1500);
    assert.ok(best!.reasons.some((r) => /memory/.test(r)));
  });

  test('quicker presets are estimated faster', () => {
    const [quick, balanced] = suggestPresetList({ imageCount: 2000, medianSide: 64 }, 'wasm', false);
    assert.ok(quick!.estimatedSeconds! < balanced!.estimatedSeconds!);
  });
});

describe('datasetShape', () => {
  test('counts images and takes the median short side', () => {
    assert.deepEqual(datasetShape([{ width: 100, height: 50 }, { width: 30, height: 40 }, { width: 64, height: 64 }]), { imageCount: 3, medianSide: 50, medianWidth: 64, medianHeight: 50 });
    assert.deepEqual(datasetShape([]), { imageCount: 0, medianSide: 0, medianWidth: 0, medianHeight: 0 });
  });
});
