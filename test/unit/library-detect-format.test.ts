// Format detection by content: real files encoded by sharp for every accepted format,
// a hand-made BMP header, and the non-images a folder really contains.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeNonImage, detectFormat } from '../../main/services/library/detect-format.ts';
import { encodeImage, type FixtureFormat } from '../helpers/image-fixtures.ts';

describe('detectFormat', () => {
  const formats: FixtureFormat[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'];
  for (const format of formats) {
    test(`recognises a real ${format} file`, async () => {
      const bytes = await encodeImage({ width: 16, height: 16, format });
      assert.equal(detectFormat(bytes.subarray(0, 32)), format);
    });
  }

  test('recognises a BMP by its signature and header size', () => {
    const bmp = Buffer.alloc(54);
    bmp.write('BM', 0, 'ascii');
    bmp.writeUInt32LE(40, 14); // BITMAPINFOHEADER
    assert.equal(detectFormat(bmp), 'bmp');
    bmp.writeUInt32LE(7, 14); // not a real header size: "BM" text is not enough
    assert.equal(detectFormat(bmp), null);
  });

  test('recognises HEIC by its ftyp brand', () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'binary')]);
    assert.equal(detectFormat(heic), 'heif');
  });

  test('rejects text, empty and unknown content, whatever the name says', () => {
    assert.equal(detectFormat(Buffer.from('These are my holiday notes.')), null);
    assert.equal(detectFormat(Buffer.alloc(0)), null);
    assert.equal(detectFormat(Buffer.from([0xff, 0xd8])), null, 'two bytes are not a JPEG');
    assert.equal(detectFormat(Buffer.from('%PDF-1.7\n')), null);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\0\0', 'binary')]);
    assert.equal(detectFormat(mp4), null, 'an MP4 video is not an image');
  });
});

describe('describeNonImage', () => {
  test('names common non-image content in plain words', () => {
    assert.equal(describeNonImage(Buffer.from('hello\n')), 'a text file');
    assert.equal(describeNonImage(Buffer.from('%PDF-1.7\n')), 'a PDF document');
    assert.equal(describeNonImage(Buffer.from('PK\x03\x04rest', 'binary')), 'a ZIP archive (or an Office document)');
    assert.equal(describeNonImage(Buffer.from([0, 1, 2, 3, 0xfe])), 'a file of unknown type');
  });
});
