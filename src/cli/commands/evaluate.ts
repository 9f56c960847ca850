import { UsageError } from '../../errors.ts';
import { evaluateObjectives } from '../../kpi/evaluate.ts';
import { createApp } from '../app.ts';
import { formatEvaluation, formatEvidence } from '../format.ts';
import { parseFormat, parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';

export async function evaluateCommand(opts: GlobalOptions & { at?: string; format?: string }): Promise<number> {
  const format = parseFormat(opts.format);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const at = parseInstant('--at', opts.at, () => new Date());
    const results = await evaluateObjectives(app.store, app.config, at);
    process.stdout.write(formatEvaluation(format, at, results, app.config.objectives));
    return 0;
  } finally {
    await app.close();
  }
}

export async function evidenceCommand(objective: string, opts: GlobalOptions & { at?: string; format?: string }): Promise<number> {
  const format = parseFormat(opts.format);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const o = app.config.objectives.find((x) => x.id === objective);
    if (!o) throw new UsageError(`no objective "${objective}" in ${app.config.file} (objectives: ${app.config.objectives.map((x) => x.id).join(', ')})`);
    const at = parseInstant('--at', opts.at, () => new Date());
    const [result] = await evaluateObjectives(app.store, app.config, at, { objectives: [objective] });
    process.stdout.write(formatEvidence(format, result!, o.title));
    return 0;
  } finally {
    await app.close();
  }
}
