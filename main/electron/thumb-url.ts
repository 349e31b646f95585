// URLs of the desktop app's thumbnail protocol: studio-thumb://thumb/<datasetId>/<relPath>,
// i.e. the web transport's /thumb/ route (main/api/web-routes.ts) under our own scheme,
// so both transports share one URL shape, one encoder and one parser. The dataset id is a
// path segment, not the host: a standard scheme's host "12" would be read as the IPv4
// address 0.0.0.12.
// Browser-safe (the sandboxed preload bundles it): no Node imports, no 'electron'.
import { thumbPath } from '../api/web-routes.ts';
import { THUMB_SCHEME } from './app-url.ts';

/** What comes before thumbPath()'s '/thumb/…' to make it a URL of our scheme. */
export const THUMB_URL_PREFIX = `${THUMB_SCHEME}:/`;

export function thumbnailUrl(datasetId: number, relPath: string): string {
  return `${THUMB_URL_PREFIX}${thumbPath(datasetId, relPath)}`;
}
