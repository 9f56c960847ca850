/**
 * A data directory written by release 0.1.0 (test/fixtures/store/release-967151f): opened,
 * migrated and evaluated by this build, with the KPI values worked out by hand in
 * test/fixtures/example-expected.md; then moved to PostgreSQL through the archive, where the
 * same values come out.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { archiveLines, linesOf, readArchive } from '../../src/evidence/archive.ts';
import { PostgresStore } from '../../src/evidence/postgres-store.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import { pgDatabase } from '../helpers/pg-database.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'store', 'release-967151f');
const T = new Date('2026-11-20T12:00:00+09:00');

/** Hand-computed in example-expected.md (the same table as the README's). */
const EXPECTED = [
  ['stale-accounts', 12, 26, 'missed'],
  ['security-training', 250, 264, 'missed'],
  ['phishing-drill', 33, 445, 'met'],
  ['mfa', 267, 276, 'missed'],
  ['incident-reporting', 10, 12, 'at_risk'],
];

let dir: string;
let config: Config;
let store: SqliteStore;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isms-release-'));
  writeFileSync(join(dir, 'evidence.sqlite'), gunzipSync(readFileSync(join(FIXTURE, 'data', 'evidence.sqlite.gz'))));
  // The fixture's own config (paths relative to its folder), with the copy as the data directory.
  const text = readFileSync(join(FIXTURE, 'isms.yaml'), 'utf8').replace(/dataDir: .*/, `dataDir: ${dir}`);
  config = parseConfig(text, join(FIXTURE, 'isms.yaml'), {});
  store = SqliteStore.inDataDir(config.dataDir);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function kpis(s: EvidenceStore) {
  return (await evaluateObjectives(s, config, T)).map((r) => [r.objective, r.numerator, r.denominator, r.status]);
}

describe('a store written by release 0.1.0', () => {
  it('had no schema version, and is migrated through every step', () => {
    expect(store.migration).toEqual({ from: 0, to: 3, applied: [1, 2, 3].map((version) => ({ version, name: expect.any(String) })) });
  });

  it('passes the store check, with the rows the release wrote', async () => {
    const r = await store.check();
    expect(r.ok).toBe(true);
    expect(r.integrity).toEqual(['ok']);
    // By hand: 8 snapshot sources observed at 09:00, hr and okta again at 10:00 = 10 observations;
    // 300 + 308 + 303 + 265 + 120 + 200 + 250 + 14 = 1,760 versions (the 10:00 ones changed nothing);
    // 2 access days with 1 file checkpoint; 9 runs at 09:00 (with bastion) + 2 at 10:00 = 11.
    expect(r.tables).toMatchObject({ observations: 10, versions: 1760, facts: 2, checkpoints: 1, runs: 11 });
    expect(r.sources.find((s) => s.source === 'okta')).toMatchObject({ kind: 'account', observations: 2, versions: 308, runs: 2, lastObservedAt: '2026-11-19T01:00:00.000Z' });
  });

  it('evaluates the example organisation\'s KPIs as worked out by hand', async () => {
    expect(await kpis(store)).toEqual(EXPECTED);
  });

  it('keeps the release\'s access-log facts: auth.log\'s two account-days', async () => {
    const rows = [];
    for await (const f of store.readFacts('access-day', T)) rows.push([f.key, f.data.successes, f.data.failures]);
    // fixture.one on 2 Nov: 2 accepted, 1 failed; fixture.two on 3 Nov: 1 accepted.
    expect(rows).toEqual([['2026-11-02 fixture.one', 2, 1], ['2026-11-03 fixture.two', 1, 0]]);
  });

  it('takes a new observation through today\'s write path: the shrink guard counts the release\'s observation from its history', async () => {
    const seen: number[] = [];
    const records = [];
    for await (const v of store.readSnapshot('account', T, ['okta'])) if (v.current) records.push({ key: v.key, data: v.current });
    const changes = await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-11-19T11:00:00+09:00'), records, check: (c) => void seen.push(c.previous) });
    expect(seen).toEqual([308]);
    const { digest, ...counts } = changes;
    expect(counts).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 308 });
    // The same records give the digest the release stored: canonical JSON has not changed.
    const copy = join(dir, 'release-copy.sqlite');
    writeFileSync(copy, gunzipSync(readFileSync(join(FIXTURE, 'data', 'evidence.sqlite.gz'))));
    const db = new Database(copy, { readonly: true });
    const stored = db.prepare("SELECT hash FROM observations WHERE source = 'okta' ORDER BY at DESC LIMIT 1").pluck().get();
    db.close();
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(stored);
  });

  it('moves to PostgreSQL through the archive and evaluates the same there', async () => {
    const url = await pgDatabase('release');
    const pgStore = new PostgresStore(url);
    try {
      const lines: string[] = [];
      for await (const l of archiveLines({ store: 'sqlite', schemaVersion: 3, exportedAt: T.toISOString() }, store.exportRows())) lines.push(`${l}\n`);
      const counts = await pgStore.importRows(readArchive(linesOf((async function* () { yield* lines; })()), 'archive'));
      // The 10 observations of the release plus the one the previous test added at 11:00.
      expect(counts).toMatchObject({ observation: 11, version: 1760, fact: 2, checkpoint: 1, run: 11 });
      expect(await kpis(pgStore)).toEqual(EXPECTED);
    } finally {
      await pgStore.close();
    }
  });
});
