import { evaluateObjectives } from '../../kpi/evaluate.ts';
import { UsageError } from '../../errors.ts';
import { createApp } from '../app.ts';
import { formatEvidence, GROUP_BY, type GroupBy } from '../evidence-format.ts';
import { requireKnownIds } from '../ids.ts';
import { parseFormat, parseInstant } from '../time.ts';
import { viewFor } from '../view.ts';
import type { GlobalOptions } from './options.ts';

export interface EvidenceCommandOptions extends GlobalOptions {
  at?: string;
  format?: string;
  groupBy?: string;
}

/** `evidence <objective>`: its failing subjects, worst first, or counted per owner, department or reason. */
export async function evidenceCommand(objective: string, opts: EvidenceCommandOptions): Promise<number> {
  const format = parseFormat(opts.format);
  const groupBy = opts.groupBy;
  if (groupBy !== undefined && !(GROUP_BY as readonly string[]).includes(groupBy)) throw new UsageError(`--group-by: expected ${GROUP_BY.join(', ')}, got "${groupBy}"`);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const { config } = app;
    requireKnownIds('objective', [objective], config.objectives.map((x) => x.id), config.file);
    const o = config.objectives.find((x) => x.id === objective)!;
    const at = parseInstant('--at', opts.at, () => new Date());
    const [result] = await evaluateObjectives(app.store, config, at, { objectives: [objective] });
    process.stdout.write(formatEvidence(format, result!, o.title, viewFor(config), groupBy ? { groupBy: groupBy as GroupBy } : {}));
    return 0;
  } finally {
    await app.close();
  }
}
