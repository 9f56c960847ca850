/** Audit of unapproved-removable-media-count against KPIS.md, by hand (cases in removable-media-fixtures.ts). */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { unapprovedRemovableMediaCount } from '../../../src/kpi/removable-media.ts';
import { bundle, ctx } from '../helpers.ts';
import { approvals, facts, people, T } from './removable-media-fixtures.ts';

const obj = parseObjective({ id: 'o', title: 'o', kpi: 'unapproved-removable-media-count', target: 0, direction: 'at_most', period: 'quarter' });

describe('unapproved-removable-media-count (audit)', () => {
  it('device-days no approval covers at their first connection', async () => {
    const r = await unapprovedRemovableMediaCount(bundle({ people, current: { 'media-approval': approvals } }), facts(), ctx(obj, T));
    // d2 d4 d6 = 3, in order of first connection: d4 (10-10), d6 (10-12), d2 (10-16).
    expect([r.value, r.status]).toEqual([3, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details.day])).toEqual([
      ['hana@example.co.jp', '2026-10-10'],
      ['hana@example.co.jp', '2026-10-12'],
      ['taro@example.co.jp', '2026-10-16'],
    ]);
    expect(r.failing[0]?.details).toMatchObject({ firstAt: '2026-10-10T08:59:00.000+09:00', lastAt: '2026-10-10T10:00:00.000+09:00', hosts: ['pc-3', 'pc-4'] });
  });
});
