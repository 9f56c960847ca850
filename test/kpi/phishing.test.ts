/** phishing-click-rate / phishing-report-rate by hand; T and quarter as in the other KPI tests. */
import { describe, expect, it } from 'vitest';
import type { PhishingRecord } from '../../src/evidence/records.ts';
import { phishingClickRate } from '../../src/kpi/phishing-click-rate.ts';
import { phishingReportRate } from '../../src/kpi/phishing-report-rate.ts';
import { bundle, ctx, hr, objective } from './helpers.ts';

const T = '2026-05-20T03:00:00Z';
function send(campaign: string, email: string, launchedAt: string, over: Partial<PhishingRecord> = {}): PhishingRecord {
  return { campaign, email, launchedAt, status: 'Email Sent', delivered: true, clicked: false, submitted: false, reported: false, ...over };
}
const Q = '2026-04-15T01:00:00Z';
const phishing: PhishingRecord[] = [
  send('Q1-drill', 'a@example.co.jp', Q, { clicked: true }),
  send('Q1-drill', 'b@example.co.jp', Q, { submitted: true }),
  send('Q1-drill', 'c@example.co.jp', Q, { reported: true }),
  send('Q1-drill', 'd@example.co.jp', Q, { delivered: false, status: 'Error Sending Email' }), // bounced
  send('Q1-drill', 'E@example.co.jp', Q),
  send('Q1-drill', 'e@example.co.jp', Q, { clicked: true }), // duplicate row of the same recipient
  send('Q1-drill', 'f@example.co.jp', Q),
  send('Q1-second', 'a@example.co.jp', '2026-05-01T00:00:00Z'), // same person, another campaign
  send('old', 'g@example.co.jp', '2026-03-31T14:59:59Z', { clicked: true }), // launched last quarter (JST)
  send('split', 'h@example.co.jp', '2026-03-31T14:00:00Z'), // a campaign launches at its first send…
  send('split', 'i@example.co.jp', '2026-04-02T00:00:00Z', { clicked: true }), // …so this later send is outside too
];

describe('phishing rates', () => {
  it('click rate: one per person and campaign, bounced sends out, campaigns launched in the period', () => {
    const o = objective({ kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most', warning: 0.2 });
    const r = phishingClickRate(bundle({ phishing }), ctx(o, T));
    // Population: Q1-drill a, b, c, e, f + Q1-second a = 6; failures a (clicked), b (submitted), e (clicked).
    expect([r.numerator, r.denominator]).toEqual([3, 6]);
    expect(r.value).toBe(0.5);
    expect(r.status).toBe('missed');
    expect(r.failing.map((f) => [f.id.toLowerCase(), f.details['campaign'], f.reason]).sort()).toEqual([
      ['a@example.co.jp', 'Q1-drill', 'clicked the link'],
      ['b@example.co.jp', 'Q1-drill', 'submitted data'],
      ['e@example.co.jp', 'Q1-drill', 'clicked the link'],
    ]);
  });

  it('report rate: reporters / the same population', () => {
    const o = objective({ kpi: 'phishing-report-rate', target: 0.5, direction: 'at_least' });
    const r = phishingReportRate(bundle({ phishing }), ctx(o, T));
    expect([r.numerator, r.denominator]).toEqual([1, 6]);
    expect(r.failing).toHaveLength(5);
    expect(r.status).toBe('missed');
  });

  it('the campaign launched exactly at the quarter start is in it', () => {
    const o = objective({ kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most' });
    const r = phishingClickRate(bundle({ phishing: [send('x', 'a@example.co.jp', '2026-04-01T00:00:00+09:00')] }), ctx(o, T));
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 1, 0, 'met']);
  });

  it('no campaign in the period: no_data, not 0 %', () => {
    const o = objective({ kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most' });
    const r = phishingClickRate(bundle({ phishing: phishing.filter((p) => p.campaign === 'old') }), ctx(o, T));
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });

  it('two addresses of one person (identity keys) count once per campaign; departments filter', () => {
    const people = [hr({ employeeId: 'E1', email: 'ken.ito@example.co.jp', logins: ['kito@example.co.jp'], department: 'Sales' }), hr({ employeeId: 'E2', email: 'b@example.co.jp', department: 'Dev' })];
    const rows = [send('c1', 'ken.ito@example.co.jp', Q), send('c1', 'kito@example.co.jp', Q, { clicked: true }), send('c1', 'b@example.co.jp', Q)];
    const o = objective({ kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most' });
    const all = phishingClickRate(bundle({ people, phishing: rows }), ctx(o, T));
    expect([all.numerator, all.denominator]).toEqual([1, 2]);
    const sales = phishingClickRate(bundle({ people, phishing: rows }), ctx({ ...o, scope: { departments: ['Sales'] } }, T));
    expect([sales.numerator, sales.denominator]).toEqual([1, 1]);
  });
});
