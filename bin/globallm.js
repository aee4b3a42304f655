#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/ (`npm run setup` or `npm run build` makes it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('globallm: the CLI is not built yet: run `npm run setup` (or `npm run build`) first\n');
  process.exit(1);
}
await import(main.href);
