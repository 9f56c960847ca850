/**
 * `isms-kpi report` and `run --at` as a user meets them: the example collected into a data
 * directory, the pack written and verified (exit 0, then 1 once a backfill changes the
 * evidence), bad usage refused with exit 2, and `run` serving the pages as of T.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import { collectExample, EXAMPLE_CONFIG, REPO, T } from '../trends/helpers.ts';

const MAIN = join(REPO, 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'isms-report-cli-'));
const configFile = join(dir, 'example.yaml');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args, '-c', configFile, '--log-level', 'silent'], { cwd: REPO }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  // The example's config and exports, its data directory in the temp folder.
  writeFileSync(configFile, readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`).replaceAll('example-data/', `${join(REPO, 'config', 'example-data')}/`));
  const config = loadConfig(configFile, {});
  const store = SqliteStore.inDataDir(config.dataDir);
  await collectExample(store, config);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('isms-kpi report', () => {
  it('writes the pack, verifies it (exit 0), and after a backfill says the evidence changed (exit 1)', async () => {
    const out = join(dir, 'q3.html');
    const w = await cli(['report', '--period', '2026-Q3', '--at', T, '--format', 'html', '--out', out]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/q3\.html: 2026-Q3 as of 2026-11-20T03:00:00\.000Z, evidence sha256 [0-9a-f]{64}/);
    const ok = await cli(['report', '--verify', out]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('evidence: UNCHANGED');
    expect(ok.stdout).toContain('content: generated again, identical');

    const backfill = await cli(['collect', 'incidents', '--observed-at', '2026-10-31T12:00:00+09:00']);
    expect(backfill.code, backfill.stderr).toBe(0);
    const changed = await cli(['report', '--verify', out]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('evidence: CHANGED');
    expect(changed.stdout).toMatch(/^ {2}source incidents: [0-9a-f]{32} → [0-9a-f]{32}$/m);
  }, 60_000);

  it('bad usage exits 2 and says what is expected', async () => {
    const bad = await cli(['report', '--period', '2026Q3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--period: expected a month \(2026-09\), a fiscal quarter \(2026-Q2\)/);
    const outside = await cli(['report', '--period', '2026-Q2', '--at', T]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is outside 2026-Q2');
    const notReport = await cli(['report', '--verify', configFile]);
    expect(notReport.code).toBe(2);
    expect(notReport.stderr).toContain('not an isms-kpi report');
  }, 60_000);
});

describe('isms-kpi run --at', () => {
  it('serves the register as of T from the collected store', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', '-c', configFile, '--port', '0', '--no-initial-collect', '--at', T, '--log-level', 'silent'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      for (let i = 0; i < 200 && !stdout.includes('株式会社サンプル'); i++) await new Promise((ok) => setTimeout(ok, 100));
      const url = /目標管理表: (http:\/\/\S+?)\/ /.exec(stderr)![1]!; // the example is in Japanese
      // The banner is in the organisation's zone: T is 12:00 in Tokyo.
      expect(stdout).toContain('2026-11-20 12:00:00 +09:00  株式会社サンプル');
      const body = (await (await fetch(`${url}/objectives.json`)).json()) as { evaluatedAt: string; objectives: { id: string; numerator: number; denominator: number }[] };
      expect(body.evaluatedAt).toBe('2026-11-20T03:00:00.000Z');
      // example-expected.md (incident-reporting: the backfill above added no incident).
      // The example's first five objectives (example-expected.md §1–5); the others follow them.
      expect(body.objectives.slice(0, 5).map((o) => `${o.id} ${o.numerator}/${o.denominator}`)).toEqual(['stale-accounts 12/26', 'security-training 250/264', 'phishing-drill 33/445', 'mfa 267/276', 'incident-reporting 10/12']);
      const page = await fetch(`${url}/objectives/mfa`, { headers: { accept: 'text/html' } });
      expect(await page.text()).toContain('267 / 276');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
  }, 60_000);
});
