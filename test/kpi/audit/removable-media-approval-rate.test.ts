/** Audit of removable-media-approval-rate against KPIS.md, by hand (cases in removable-media-fixtures.ts). */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { removableMediaApprovalRate } from '../../../src/kpi/removable-media.ts';
import { bundle, ctx } from '../helpers.ts';
import { approvals, facts, people, T } from './removable-media-fixtures.ts';

const obj = parseObjective({ id: 'o', title: 'o', kpi: 'removable-media-approval-rate', target: 1, direction: 'at_least', period: 'quarter' });

describe('removable-media-approval-rate (audit)', () => {
  it('approved device-days / all device-days of the period', async () => {
    const r = await removableMediaApprovalRate(bundle({ people, current: { 'media-approval': approvals } }), facts(), ctx(obj, T));
    // 3 approved (d1 d3 d5) of 6.
    expect([r.numerator, r.denominator, r.value]).toEqual([3, 6, 0.5]);
  });
  it('no device-days: no_data', async () => {
    const r = await removableMediaApprovalRate(bundle({ people, current: { 'media-approval': approvals } }), facts([]), ctx(obj, T));
    expect([r.value, r.status]).toEqual([null, 'no_data']);
  });
});
