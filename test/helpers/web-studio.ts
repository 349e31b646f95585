// The real web server in front of a real studio, on any free loopback port: the shared
// set-up of the web transport's integration tests (main/cli/serve.ts does the same for users).
import { startWebServer, type WebServer } from '../../main/api/web-server.ts';
import type { Studio } from '../../main/services/studio.ts';

/** Serves `studio`'s API, events and thumbnails, and the renderer build found in `rendererDir`. Close the server before the studio. */
export function serveStudio(studio: Studio, rendererDir: string): Promise<WebServer> {
  return startWebServer({
    api: studio.api,
    events: studio.events,
    thumbnailFile: (datasetId, relPath) => studio.thumbnails.thumbnailFile(datasetId, relPath),
    rendererDir,
    port: 0,
  });
}
