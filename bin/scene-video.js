#!/usr/bin/env node
'use strict';
// The compiled CLI, run by plain Node: `npm run build` makes dist/ (a published package ships it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write(
    `scene-video is not built: ${cli} is missing.\n` +
      'In a clone, run `npm run build` once (or `npm run cli -- <command>` to run the TypeScript source).\n',
  );
  process.exit(1);
}
require(cli).runCli();
