/**
 * Before any test: the compiled CLI in dist/ (what `bin/isms-kpi.js` runs, and what the CLI tests
 * spawn) is rebuilt when a source file is newer than it, so tests never run yesterday's build.
 * After `npm ci` (which builds it) this only compares file times.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const built = (() => {
    try {
      return statSync(join(REPO, 'dist', 'cli', 'main.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newest(join(REPO, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(REPO, f)).mtimeMs));
  if (built >= sources) return;
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed: the CLI tests need the compiled CLI in dist/');
}
