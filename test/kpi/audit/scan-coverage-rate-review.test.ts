/**
 * Review of scan-coverage-rate against KPIS.md: edge cases the audit test does not pin, each
 * computed by hand. Asia/Tokyo (UTC+9). T = 2026-11-20 12:00 JST unless said;
 * T − 92 d = 2026-08-20 12:00 JST; T − 400 d = 2025-10-16 12:00 JST (2025-11-20 is 365 d
 * before T, 35 d more: Nov 20 − 20 = Oct 31, − 15 = Oct 16).
 */
import { describe, expect, it } from 'vitest';
import type { AssetRecord } from '../../../src/collectors/asset-inventory/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { scanCoverageRate } from '../../../src/kpi/scan-coverage-rate.ts';
import { bundle, ctx } from '../helpers.ts';
import { scan, stream } from '../scans.ts';

const T = '2026-11-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = {}, warning?: number) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'scan-coverage-rate', target: 1, direction: 'at_least', period: 'quarter', params, ...(warning !== undefined ? { warning } : {}) });
const inv = (assets: AssetRecord[]) => bundle({ current: { asset: assets } });

describe('scan-coverage-rate (review)', () => {
  it('inventory names match after NFKC, trimming and case folding, by id or host name', async () => {
    // ＷＥＢ０２ (full width) = report web02; db01's host name DB01.EXAMPLE.CO.JP = report
    // db01.example.co.jp. Both recent (11-01) → 2 / 2.
    const rows = [scan('web02', '2026-11-01T09:00', []), scan('db01.example.co.jp', '2026-11-01T09:00', [])];
    const r = await scanCoverageRate(inv([{ assetId: 'ＷＥＢ０２' }, { assetId: 'db01', hostnames: [' DB01.EXAMPLE.CO.JP'] }]), stream(rows), ctx(obj(), T));
    expect([r.numerator, r.denominator]).toEqual([2, 2]);
  });

  it('any scanner\'s recent report covers the asset; never-scanned and stale ones fail', async () => {
    // srv: Trivy 2026-01-10 (old) and Nessus 11-01 (recent) → compliant.
    // stale: only 08-20 12:00 = T − 92 d exactly → outside (T − 92 d, T] → fails.
    // never: no report → fails. 1 / 3.
    const rows = [
      scan('srv', '2026-01-10T09:00', []),
      scan('srv', '2026-11-01T09:00', [], { scanner: 'nessus' }, 'nessus'),
      scan('stale', '2026-08-20T12:00', []),
    ];
    const r = await scanCoverageRate(inv([{ assetId: 'srv' }, { assetId: 'stale' }, { assetId: 'never' }]), stream(rows), ctx(obj(), T));
    expect([r.numerator, r.denominator]).toEqual([1, 3]);
    expect(r.failing.map((f) => [f.id, f.details.lastScan])).toEqual([
      ['never', null],
      ['stale', '2026-08-20T12:00:00.000+09:00'],
    ]);
  });

  it('active from / to are whole days in the organisation\'s zone (T just after midnight JST)', async () => {
    // T' = 2026-11-20 00:30 JST (= 11-19 15:30Z).
    // A activeFrom 2026-11-20: starts 11-20 00:00 JST ≤ T' → in. (Read as UTC it would start at 09:00 JST: out.)
    // B activeTo 2026-11-19: ends 11-20 00:00 JST ≤ T' → out. (As UTC it would end 09:00 JST: in.)
    // C activeFrom 2026-11-21: out. D activeTo 2026-11-20: in.
    // Population A, D; A scanned 11-10 (recent), D never → 1 / 2.
    const at = '2026-11-20T00:30:00+09:00';
    const rows = [scan('A', '2026-11-10T09:00', []), scan('B', '2026-11-10T09:00', []), scan('C', '2026-11-10T09:00', [])];
    const r = await scanCoverageRate(
      inv([{ assetId: 'A', activeFrom: '2026-11-20' }, { assetId: 'B', activeTo: '2026-11-19' }, { assetId: 'C', activeFrom: '2026-11-21' }, { assetId: 'D', activeTo: '2026-11-20' }]),
      stream(rows),
      ctx(obj(), at),
    );
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => f.id)).toEqual(['D']);
  });

  it('assets scanned but missing from the inventory are listed apart, outside the population', async () => {
    // Inventory: inv1 (recent) → 1 / 1. stray (recent report, not in the inventory) → a note only.
    // retired (in the inventory, retired) → neither counted nor noted as out of inventory.
    const rows = [scan('inv1', '2026-11-01T09:00', []), scan('stray', '2026-11-01T09:00', []), scan('retired', '2026-11-01T09:00', [])];
    const r = await scanCoverageRate(inv([{ assetId: 'inv1' }, { assetId: 'retired', activeTo: '2026-10-31' }]), stream(rows), ctx(obj(), T));
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
    expect(r.notes?.map((n) => n.id)).toEqual(['stray']);
  });

  it('an inventory with nothing active at T: no_data', async () => {
    const r = await scanCoverageRate(inv([{ assetId: 'gone', activeTo: '2026-01-31' }]), stream([scan('gone', '2026-01-10T09:00', [])]), ctx(obj(), T));
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });

  it('without an inventory: the 400-day boundary, and one asset across scanners and name case', async () => {
    // edge: only 2025-10-16 12:00 = T − 400 d exactly → outside (T − 400 d, T] → not in the population.
    // edge2: 2025-10-16 12:01 → in; not recent → fails.
    // Host1 (Trivy, 11-01) and host1 (Nessus, 2026-03-01) → one asset, recent → compliant.
    // Population edge2, host1 = 2; compliant 1 → 0.5.
    const rows = [
      scan('edge', '2025-10-16T12:00', []),
      scan('edge2', '2025-10-16T12:01', []),
      scan('Host1', '2026-11-01T09:00', []),
      scan('host1', '2026-03-01T09:00', [], { scanner: 'nessus' }, 'nessus'),
    ];
    const r = await scanCoverageRate(bundle({}), stream(rows), ctx(obj(), T));
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 2, 0.5]);
    expect(r.failing.map((f) => f.id)).toEqual(['edge2']);
    // Status: 0.5 with warning 0.5 → at_risk; warning 0.6 → missed.
    expect((await scanCoverageRate(bundle({}), stream(rows), ctx(obj({}, 0.5), T))).status).toBe('at_risk');
    expect((await scanCoverageRate(bundle({}), stream(rows), ctx(obj({}, 0.6), T))).status).toBe('missed');
  });

  it('maxScanAgeDays: (T − N days, T]', async () => {
    // N = 30: T − 30 d = 10-21 12:00 JST. x at 10-21 12:00 → out; y at 10-21 12:01 → in. 1 / 2.
    const rows = [scan('x', '2026-10-21T12:00', []), scan('y', '2026-10-21T12:01', [])];
    const r = await scanCoverageRate(bundle({}), stream(rows), ctx(obj({ maxScanAgeDays: 30 }), T));
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
  });
});
