// The real web server in front of a real studio, on any free loopback port: the shared
// set-up of the web transport's integration tests (main/cli/serve.ts does the same for users).
import path from 'node:path';
import { startWebServer, type WebServer } from '../../main/api/web-server.ts';
import type { Studio } from '../../main/services/studio.ts';
import { PROJECT_ROOT } from './serve.ts';

/** Where `npm run build:renderer` puts the renderer the browser tests load. */
export const BUILT_RENDERER_DIR = path.join(PROJECT_ROOT, 'dist', 'renderer');

export interface ServeStudioOptions {
  /** Default 0 (any free port); a test that restarts the server passes the old one. */
  readonly port?: number;
  /** Default a new random token; a restarted server keeps the old one. */
  readonly token?: string;
}

/** Serves `studio`'s API, events and thumbnails, and the renderer build found in `rendererDir`. Close the server before the studio. */
export function serveStudio(studio: Studio, rendererDir: string, options: ServeStudioOptions = {}): Promise<WebServer> {
  return startWebServer({
    api: studio.api,
    events: studio.events,
    thumbnailFile: (datasetId, relPath) => studio.thumbnails.thumbnailFile(datasetId, relPath),
    rendererDir,
    port: options.port ?? 0,
    ...(options.token === undefined ? {} : { token: options.token }),
  });
}
