// Parses a thumbnail protocol request (studio-thumb://thumb/<id>/<relPath>) with the
// web transport's parser, which decodes each segment on its own and refuses `..`, '.',
// empty segments, encoded separators, NUL and Windows drive paths. The thumbnail service
// then checks again that the file is a catalogued image inside the dataset (no symlink
// escape). No 'electron' import here: unit-tested in plain Node.
import { THUMB_PREFIX } from '../api/web-routes.ts';
import { parseThumbPath, type ThumbRequest } from '../api/web-thumbnails.ts';
import { THUMB_URL_PREFIX } from './thumb-url.ts';

export function parseThumbnailUrl(url: string): ThumbRequest {
  const expected = `${THUMB_URL_PREFIX}${THUMB_PREFIX}`;
  if (!url.startsWith(expected)) return { ok: false, reason: `not a ${expected} URL` };
  // Query and fragment carry nothing for us; the path keeps its percent-encoding.
  const rawPath = url.slice(THUMB_URL_PREFIX.length).split(/[?#]/, 1)[0]!;
  return parseThumbPath(rawPath);
}
