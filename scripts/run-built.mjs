#!/usr/bin/env node
// `npm start`, `npm run migrate`, `npm run seed`: runs dist/<entry> in this
// process, once it has checked that dist/ is the build of the sources as they
// are. It never builds: instances started together from one checkout only
// read dist/. When dist/ is missing or older than the sources, it says so and
// exits 1 (`npm run build` builds; `npm install` does too).
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIST, distState } from './dist-state.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-built.mjs <file in dist/, e.g. src/index.js> [arguments]');
  process.exit(2);
}

const state = distState();
if (state.missing) {
  console.error('snapshot-registry: dist/ has no build; run `npm run build` (`npm install` builds it too)');
  process.exit(1);
}
if (state.changed.length > 0) {
  const shown = state.changed.slice(0, 3).join(', ') + (state.changed.length > 3 ? ` and ${state.changed.length - 3} more` : '');
  console.error(`snapshot-registry: dist/ is older than the sources (${shown}); run \`npm run build\``);
  process.exit(1);
}

const target = path.join(DIST, entry);
process.argv = [process.argv[0], target, ...args];
createRequire(import.meta.url)(target);
