/** Ids named on the command line (objectives, KPIs, sources), checked before anything runs. */
import { closest } from '../did-you-mean.ts';
import { UsageError } from '../errors.ts';

/**
 * Throws a usage error (exit 2) naming every id of `given` that is not in `known`, each with the
 * closest known id when it looks like a typo, and the known ids.
 */
export function requireKnownIds(what: 'objective' | 'source' | 'KPI', given: readonly string[], known: readonly string[], where: string): void {
  const unknown = given.filter((id) => !known.includes(id));
  if (unknown.length === 0) return;
  const each = unknown.map((id) => {
    const near = closest(id, known);
    return `no ${what} "${id}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}`;
  });
  throw new UsageError(`${each.join('; ')} in ${where} (${what === 'KPI' ? 'KPIs' : `${what}s`}: ${known.join(', ') || 'none'})`);
}
