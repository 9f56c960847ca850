/** The example organisation collected into a throw-away store, as test/example does it. */
import { join } from 'node:path';
import type { Logger } from '../../src/collectors/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';

export const REPO = join(import.meta.dirname, '..', '..');
export const EXAMPLE_CONFIG = join(REPO, 'config', 'example.yaml');
/** When the example's exports were taken, and the instant example-expected.md evaluates at. */
export const EXPORTED = '2026-11-19T09:00:00+09:00';
export const T = '2026-11-20T12:00:00+09:00';

export const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * The example's first five objectives, whose values these page, trend and report tests spell
 * out by hand (example-expected.md §1–5). The example grows as KPIs are added; those objectives
 * are checked value by value in test/example, and here the pages and reports of five are enough.
 */
export const CORE_OBJECTIVES = ['stale-accounts', 'security-training', 'phishing-drill', 'mfa', 'incident-reporting'] as const;

/** The config with only the core objectives (its sources all stay). */
export function coreOnly(config: Config): Config {
  return { ...config, objectives: config.objectives.filter((o) => (CORE_OBJECTIVES as readonly string[]).includes(o.id)) };
}

export async function collectExample(store: EvidenceStore = createMemoryStore(), config: Config = coreOnly(loadConfig(EXAMPLE_CONFIG, {})), observedAt = EXPORTED): Promise<{ store: EvidenceStore; config: Config }> {
  for (const s of config.sources) await runCollection({ config, store, log: quiet }, s.id, { observedAt: new Date(observedAt) });
  return { store, config };
}
