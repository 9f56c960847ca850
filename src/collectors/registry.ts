/**
 * Source kind → descriptor and collector. The one place the job layer looks collectors up;
 * the kinds themselves are listed in all.ts. Collectors load on first use, so commands that
 * only read the config (validate, schema, --help) import none of them.
 */
import type { SourceKind } from '../config/source-kinds.ts';
import { didYouMean } from '../did-you-mean.ts';
import { UsageError } from '../errors.ts';
import { SOURCE_KINDS } from './all.ts';
import type { SourceKindDescriptor } from './source-kind.ts';
import type { Collector } from './types.ts';

const byKind = new Map<string, SourceKindDescriptor>(SOURCE_KINDS.map((d) => [d.kind, d]));
const loaded = new Map<string, Collector>();

/** Every known kind, in the order of all.ts. */
export const SOURCE_KIND_IDS: readonly SourceKind[] = SOURCE_KINDS.map((d) => d.kind);

export function sourceKind(kind: string): SourceKindDescriptor {
  const d = byKind.get(kind);
  if (!d) throw new UsageError(`unknown source kind "${kind}"${didYouMean(kind, byKind.keys())} (known: ${[...byKind.keys()].join(', ')})`);
  return d;
}

/** The collector of a source kind, loaded once. */
export async function loadCollector(kind: SourceKind): Promise<Collector> {
  let c = loaded.get(kind);
  if (!c) {
    c = (await sourceKind(kind).load()) as Collector;
    loaded.set(kind, c);
  }
  return c;
}

/** Load every kind's collector now (a worker does this before it reports ready). */
export async function loadAllCollectors(): Promise<void> {
  await Promise.all(SOURCE_KIND_IDS.map((k) => loadCollector(k)));
}
