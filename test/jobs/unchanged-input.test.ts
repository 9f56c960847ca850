/**
 * An unchanged export is recognised by its file's digest and not parsed again (issue 16, item
 * 6: an unchanged re-collect in under a second). Real collectors on files written here, on both
 * stores. What is expected follows from the rule in src/jobs/unchanged-input.ts: the same bytes,
 * config and release, and a newest observation that is still the one those bytes gave.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import type { PersonRecord } from '../../src/evidence/records.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { runCollection, type JobDeps } from '../../src/jobs/run-collection.ts';
import { inputFingerprint } from '../../src/jobs/unchanged-input.ts';
import { silentLogger } from '../../src/log.ts';
import { STORE_FACTORIES, type StoreHandle } from '../evidence/helpers/stores.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const T1 = new Date('2026-06-01T00:00:00Z');
const T2 = new Date('2026-06-02T00:00:00Z');
const T3 = new Date('2026-06-03T00:00:00Z');
const T4 = new Date('2026-06-04T00:00:00Z');

// Three people and one row with a bad hire date (rejected, line 5).
const ROSTER_A = ['employee id,email,department,hired', 'E1,a@example.co.jp,Sales,2020-04-01', 'E2,b@example.co.jp,Sales,2021-04-01', 'E3,c@example.co.jp,IT,2022-04-01', 'E4,d@example.co.jp,IT,not-a-date'].join('\n');
// The same, with E2 moved to IT.
const ROSTER_B = ROSTER_A.replace('E2,b@example.co.jp,Sales', 'E2,b@example.co.jp,IT');

function configFor(dir: string, extra = ''): Config {
  const yaml = [
    'organisation: { name: Test, timeZone: UTC, internalDomains: [example.co.jp] }',
    'sources:',
    `  - { id: hr, kind: hr-roster, path: hr.csv${extra} }`,
    `  - { id: okta, kind: idp, format: generic-csv, path: accounts }`,
  ].join('\n');
  writeFileSync(join(dir, 'isms.yaml'), yaml);
  return parseConfig(yaml, join(dir, 'isms.yaml'));
}

async function people(store: EvidenceStore, at: Date): Promise<Map<string, PersonRecord>> {
  const out = new Map<string, PersonRecord>();
  for await (const v of store.readSnapshot('person', at, ['hr'])) if (v.current) out.set(v.key, v.current);
  return out;
}

for (const factory of STORE_FACTORIES) {
  describe(`unchanged input: ${factory.name}`, () => {
    let h: StoreHandle;
    let dir: string;
    let deps: JobDeps;
    beforeEach(async () => {
      h = await factory.create();
      dir = mkdtempSync(join(tmpdir(), 'isms-unchanged-'));
      dirs.push(dir);
      deps = { config: configFor(dir), store: h.store, log: silentLogger };
    });
    afterEach(async () => {
      await h.cleanup();
    });
    const write = (text: string) => writeFileSync(join(dir, 'hr.csv'), `${text}\n`);

    it('the same file again: not parsed, the observation repeated, with the counts of the run that parsed it', async () => {
      write(ROSTER_A);
      const first = await runCollection(deps, 'hr', { observedAt: T1 });
      expect(first.unchangedInput).toBeUndefined();
      expect([first.accepted, first.rejected]).toEqual([3, 1]);
      expect(first.rejections.map((r) => [r.line, r.field])).toEqual([[5, 'hireDate']]);

      const again = await runCollection(deps, 'hr', { observedAt: T2 });
      expect(again.unchangedInput).toBe(true);
      expect(again.result).toBe('success');
      expect([again.accepted, again.rejected]).toEqual([3, 1]); // the bad row is still reported
      expect(again.rejections.map((r) => [r.line, r.field])).toEqual([[5, 'hireDate']]);
      expect(again.changes).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 3 });
      // Observed at T2 (freshness, cadence), and the same three people as at T1.
      expect(await h.store.observations('hr')).toEqual([T1.toISOString(), T2.toISOString()]);
      expect([...(await people(h.store, T2)).keys()].sort()).toEqual([...(await people(h.store, T1)).keys()].sort());
      expect((await people(h.store, T2)).size).toBe(3);
    });

    it('a changed file, or a changed source config, is parsed', async () => {
      write(ROSTER_A);
      await runCollection(deps, 'hr', { observedAt: T1 });
      write(ROSTER_B);
      const changed = await runCollection(deps, 'hr', { observedAt: T2 });
      expect(changed.unchangedInput).toBeUndefined();
      expect(changed.changes).toEqual({ added: 0, changed: 1, removed: 0, unchanged: 2 });

      // The same bytes under another source config (here only maxShrink differs): parsed again.
      deps = { ...deps, config: configFor(dir, ', maxShrink: 0.5') };
      const reconfigured = await runCollection(deps, 'hr', { observedAt: T3 });
      expect(reconfigured.unchangedInput).toBeUndefined();
      const same = await runCollection(deps, 'hr', { observedAt: T4 });
      expect(same.unchangedInput).toBe(true);
    });

    it('a file reverted to an older content is parsed, since the newest observation is not what it gave', async () => {
      write(ROSTER_A);
      await runCollection(deps, 'hr', { observedAt: T1 });
      write(ROSTER_B);
      await runCollection(deps, 'hr', { observedAt: T2 });
      write(ROSTER_A);
      const back = await runCollection(deps, 'hr', { observedAt: T3 });
      expect(back.unchangedInput).toBeUndefined();
      expect(back.changes).toEqual({ added: 0, changed: 1, removed: 0, unchanged: 2 });
      expect((await people(h.store, T3)).get('E2')?.department).toBe('Sales');
    });

    it('a backfill behind the newest observation is parsed, and does not let the next run skip a different file', async () => {
      write(ROSTER_A);
      await runCollection(deps, 'hr', { observedAt: T2 });
      // Backfill B at T1 < T2: always parsed (an observation lies after it).
      write(ROSTER_B);
      const backfill = await runCollection(deps, 'hr', { observedAt: T1 });
      expect(backfill.unchangedInput).toBeUndefined();
      // B's fingerprint is now remembered, but the newest observation (T2) is A's: B is parsed at T3.
      const next = await runCollection(deps, 'hr', { observedAt: T3 });
      expect(next.unchangedInput).toBeUndefined();
      expect((await people(h.store, T3)).get('E2')?.department).toBe('IT');
      expect((await people(h.store, T2)).get('E2')?.department).toBe('Sales');
    });

    it('only a single file of a file-only kind is recognised: not a folder, not a missing file', async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'accounts'));
      const okta = deps.config.sources.find((s) => s.id === 'okta')!;
      const hr = deps.config.sources.find((s) => s.id === 'hr')!;
      expect(await inputFingerprint(deps.config, okta)).toBeUndefined();
      expect(await inputFingerprint(deps.config, hr)).toBeUndefined(); // hr.csv not written yet
      write(ROSTER_A);
      expect(await inputFingerprint(deps.config, hr)).toMatch(/^[0-9a-f]{64}$/);
    });
  });
}
