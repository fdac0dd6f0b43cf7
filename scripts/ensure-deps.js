#!/usr/bin/env node
// Runs before `npm test` / `npm run demo` on a fresh clone: installs npm dependencies when missing. Node built-ins only,
// because nothing else is installed yet. The Go-built servers are provisioned by the stack itself (dev/stack/provision.ts).
'use strict';
const { existsSync, statSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  process.stderr.write('node_modules missing or older than package-lock.json: running npm ci…\n');
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
