/** Builders for the vulnerability KPI tests: stored scan reports as the store yields them. */
import type { AssetScanRecord, ScanFinding } from '../../src/collectors/vulnerability-scan/types.ts';
import type { FactRow } from '../../src/evidence/store.ts';
import type { FactStream } from '../../src/kpi/registry.ts';

/** `2026-08-01T09:00` in Tokyo. */
export const jst = (local: string): string => new Date(`${local}:00+09:00`).toISOString();

export type F = [id: string, severity: ScanFinding['severity'], more?: Partial<ScanFinding>];

/** One report of one asset (one part), scanned at `local` Tokyo time. */
export function scan(asset: string, local: string, findings: readonly F[], over: Partial<AssetScanRecord> = {}, source = 'trivy'): FactRow<'asset-scan'> {
  const data: AssetScanRecord = {
    asset,
    scanner: 'trivy',
    scanAt: jst(local),
    report: `${asset}@${local}`,
    file: `reports/${asset}-${local}.json`,
    part: 0,
    parts: 1,
    findings: findings.map(([id, severity, more]) => ({ id, pkg: 'pkg', severity, ...more })),
    ...over,
  };
  return { source, key: `${asset}\u001f${data.scanAt}\u001f${data.report}\u001f${data.part}`, observedAt: '2026-11-20T00:00:00.000Z', data };
}

/** A FactStream over rows held in memory, yielded in the order given. */
export function stream(rows: readonly FactRow<'asset-scan'>[]): Pick<FactStream, 'readFacts'> {
  return {
    readFacts: (<K extends string>(kind: K) => {
      async function* gen() {
        if (kind === 'asset-scan') yield* rows;
      }
      return gen();
    }) as FactStream['readFacts'],
  };
}
