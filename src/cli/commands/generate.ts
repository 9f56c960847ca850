/** `rules` and `dashboards`: generated from the objectives in the config, nothing hand-written. */
import { loadConfig } from '../../config/load.ts';
import { writeRules } from '../../alerts/write.ts';
import { writeDashboards } from '../../dashboards/write.ts';
import type { GlobalOptions } from './options.ts';

export async function rulesCommand(opts: GlobalOptions & { output: string }): Promise<number> {
  const config = loadConfig(opts.config);
  writeRules(config, opts.output);
  if (opts.output !== '-') process.stderr.write(`wrote ${opts.output}\n`);
  return 0;
}

export async function dashboardsCommand(opts: GlobalOptions & { output: string; prometheusUrl?: string; dashboardsPath?: string }): Promise<number> {
  const config = loadConfig(opts.config);
  const files = writeDashboards(config, opts.output, { prometheusUrl: opts.prometheusUrl, dashboardsPath: opts.dashboardsPath });
  for (const f of files) process.stderr.write(`wrote ${f}\n`);
  return 0;
}
