#!/usr/bin/env node
// Runs the CLI compiled at install (`npm ci` runs `prepare`, which runs `npm run build`). From a
// clone, `npm run isms-kpi -- …` runs the TypeScript directly through tsx instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('isms-kpi: the compiled CLI (dist/) is missing; run `npm run build` (or `npm ci`, which builds it)\n');
  process.exit(1);
}
await import(main.href);
