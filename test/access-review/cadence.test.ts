/**
 * A closed access-review campaign as the quarterly account inventory: activity-cadence-rate with
 * `from: <access-review source>`, evaluated through the store as the program does. By hand:
 * FY2026 from April, T = 2027-01-05 12:00 JST, period year: the ended quarterly slots are Q1
 * (Apr–Jun), Q2 (Jul–Sep) and Q3 (Oct–Dec). Q1 had no campaign; Q2's campaign never closed (one
 * account undecided); Q3's closed on 10-14 at its last decision → 1 of 3.
 */
import { describe, expect, it } from 'vitest';
import type { AccessReviewRecord } from '../../src/collectors/access-review/records.ts';
import { configSchema } from '../../src/config/schema.ts';
import type { Config } from '../../src/config/types.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';

const rec = (campaign: string, account: string, over: Partial<AccessReviewRecord>): { key: string; data: AccessReviewRecord } => ({
  key: `${campaign}\u001fokta\u001f${account}`,
  data: { campaign, startedAt: '2026-07-01T09:00:00+09:00', deadline: '2026-07-15', deadlineAt: '2026-07-16T00:00:00+09:00', reviewer: 'boss@x.jp', source: 'okta', accountId: account, account, ownerKind: 'person', owner: account, ...over },
});

describe('access reviews in activity-cadence-rate', () => {
  it('a closed campaign performs the quarterly inventory; an open one does not', async () => {
    const parsed = configSchema.parse({
      organisation: { name: 'x', timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4, internalDomains: ['x.jp'] },
      sources: [{ id: 'review', kind: 'access-review', path: 'returned', outputDir: 'campaigns', fallbackReviewer: 'boss@x.jp' }],
      objectives: [{ id: 'inventory', title: 'アカウント棚卸', kpi: 'activity-cadence-rate', period: 'year', params: { activities: [{ name: 'アカウント棚卸', cadence: 'quarterly', from: 'review' }] } }],
    });
    const config = { ...parsed, file: 'x.yaml', baseDir: '/tmp', dataDir: '/tmp/x', env: { secrets: {} } } as Config;
    const store = createMemoryStore();
    const closedAt = '2026-10-14T17:00:00.000+09:00';
    await store.writeSnapshot({
      source: 'review', kind: 'access-review', observedAt: new Date('2026-12-01T00:00:00Z'),
      records: [
        rec('2026-Q2', 'a', { decision: 'keep', reviewedBy: 'boss@x.jp', reviewedAt: '2026-07-10T10:00:00+09:00' }),
        rec('2026-Q2', 'b', {}),
        ...['a', 'b'].map((a) => rec('2026-Q3', a, { startedAt: '2026-10-01T09:00:00+09:00', decision: 'keep', reviewedBy: 'boss@x.jp', reviewedAt: closedAt, closedAt })),
      ],
    });
    const [r] = await evaluateObjectives(store, config, new Date('2027-01-05T12:00:00+09:00'));
    expect([r!.numerator, r!.denominator]).toEqual([1, 3]);
    expect(r!.failing.map((f) => f.id).sort()).toEqual(['アカウント棚卸 2026-04-01/2026-06-30', 'アカウント棚卸 2026-07-01/2026-09-30']);
    await store.close();
  });
});
