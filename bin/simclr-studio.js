#!/usr/bin/env node
// The `simclr-studio` command. The sources are TypeScript run directly by Node 24's
// type stripping, so there is no build step between `npm install` and this command.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `simclr-studio needs Node 24 or later (this is Node ${process.versions.node}).\n` +
      'Run it through npm (npx simclr-studio …, npm run …), which uses the Node 24 that\n' +
      'the project installs into node_modules/.bin, or install Node 24.',
  );
  process.exit(1);
}
await import('../main/cli.ts');
