/**
 * Evaluation on a worker thread (issue 12, item 8) gives exactly what evaluateObjectives gives in
 * this thread — values, statuses and every failing subject in order, the lists being sent in
 * chunks — from a SQLite file the thread opens itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Keyed } from '../../src/evidence/records.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import { EvaluationThread, SUBJECTS_PER_MESSAGE } from '../../src/jobs/evaluate-thread.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';

const dir = mkdtempSync(join(tmpdir(), 'isms-eval-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EvaluationThread', () => {
  it('answers as evaluateObjectives does, subject lists longer than one message included', async () => {
    const config = parseConfig(`
organisation: { name: T, timeZone: Asia/Tokyo, internalDomains: [example.co.jp] }
storage: { dataDir: data }
objectives:
  - { id: training, title: t, kpi: training-completion-rate, target: 1, direction: at_least, period: year }
  - { id: leavers, title: l, kpi: stale-account-deletion-rate, target: 1, direction: at_least, period: year }
`, join(dir, 'isms.yaml'));
    const file = join(dir, 'evidence.sqlite');
    const store = new SqliteStore(file);
    // 5,000 people, nobody trained: 5,000 failing subjects = 3 messages of 2,000; every 10th has
    // left (2026-01-31) with an enabled account: 500 failing accounts.
    const n = 5000;
    const people: Keyed<'person'>[] = [];
    const accounts: Keyed<'account'>[] = [];
    for (let i = 0; i < n; i++) {
      const email = `p${i}@example.co.jp`;
      people.push({ key: `E${i}`, data: { employeeId: `E${i}`, email, hireDate: '2020-04-01', ...(i % 10 === 0 ? { leaveDate: '2026-01-31' } : {}) } });
      accounts.push({ key: `a${i}`, data: { accountId: `a${i}`, login: email, email, enabled: true, rawStatus: 'ACTIVE' } });
    }
    await store.writeSnapshot({ source: 'hr', kind: 'person', observedAt: new Date('2026-01-01T00:00:00Z'), records: people });
    await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-01-01T00:00:00Z'), records: accounts });
    const at = new Date('2026-06-01T00:00:00Z');
    const here = await evaluateObjectives(store, config, at);
    const thread = new EvaluationThread({ config, storeFile: file }, () => Promise.reject(new Error('the thread should have started')));
    try {
      const there = await thread.evaluate(at);
      expect(there).toEqual(here);
      expect(there.map((r) => [r.numerator, r.denominator, r.failing.length])).toEqual([[0, 4500, 4500], [0, 500, 500]]);
      expect(4500).toBeGreaterThan(2 * SUBJECTS_PER_MESSAGE);
      // A second request on the same thread.
      expect((await thread.evaluate(at)).map((r) => r.failing.length)).toEqual([4500, 500]);
    } finally {
      await thread.close();
      await store.close();
    }
    await expect(thread.evaluate(at)).rejects.toThrow('shutting down');
  }, 60_000);
});
