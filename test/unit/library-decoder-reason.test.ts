// withDecoderReason: sharp calls that fail at the same time each report their own
// reason. libvips has one error buffer per process, so without the gate concurrent
// failures swap or lose their messages (measured here before the gate: about one in
// four). Real sharp, real damaged files of several kinds, decoded many at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { withDecoderReason } from '../../main/services/library/decoder-reason.ts';
import { decoderMessage } from '../../main/services/library/open-image.ts';
import { encodeImage, encodeJpegDamagedPastHeader } from '../helpers/image-fixtures.ts';

const decode = (bytes: Buffer) => sharp(bytes, { failOn: 'truncated' }).rotate().raw().toBuffer();

async function reasonAlone(bytes: Buffer): Promise<string> {
  try {
    await decode(bytes);
  } catch (error) {
    return decoderMessage(error);
  }
  throw new Error('expected the file to fail');
}

describe('withDecoderReason', () => {
  test('concurrent failures each keep their own reason; good files decode alongside', async () => {
    const jpeg = await encodeImage({ width: 64, height: 64, format: 'jpeg', seed: 1 });
    const png = await encodeImage({ width: 64, height: 64, format: 'png', seed: 2 });
    const damaged = [
      jpeg.subarray(0, jpeg.length >> 1), // truncated JPEG
      await encodeJpegDamagedPastHeader({ width: 48, height: 32, seed: 3 }), // missing table
      png.subarray(0, png.length >> 1), // truncated PNG
      Buffer.concat([jpeg.subarray(0, 2), jpeg]), // two start-of-image markers
    ];
    const expected: string[] = [];
    for (const bytes of damaged) expected.push(await reasonAlone(bytes)); // one at a time: each error is its own
    assert.equal(new Set(expected).size, damaged.length, `four different reasons: ${expected.join(' | ')}`);

    for (let round = 0; round < 6; round++) {
      const files = [...damaged, jpeg, png, ...damaged];
      const outcomes = await Promise.all(
        files.map((bytes) => withDecoderReason(() => decode(bytes)).then(() => 'decoded', (error: unknown) => decoderMessage(error))),
      );
      assert.deepEqual(outcomes, [...expected, 'decoded', 'decoded', ...expected], `round ${round}`);
    }
  });

  test('a pixel-limit refusal is passed on at once, not repeated alone', async () => {
    const big = await encodeImage({ width: 100, height: 100, format: 'png', seed: 4 });
    let calls = 0;
    await assert.rejects(
      withDecoderReason(() => {
        calls++;
        return sharp(big, { limitInputPixels: 50 }).raw().toBuffer();
      }),
      /pixel limit/,
    );
    assert.equal(calls, 1);
  });
});
