/** A temp directory with input logs, a config naming them, and a file-backed store (shared with child processes). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/load.ts';
import { SqliteStore } from '../../../src/evidence/sqlite-store.ts';
import type { JobDeps } from '../../../src/jobs/run-collection.ts';
import { silentLogger } from '../../../src/log.ts';

export interface TestSource {
  id: string;
  lines: string[];
  schedule?: string;
}

export function makeDir(): string {
  return mkdtempSync(join(tmpdir(), 'isms-jobs-'));
}

export function writeSources(dir: string, sources: readonly TestSource[]): string {
  for (const s of sources) writeFileSync(join(dir, `${s.id}.log`), s.lines.join('\n') + '\n');
  const yaml = [
    'organisation: { name: Test, timeZone: UTC, internalDomains: [example.com] }',
    'sources:',
    ...sources.map((s) => `  - { id: ${s.id}, kind: access-log, format: combined, paths: ["${s.id}.log"]${s.schedule ? `, schedule: "${s.schedule}"` : ''} }`),
  ].join('\n');
  const file = join(dir, 'isms.yaml');
  writeFileSync(file, yaml);
  return file;
}

export function depsFor(dir: string, sources: readonly TestSource[], dbName = 'evidence.sqlite'): JobDeps {
  const file = writeSources(dir, sources);
  const config = parseConfig(readFileSync(file, 'utf8'), file, {});
  return { config, store: new SqliteStore(join(dir, dbName)), log: silentLogger };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `n` log lines: line i is day 2026-01-0(1 + i % 3), user u(i % 7), `fail` when i % 5 == 0. */
export function syntheticLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`2026-01-0${1 + (i % 3)} u${i % 7} ${i % 5 === 0 ? 'fail' : 'ok'}`);
  return out;
}

/** The deps of a directory prepared by depsFor (for child processes). */
export function depsFromDir(dir: string, dbName = 'evidence.sqlite'): JobDeps {
  const file = join(dir, 'isms.yaml');
  return { config: parseConfig(readFileSync(file, 'utf8'), file, {}), store: new SqliteStore(join(dir, dbName)), log: silentLogger };
}
