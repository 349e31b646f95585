// `simclr-studio serve [--port N] [--data-dir D]`: the app in a browser. Runs the same
// services as the desktop app behind the web transport (main/api/web-server.ts) on
// 127.0.0.1 and prints the address to open, token included, on one line:
//
//   simclr-studio serve: listening on http://127.0.0.1:<port>/?token=<token>
//
// Scripts and tests parse that line; keep its shape. Stops cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebServer, type WebServer } from '../api/web-server.ts';
import { missingRendererMessage, rendererIsBuilt } from '../api/web-static.ts';
import { defaultDataDir } from '../data-dir.ts';
import { createStudio, DataDirError, type Studio } from '../services/studio.ts';
import { CliError, numberFlag, parseCommandArgs } from './common.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER_DIR = path.join(projectRoot, 'dist', 'renderer');
const SAMPLE_DIR = path.join(projectRoot, 'assets', 'sample-images');

export const LISTENING_PREFIX = 'simclr-studio serve: listening on ';

const USAGE = `usage: simclr-studio serve [--port N] [--data-dir D]

Runs SimCLR Studio in your browser. The server listens on 127.0.0.1 only (this
computer) and prints an address with a secret token; open that address.

options:
  --port N       port to listen on (default 0: any free port)
  --data-dir D   where the library, thumbnails and runs are kept
                 (default: ${defaultDataDir()})
  -h, --help     show this help`;

function parsePort(value: string | undefined): number {
  const port = numberFlag(value, 'port', 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be a whole number from 0 to 65535 (0 = any free port), got '${value}'`);
  }
  return port;
}

/** Resolves with the first of the signals; a second one while stopping forces exit. */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { port: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'serve',
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`serve: unexpected argument '${positionals[0]}'\n\n${USAGE}`);
  const port = parsePort(values.port);
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  if (!rendererIsBuilt(RENDERER_DIR)) throw new CliError(missingRendererMessage(RENDERER_DIR));

  let studio: Studio;
  try {
    studio = await createStudio({ dataDir, transport: 'web', sampleDir: SAMPLE_DIR });
  } catch (error) {
    // An unwritable data folder is the user's to fix: say so without a stack trace.
    if (error instanceof DataDirError) throw new CliError(error.message);
    throw error;
  }
  let server: WebServer;
  try {
    server = await startWebServer({
      api: studio.api,
      events: studio.events,
      thumbnailFile: (datasetId, relPath) => studio.thumbnails.thumbnailFile(datasetId, relPath),
      rendererDir: RENDERER_DIR,
      port,
    });
  } catch (error) {
    await studio.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`port ${port} is already in use; choose another with --port, or --port 0 for any free port`);
    }
    throw error;
  }

  // Listen for the signals before printing the URL: whoever reads the URL may stop us at once.
  const stopSignal = untilStopSignal();
  console.log(`simclr-studio serve: library in ${dataDir}`);
  console.log(`${LISTENING_PREFIX}${server.url}`);
  console.log('Open that address in a browser on this computer. Press Ctrl+C to stop.');

  const signal = await stopSignal;
  console.log(`simclr-studio serve: ${signal} received, stopping…`);
  await server.close();
  await studio.close();
  console.log('simclr-studio serve: stopped');
  return 0;
}
