/**
 * `isms-kpi store …` through the CLI: migrate (the release 0.1.0 fixture), prune's missing
 * setting, export from SQLite and import into PostgreSQL with DATABASE_URL, and a PostgreSQL that
 * cannot be reached: the message names it with the password redacted.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../jobs/helpers/redis.ts';
import { pgDatabase } from '../helpers/pg-database.ts';

const REPO = join(import.meta.dirname, '..', '..');
const FIXTURE = join(REPO, 'test', 'fixtures', 'store', 'release-967151f');
const run = promisify(execFile);
let dir: string;
let config: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isms-store-cli-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'evidence.sqlite'), gunzipSync(readFileSync(join(FIXTURE, 'data', 'evidence.sqlite.gz'))));
  config = join(dir, 'isms.yaml');
  writeFileSync(config, readFileSync(join(FIXTURE, 'isms.yaml'), 'utf8')
    .replaceAll('../../../../config/example-data/', `${join(REPO, 'config', 'example-data')}/`)
    .replace('paths: [auth.log]', `paths: [${join(FIXTURE, 'auth.log')}]`)
    .replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO, env: { ...process.env, DATABASE_URL: '', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('isms-kpi store', () => {
  it('migrate: version 0 to 3 on a release 0.1.0 store, listing the steps; then up to date', async () => {
    const first = await cli({}, 'store', 'migrate', '-c', config);
    expect(first.code).toBe(0);
    const file = join(dir, 'data', 'evidence.sqlite');
    expect(first.stdout.split('\n').slice(0, 4)).toEqual([
      `${file}: schema version 0 → 3`,
      '  applied 1: evidence history, facts, checkpoints and runs (release 0.1.0)',
      '  applied 2: observations.records: how many records each observation held (shrink guard)',
      '  applied 3: merge revisions (evidence stamps) and the derived-result cache',
    ]);
    expect((await cli({}, 'store', 'migrate', '-c', config)).stdout).toBe(`${file}: schema version 3, up to date\n`);
  }, 30_000);

  it('prune without storage.retention is a usage error', async () => {
    const r = await cli({}, 'store', 'prune', '-c', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('store prune: set storage.retention (e.g. 7y)');
  }, 30_000);

  it('export from SQLite, import into PostgreSQL: the same rows, and the URL\'s password never shown', async () => {
    const archive = join(dir, 'evidence.jsonl.gz');
    expect((await cli({}, 'store', 'export', '-c', config, '-o', archive)).code).toBe(0);
    const url = await pgDatabase('cli');
    const imp = await cli({ DATABASE_URL: url }, 'store', 'import', archive, '-c', config);
    expect(imp.code).toBe(0);
    // The fixture's rows (see release-fixture.test.ts): 10 observations, 1,760 versions, 2 facts, 1 checkpoint, 11 runs.
    expect(imp.stdout).toMatch(/imported 10 observation, 1760 version, 2 fact, 1 checkpoint, 11 run, 0 merge-revision, 0 cache\n$/);
    const check = await cli({ DATABASE_URL: url }, 'store', 'check', '-c', config, '--format', 'json');
    expect(JSON.parse(check.stdout)).toMatchObject({ store: 'postgres', ok: true, tables: { versions: 1760, facts: 2 } });
    const password = new URL(url).password;
    for (const out of [imp, check]) expect(out.stdout + out.stderr).not.toContain(password);
    const again = await cli({ DATABASE_URL: url }, 'store', 'import', archive, '-c', config);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('it already holds evidence')]);
  }, 60_000);

  it('a PostgreSQL that does not answer: the error names it, password redacted', async () => {
    const port = await freePort();
    const r = await cli({ DATABASE_URL: `postgres://isms:s3cr3t-pw@127.0.0.1:${port}/isms` }, 'evaluate', '-c', config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`evidence store postgres://isms:***@127.0.0.1:${port}/isms`);
    expect(r.stderr + r.stdout).not.toContain('s3cr3t-pw');
  }, 30_000);
});
