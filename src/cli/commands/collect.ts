import { runCollection } from '../../jobs/run-collection.ts';
import { createApp } from '../app.ts';
import { table } from '../format.ts';
import { requireKnownIds } from '../ids.ts';
import { clearProgress, terminalProgress } from '../progress.ts';
import { parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';

export async function collectCommand(sources: string[], opts: GlobalOptions & { observedAt?: string }): Promise<number> {
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn', progress: terminalProgress() });
  try {
    const observedAt = parseInstant('--observed-at', opts.observedAt, () => new Date());
    requireKnownIds('source', sources, app.config.sources.map((s) => s.id), app.config.file);
    const ids = sources.length > 0 ? sources : app.config.sources.filter((s) => s.enabled).map((s) => s.id);
    const rows: string[][] = [];
    let failed = 0;
    for (const id of ids) {
      try {
        const run = await runCollection(app.deps, id, { observedAt });
        clearProgress();
        const c = run.changes;
        rows.push([id, run.result === 'partial' ? 'PARTIAL' : 'ok', String(run.accepted), String(run.rejected), c ? `+${c.added} ~${c.changed} -${c.removed}` : '']);
        // Files that could not be read: their evidence is missing until they can be (exit 1).
        if (run.result === 'partial') failed++;
        for (const f of run.failedFiles ?? []) process.stderr.write(`${id}: could not read ${f.file}: ${f.error}\n`);
        if ((run.failedFileCount ?? 0) > (run.failedFiles?.length ?? 0)) process.stderr.write(`${id}: … and ${run.failedFileCount! - run.failedFiles!.length} more files that could not be read\n`);
        for (const r of run.rejections) process.stderr.write(`${id}: rejected ${r.file}:${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}\n`);
        if (run.rejected > run.rejections.length) process.stderr.write(`${id}: … and ${run.rejected - run.rejections.length} more rejected records\n`);
      } catch (err) {
        clearProgress();
        if ((err as { code?: string }).code === 'USAGE') throw err;
        failed++;
        rows.push([id, 'FAILED', '', '', '']);
        process.stderr.write(`${id}: ${(err as Error).message}\n`);
      }
    }
    process.stdout.write(table(['source', 'result', 'accepted', 'rejected', 'changes'], rows));
    return failed > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}
