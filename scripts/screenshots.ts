/**
 * `npm run screenshots`: the pictures of the README (docs/screenshots/), taken of the example
 * organisation as the CISO sees it — its exports collected as of 2026-11-19 09:00 JST and the
 * pages served as of 2026-11-20 12:00 JST (the instant of test/fixtures/example-expected.md) —
 * in Debian's headless Chromium. The report's first pages come from its PDF through pdftoppm.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import { createMemoryStore } from '../src/evidence/memory-store.ts';
import { buildServer, listen } from '../src/http/server.ts';
import { runCollection } from '../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../src/kpi/evaluate.ts';
import { parsePeriodName } from '../src/kpi/fiscal-periods.ts';
import { silentLogger } from '../src/log.ts';
import { launchChromium } from '../src/reports/chromium.ts';
import { generateReport } from '../src/reports/write.ts';
import { Trends } from '../src/trends/trends.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(REPO, 'docs', 'screenshots');
const EXPORTED = new Date('2026-11-19T09:00:00+09:00');
const T = new Date('2026-11-20T12:00:00+09:00');

mkdirSync(OUT, { recursive: true });
const config = loadConfig(join(REPO, 'config', 'example.yaml'), {});
const store = createMemoryStore();
for (const s of config.sources) await runCollection({ config, store, log: silentLogger }, s.id, { observedAt: EXPORTED });
const results = await evaluateObjectives(store, config, T);
const app = buildServer({ metrics: async () => ({ contentType: 'text/plain', body: '' }), health: async () => ({}), pages: { config, store, trends: new Trends(store, config), now: () => T, results: () => results } });
const { port } = await listen(app, '127.0.0.1', 0);
const chromium = await launchChromium({ locale: 'ja-JP', viewport: { width: 1280, height: 800 } });
try {
  const page = await chromium.context.newPage();
  const shoot = async (path: string, file: string, height?: number) => {
    await page.goto(`http://127.0.0.1:${port}${path}`);
    const full = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: join(OUT, file), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(full, height ?? full) } });
    process.stdout.write(`docs/screenshots/${file}\n`);
  };
  await shoot('/', 'register.png');
  await shoot('/objectives/stale-accounts', 'objective.png', 1500);
  await shoot('/health', 'health.png', 520);

  const dir = mkdtempSync(join(tmpdir(), 'isms-shots-'));
  try {
    const pdf = await generateReport({ store, config, period: parsePeriodName('2026-Q3', config.organisation), at: T, format: 'pdf', version: 'screenshot' });
    writeFileSync(join(dir, 'report.pdf'), pdf.bytes);
    for (const n of [1, 2]) {
      execFileSync('pdftoppm', ['-png', '-r', '80', '-f', String(n), '-l', String(n), '-singlefile', join(dir, 'report.pdf'), join(dir, `p${n}`)]);
      renameSync(join(dir, `p${n}.png`), join(OUT, `report-page-${n}.png`));
      process.stdout.write(`docs/screenshots/report-page-${n}.png\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await chromium.close();
  await app.close();
  await store.close();
}
