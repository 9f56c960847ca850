/**
 * `collect SOURCE --check`: one small authenticated request to an API source — who the
 * credentials are, what they may read, how many users they see — and nothing stored.
 */
import { loadCollector } from '../collectors/registry.ts';
import type { CheckResult, CollectContext } from '../collectors/types.ts';
import { UsageError } from '../errors.ts';
import { findSource, type JobDeps } from './run-collection.ts';

export async function checkSource(deps: JobDeps, sourceId: string): Promise<CheckResult> {
  const source = findSource(deps.config, sourceId);
  const collector = await loadCollector(source.kind);
  if (!collector.check) throw new UsageError(`source "${sourceId}" (${source.kind}) reads files; --check is for API formats`);
  const ctx: CollectContext = {
    config: deps.config,
    observedAt: (deps.now ?? (() => new Date()))(),
    store: deps.store,
    log: deps.log,
    reject() {},
    progress() {},
  };
  return collector.check(source as never, ctx);
}
