/**
 * incident-count through the store (KPIS.md: a count of the incidents of a kind in the period):
 * a register exported at or before T that lists no incident says "none", so the count is 0 and
 * met; before any register was collected there is no evidence, so the result is no_data, never
 * a reassuring 0. A real incidents collector on files written here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import { silentLogger } from '../../src/log.ts';

const dir = mkdtempSync(join(tmpdir(), 'isms-empty-register-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = [
  'organisation: { name: Test, timeZone: Asia/Tokyo, internalDomains: [example.co.jp] }',
  'sources:',
  '  - { id: incidents, kind: incidents, path: incidents.csv }',
  'objectives:',
  '  - { id: mis-sent, title: 誤送信0件, kpi: incident-count, params: { categories: [誤送信] }, target: 0, direction: at_most, period: year }',
].join('\n');

describe('incident-count on a collected register', () => {
  it('no register yet: no_data; an empty register collected: 0, met; one mis-sent mail: 1, missed', async () => {
    writeFileSync(join(dir, 'isms.yaml'), yaml);
    const config = parseConfig(yaml, join(dir, 'isms.yaml'));
    const store = createMemoryStore();
    const deps = { config, store, log: silentLogger };
    const T0 = new Date('2026-05-31T00:00:00+09:00');
    const T1 = new Date('2026-06-01T00:00:00+09:00');
    const T2 = new Date('2026-06-02T00:00:00+09:00');
    const at = async (t: Date) => (await evaluateObjectives(store, config, t)).map((r) => [r.value, r.status]);

    writeFileSync(join(dir, 'incidents.csv'), 'id,detected at,category\n');
    await runCollection(deps, 'incidents', { observedAt: T1 });
    expect(await at(new Date('2026-06-01T12:00:00+09:00'))).toEqual([[0, 'met']]);
    // Evaluated before the register was first collected: nothing was known then.
    expect(await at(T0)).toEqual([[null, 'no_data']]);

    writeFileSync(join(dir, 'incidents.csv'), 'id,detected at,category\nINC-1,2026-06-01T15:00:00+09:00,誤送信\n');
    await runCollection(deps, 'incidents', { observedAt: T2 });
    expect(await at(new Date('2026-06-02T12:00:00+09:00'))).toEqual([[1, 'missed']]);
    await store.close();
  });
});
