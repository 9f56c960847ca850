import { evaluateObjectives } from '../../kpi/evaluate.ts';
import { KPI_REGISTRY } from '../../kpi/registry.ts';
import { UsageError } from '../../errors.ts';
import { createApp } from '../app.ts';
import { formatEvaluation } from '../format.ts';
import { requireKnownIds } from '../ids.ts';
import { parseFormat, parseInstant } from '../time.ts';
import { viewFor } from '../view.ts';
import type { GlobalOptions } from './options.ts';

export interface EvaluateOptions extends GlobalOptions {
  at?: string;
  format?: string;
  /** Only the objectives measuring these KPIs. */
  kpi?: string[];
}

/** `evaluate [objective…]`: every objective (or the ones named, or those of `--kpi`) at `--at`. */
export async function evaluateCommand(objectives: string[], opts: EvaluateOptions): Promise<number> {
  const format = parseFormat(opts.format);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const { config } = app;
    requireKnownIds('objective', objectives, config.objectives.map((o) => o.id), config.file);
    let ids = objectives.length > 0 ? objectives : config.objectives.map((o) => o.id);
    if (opts.kpi && opts.kpi.length > 0) {
      requireKnownIds('KPI', opts.kpi, [...KPI_REGISTRY.keys()], 'this build');
      const kpis = new Set(opts.kpi);
      const measuring = new Set(config.objectives.filter((o) => kpis.has(o.kpi)).map((o) => o.id));
      ids = ids.filter((id) => measuring.has(id));
      if (ids.length === 0) throw new UsageError(`no objective${objectives.length > 0 ? ' named' : ''} in ${config.file} measures ${opts.kpi.join(', ')} (KPIs measured: ${[...new Set(config.objectives.map((o) => o.kpi))].join(', ')})`);
    }
    const at = parseInstant('--at', opts.at, () => new Date());
    const results = await evaluateObjectives(app.store, config, at, { objectives: ids });
    process.stdout.write(formatEvaluation(format, at, results, config.objectives, viewFor(config)));
    return 0;
  } finally {
    await app.close();
  }
}
