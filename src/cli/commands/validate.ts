import { loadConfig } from '../../config/load.ts';
import type { GlobalOptions } from './options.ts';

/** `validate`: load the config (every problem is a ConfigError, exit 2) and say what it holds. */
export async function validateCommand(opts: GlobalOptions): Promise<number> {
  const c = loadConfig(opts.config);
  process.stdout.write(`${c.file}: valid — ${c.sources.length} source(s), ${c.objectives.length} objective(s)\n`);
  return 0;
}
