/**
 * Issue 12 item 11: a damaged SQLite evidence file. `collect` names the file, stops every source
 * (none reports ok) and points at a restore; `store check` reports the damage. The files are
 * damaged on purpose: a good store (release 0.1.0's fixture, migrated) with pages overwritten in
 * its middle, and a file that is not a database at all.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';

const REPO = join(import.meta.dirname, '..', '..');
const FIXTURE = join(REPO, 'test', 'fixtures', 'store', 'release-967151f');
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A config over the example data, its data directory holding `damage`d evidence. */
async function setup(damage: (file: string) => void): Promise<{ config: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'isms-corrupt-'));
  dirs.push(dir);
  const file = join(dir, 'data', 'evidence.sqlite');
  const text = readFileSync(join(FIXTURE, 'isms.yaml'), 'utf8')
    .replaceAll('../../../../config/example-data/', `${join(REPO, 'config', 'example-data')}/`)
    .replace('paths: [auth.log]', `paths: [${join(FIXTURE, 'auth.log')}]`)
    .replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`);
  writeFileSync(join(dir, 'isms.yaml'), text);
  await import('node:fs').then((fs) => fs.mkdirSync(join(dir, 'data')));
  writeFileSync(file, gunzipSync(readFileSync(join(FIXTURE, 'data', 'evidence.sqlite.gz'))));
  await new SqliteStore(file).close(); // migrated and checkpointed: a good store of today's schema
  damage(file);
  return { config: join(dir, 'isms.yaml'), file };
}

/** Pages 60–79 (of 4 KB) overwritten with a repeated byte: the b-tree of the versions breaks. */
function overwritePages(file: string): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(20 * 4096, 0xa5), 0, 20 * 4096, 60 * 4096);
  closeSync(fd);
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('a damaged SQLite evidence file', () => {
  for (const [what, damage] of [
    ['pages overwritten in the middle', overwritePages],
    ['not a database at all', (f: string) => writeFileSync(f, Buffer.alloc(64 * 1024, 0x41))],
  ] as const) {
    it(`${what}: collect stops every source, naming the file and the restore; store check reports it`, async () => {
      const { config, file } = await setup(damage);
      const c = await cli('collect', '-c', config, '--log-level', 'silent');
      expect(c.code).toBe(1);
      expect(c.stderr).toContain(`evidence store ${file} is damaged`);
      expect(c.stderr).toContain('restore the newest backup (README, "Backups and restore")');
      // No source ran, so none reports ok.
      expect(c.stdout).not.toMatch(/\bok\b/);

      const k = await cli('store', 'check', '-c', config);
      expect(k.code).toBe(1);
      expect(k.stdout).toContain(`evidence store: sqlite ${file}`);
      expect(k.stdout).toContain('integrity:      PROBLEMS');
    }, 60_000);
  }

  it('the same store undamaged: store check says ok with its counts', async () => {
    const { config } = await setup(() => {});
    const k = await cli('store', 'check', '-c', config, '--format', 'json');
    expect(k.code).toBe(0);
    const r = JSON.parse(k.stdout) as { ok: boolean; integrity: string[]; schemaVersion: number; tables: Record<string, number> };
    expect([r.ok, r.integrity, r.schemaVersion]).toEqual([true, ['ok'], 3]);
    expect(r.tables.versions).toBe(1760); // see release-fixture.test.ts for the arithmetic
  }, 60_000);
});
