// Headless entry: `simclr-studio <command> …`. Each command lives in main/cli/<name>.ts
// and exports `run(argv): Promise<number>` (the exit code); they are imported lazily so
// `scan` does not pay for loading TensorFlow.js.
import { CliError } from './cli/common.ts';

const commands: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  scan: { summary: 'add a folder of images to the library, or re-scan it', load: () => import('./cli/scan.ts') },
  serve: { summary: 'run the app in a browser (web mode) on 127.0.0.1', load: () => import('./cli/serve.ts') },
  train: { summary: 'pretrain an encoder on a folder with SimCLR', load: () => import('./cli/train.ts') },
  embed: { summary: 'write the representations h of a folder to .npy', load: () => import('./cli/embed.ts') },
  eval: { summary: 'kNN or linear-probe accuracy with folder names as labels', load: () => import('./cli/eval.ts') },
  neighbours: { summary: 'the images of a folder nearest to an image, by the encoder of a run', load: () => import('./cli/neighbours.ts') },
  export: { summary: 'embeddings, neighbour lists, the 2-D map, a selection or the encoder to files', load: () => import('./cli/export.ts') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return ['usage: simclr-studio <command> [options]', '', 'commands:', ...lines, '', 'simclr-studio <command> --help for its options'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`simclr-studio: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Expected failures (bad input) print their message only; anything else is a bug
  // and keeps its stack so it can be reported.
  if (error instanceof CliError) console.error(`simclr-studio: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
}
