/** The I/O edge of `isms-kpi dashboards`: writes the generated files, each atomically. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/types.ts';
import { generateDashboards, type DashboardOptions } from './generate.ts';

/** Writes dashboards/*.json and provisioning/** under `outDir`; returns the absolute paths written. */
export function writeDashboards(config: Config, outDir: string, opts: DashboardOptions = {}): string[] {
  return generateDashboards(config, opts).map((f) => {
    const path = join(outDir, ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.content);
    renameSync(tmp, path);
    return path;
  });
}
