/**
 * Audit of leaver-activity-count against KPIS.md, by hand. Asia/Tokyo, fiscal year from April.
 * T = 2026-05-20 12:00 JST; the quarter is [2026-04-01 00:00 JST, T]. Ken's leave date is
 * 05-09, so his stale-since is 05-10 00:00 JST (no grace for this KPI).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { AccessDayRecord } from '../../../src/evidence/records.ts';
import { leaverActivityCount, type AccessDayRow } from '../../../src/kpi/leaver-activity-count.ts';
import { bundle, ctx, hr } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (period = 'quarter') => parseObjective({ id: 'o', title: 'o', kpi: 'leaver-activity-count', target: 0, direction: 'at_most', period });
const people = [
  hr({ employeeId: 'E1', email: 'ken.ito@example.co.jp', leaveDate: '2026-05-09' }),
  hr({ employeeId: 'E2', email: 'aya@example.co.jp' }),
  hr({ employeeId: 'E3', email: 'bob@example.co.jp', leaveDate: '2026-02-27' }),
];
const row = (account: string, day: string, d: Partial<AccessDayRecord>): AccessDayRow => ({ source: 'web', data: { account, day, successes: 0, failures: 0, ...d } });

describe('leaver-activity-count (audit)', () => {
  it('counts from stale-since (inclusive) up to T (inclusive), in the period', () => {
    const rows = [
      // 05-09 23:59:59: the last second of the last working day: not counted (but an authentication in the period).
      row('ken.ito', '2026-05-09', { successes: 1, lastSuccessAt: '2026-05-09T23:59:59+09:00' }),
      // 05-10 00:00:00 = stale-since exactly: counted (1).
      row('ken.ito', '2026-05-10', { successes: 1, lastSuccessAt: '2026-05-10T00:00:00+09:00' }),
      // three successes on 05-12: 3.
      row('ken.ito', '2026-05-12', { successes: 3, firstSuccessAt: '2026-05-12T08:00:00+09:00', lastSuccessAt: '2026-05-12T18:00:00+09:00' }),
      // T's day: 09:00 (before T, counted) and 13:00 (after T, not): 1.
      row('ken.ito', '2026-05-20', { successes: 2, firstSuccessAt: '2026-05-20T09:00:00+09:00', lastSuccessAt: '2026-05-20T13:00:00+09:00', successesByHour: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1] }),
      // failures do not count, even after stale-since.
      row('ken.ito', '2026-05-13', { failures: 4, firstFailureAt: '2026-05-13T08:00:00+09:00', lastFailureAt: '2026-05-13T08:05:00+09:00' }),
      // an active person's logins: 0.
      row('aya', '2026-05-12', { successes: 5, firstSuccessAt: '2026-05-12T08:00:00+09:00', lastSuccessAt: '2026-05-12T18:00:00+09:00' }),
      // bob left long ago: his login on 03-31 (previous quarter) is outside the period; 04-01 00:00:00 is in: 1.
      row('bob@example.co.jp', '2026-03-31', { successes: 1, lastSuccessAt: '2026-03-31T23:59:59+09:00' }),
      row('bob@example.co.jp', '2026-04-01', { successes: 1, lastSuccessAt: '2026-04-01T00:00:00+09:00' }),
    ];
    const r = leaverActivityCount(bundle({ people }), rows, ctx(obj(), T));
    // ken 1 + 3 + 1 = 5, bob 1 → 6. Population: log accounts with an authentication in the period: ken.ito, aya, bob = 3.
    expect([r.value, r.numerator, r.denominator, r.status]).toEqual([6, 6, 3, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details.count, f.details.lastEvent, f.details.staleSince])).toEqual([
      ['ken.ito', 5, '2026-05-20T09:00:00.000+09:00', '2026-05-10T00:00:00.000+09:00'],
      ['bob@example.co.jp', 1, '2026-04-01T00:00:00.000+09:00', '2026-02-28T00:00:00.000+09:00'],
    ]);
  });

  it('quiet leavers with access-log evidence: 0 and met', () => {
    const r = leaverActivityCount(bundle({ people }), [row('aya', '2026-05-12', { successes: 1, lastSuccessAt: '2026-05-12T08:00:00+09:00' })], ctx(obj(), T));
    expect([r.value, r.status]).toEqual([0, 'met']);
  });
});
