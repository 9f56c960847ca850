/**
 * Audit of scan-coverage-rate against KPIS.md, by hand. Asia/Tokyo. T = 2026-11-20 12:00 JST.
 * T − 92 days = 2026-08-20 12:00 JST (Aug 20 + 11 + 30 + 31 + 20 = Nov 20).
 */
import { describe, expect, it } from 'vitest';
import type { AssetRecord } from '../../../src/collectors/asset-inventory/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { scanCoverageRate } from '../../../src/kpi/scan-coverage-rate.ts';
import { bundle, ctx } from '../helpers.ts';
import { scan, stream } from '../scans.ts';

const T = '2026-11-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'scan-coverage-rate', target: 1, direction: 'at_least', period: 'quarter', params });
const reports = [
  scan('x', '2026-08-20T12:00', []), // exactly T − 92 d: outside (T − 92 d, T]
  scan('y', '2026-08-20T12:01', []), // inside
  scan('web01.example.co.jp', '2026-11-01T09:00', [], { names: ['10.0.0.5'] }),
  scan('old', '2025-10-15T09:00', []), // more than 400 days before T (2025-10-16 12:00): not in the population
  scan('later', '2026-11-20T12:01', []), // after T: unknown
];

describe('scan-coverage-rate (audit)', () => {
  it('without an inventory: assets of the reports in the 400 days up to T', async () => {
    const r = await scanCoverageRate(bundle({}), stream(reports), ctx(obj(), T));
    // Population x, y, web01 = 3; compliant y, web01 = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => f.id)).toEqual(['x']);
  });
  it('with an inventory: active at T (whole days), matched by id or other names', async () => {
    const inventory: AssetRecord[] = [
      { assetId: 'WEB01', hostnames: ['10.0.0.5'] }, // matched through the report's other name: compliant
      { assetId: 'Y', activeFrom: '2026-11-20' }, // in service from T's day: in, compliant
      { assetId: 'X', activeTo: '2026-11-19' }, // retired the day before T: out
      { assetId: 'Z', activeTo: '2026-11-20' }, // in service through T's day: in; never scanned → fails
      { assetId: 'later' }, // only a report after T → fails
    ];
    const r = await scanCoverageRate(bundle({ current: { asset: inventory } }), stream(reports), ctx(obj(), T));
    // Active WEB01, Y, Z, later = 4; compliant WEB01, Y = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 4]);
    expect(r.failing.map((f) => f.id)).toEqual(['Z', 'later']);
  });
  it('no asset at all: no_data', async () => {
    const r = await scanCoverageRate(bundle({}), stream([]), ctx(obj(), T));
    expect([r.value, r.status]).toEqual([null, 'no_data']);
  });
  it('a scan time without a zone is read in the organisation\'s zone', async () => {
    // 2026-08-20T06:00:00 (no offset) = 06:00 JST ≤ T − 92 d (08-20 12:00 JST): not recent.
    // (Read as UTC it would be 15:00 JST, recent.) 0 / 1.
    const r = await scanCoverageRate(bundle({}), stream([scan('q', '2026-08-20T06:00', [], { scanAt: '2026-08-20T06:00:00' })]), ctx(obj(), T));
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
  });
});

