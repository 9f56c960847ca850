/**
 * A temp directory with input logs, a config naming them, and a file-backed store (shared with
 * child processes) — or, given a database URL, the PostgreSQL store, so each process can have a
 * directory of its own (`hostDir`) as on separate hosts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/load.ts';
import { PostgresStore } from '../../../src/evidence/postgres-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
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

function storeOf(dir: string, dbName: string, databaseUrl: string | undefined): EvidenceStore {
  return databaseUrl ? new PostgresStore(databaseUrl) : new SqliteStore(join(dir, dbName));
}

export function depsFor(dir: string, sources: readonly TestSource[], dbName = 'evidence.sqlite', databaseUrl?: string): JobDeps {
  const file = writeSources(dir, sources);
  const config = parseConfig(readFileSync(file, 'utf8'), file, {});
  return { config, store: storeOf(dir, dbName, databaseUrl), log: silentLogger };
}

/** Another "host": a directory of its own with a copy of the config and the inputs (no store file). */
export function hostDir(from: string): string {
  const dir = makeDir();
  cpSync(from, dir, { recursive: true, filter: (src) => !/evidence\.sqlite/.test(src) });
  return dir;
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

/** The deps of a directory prepared by depsFor (for child processes): PostgreSQL when a URL is given. */
export function depsFromDir(dir: string, dbName = 'evidence.sqlite', databaseUrl?: string): JobDeps {
  const file = join(dir, 'isms.yaml');
  return { config: parseConfig(readFileSync(file, 'utf8'), file, {}), store: storeOf(dir, dbName, databaseUrl), log: silentLogger };
}
