/**
 * `collect SOURCE… --check`: each named API source's credentials, checked with one small
 * request. No evidence store is opened, so nothing is stored.
 */
import { UsageError } from '../../errors.ts';
import { messages } from '../../i18n/catalogue.ts';
import { checkSource } from '../../jobs/check-source.ts';
import { createApp } from '../app.ts';
import type { GlobalOptions } from './options.ts';

export async function checkCommand(sources: string[], opts: GlobalOptions): Promise<number> {
  if (sources.length === 0) throw new UsageError('collect --check needs the ids of the sources to check');
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn', store: false });
  try {
    const t = messages(app.config.organisation.language).apiCheck;
    let failed = 0;
    for (const id of sources) {
      try {
        const r = await checkSource(app.deps, id);
        process.stdout.write(`${t.checked(id, r.principal, r.scopes, r.visible, r.more, r.what, r.within)}\n`);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        failed++;
        process.stderr.write(`${t.failed(id, (err as Error).message)}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}
