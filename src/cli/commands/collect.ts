import { didYouMean } from '../../did-you-mean.ts';
import { UsageError } from '../../errors.ts';
import type { Rejection } from '../../evidence/store.ts';
import { messages } from '../../i18n/catalogue.ts';
import { runCollection } from '../../jobs/run-collection.ts';
import { redactSecrets } from '../../redact.ts';
import { createApp } from '../app.ts';
import { checkCommand } from './check.ts';
import { table } from '../format.ts';
import { requireKnownIds } from '../ids.ts';
import { clearProgress, terminalProgress } from '../progress.ts';
import { parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';

export interface CollectOptions extends GlobalOptions {
  observedAt?: string;
  /** Sources whose export may shrink past their maxShrink this once. */
  acceptShrink?: string[];
  /** Print rejected input values (personal data) beside their reasons. */
  showValues?: boolean;
  /** API sources: one small request, stores nothing. */
  check?: boolean;
}

/**
 * `file:line field: reason` — the rejected value only with --show-values: it may be personal
 * data, and stderr ends up in terminals' scrollback, CI logs and tickets.
 */
export function rejectionLine(sourceId: string, r: Rejection, showValues: boolean): string {
  const value = showValues && r.value !== undefined ? ` [value: ${JSON.stringify(r.value)}]` : '';
  return `${sourceId}: rejected ${r.file}:${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}${value}\n`;
}

export async function collectCommand(sources: string[], opts: CollectOptions): Promise<number> {
  if (opts.check) return checkCommand(sources, opts);
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn', progress: terminalProgress() });
  try {
    const observedAt = parseInstant('--observed-at', opts.observedAt, () => new Date());
    requireKnownIds('source', sources, app.config.sources.map((s) => s.id), app.config.file);
    const known = app.config.sources.map((s) => s.id);
    for (const id of opts.acceptShrink ?? []) {
      if (!known.includes(id)) throw new UsageError(`--accept-shrink: no source "${id}" in ${app.config.file}${didYouMean(id, known)}`);
    }
    const accept = new Set(opts.acceptShrink ?? []);
    const ids = sources.length > 0 ? sources : app.config.sources.filter((s) => s.enabled).map((s) => s.id);
    const say = messages(app.config.organisation.language).collection;
    const rows: string[][] = [];
    let failed = 0;
    let hidden = false;
    for (const id of ids) {
      try {
        const run = await runCollection(app.deps, id, { observedAt, acceptShrink: accept.has(id) });
        clearProgress();
        const c = run.changes;
        rows.push([id, run.result === 'partial' ? say.table.partial : say.table.ok, String(run.accepted), String(run.rejected), c ? `+${c.added} ~${c.changed} -${c.removed}${run.unchangedInput ? ` (${say.table.unchangedFile})` : ''}` : '']);
        // Files that could not be read: their evidence is missing until they can be (exit 1).
        if (run.result === 'partial') failed++;
        for (const f of run.failedFiles ?? []) process.stderr.write(`${id}: could not read ${f.file}: ${f.error}\n`);
        if ((run.failedFileCount ?? 0) > (run.failedFiles?.length ?? 0)) process.stderr.write(`${id}: … and ${run.failedFileCount! - run.failedFiles!.length} more files that could not be read\n`);
        for (const r of run.rejections) {
          process.stderr.write(rejectionLine(id, r, opts.showValues === true));
          hidden ||= r.value !== undefined && opts.showValues !== true;
        }
        if (run.rejected > run.rejections.length) process.stderr.write(`${id}: … and ${run.rejected - run.rejections.length} more rejected records\n`);
      } catch (err) {
        clearProgress();
        if ((err as { code?: string }).code === 'USAGE') throw err;
        failed++;
        rows.push([id, say.table.failed, '', '', '']);
        process.stderr.write(`${id}: ${redactSecrets((err as Error).message)}\n`);
      }
    }
    if (hidden) process.stderr.write(`${say.showValuesHint}\n`);
    process.stdout.write(table([...say.table.headers], rows));
    return failed > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}
