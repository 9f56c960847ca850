/**
 * Any process on any host (issue 16 item 3): two `isms-kpi scheduler` and two `isms-kpi worker`
 * processes, each in a working directory of its own (its own copy of the config, no data
 * directory shared or even created), against one Redis and one PostgreSQL started here. The
 * sources' inputs sit in a directory all of them read, as a log mount would be.
 *
 * - each schedule tick is collected once (one run and, for the snapshot source, one observation
 *   per tick, no tick twice, although two schedulers apply the schedules and two workers take jobs);
 * - the evidence equals one inline `collect` of the same inputs into SQLite.
 * Killing a worker mid-merge with the PostgreSQL store and workers in separate directories is
 * in bullmq-faults.test.ts ("worker faults touching the store (postgres)").
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/evidence/postgres-store.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { pgDatabase } from '../helpers/pg-database.ts';
import { TestRedis } from './helpers/redis.ts';

const REPO = join(import.meta.dirname, '..', '..');
const MAIN = join(REPO, 'src', 'cli', 'main.ts');
// By URL: the processes run in their own directories, where `--import tsx` would not resolve.
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const exec = promisify(execFile);

let redis: TestRedis;
let root: string;
beforeAll(async () => {
  redis = await TestRedis.start();
  root = mkdtempSync(join(tmpdir(), 'isms-hosts-'));
});
afterAll(async () => {
  await redis.stop();
  rmSync(root, { recursive: true, force: true });
});

const line = (user: string, time: string, status = 200) => `192.0.2.1 - ${user} [${time} +0000] "GET / HTTP/1.1" ${status} 1 "-" "-"`;

/** A config over the shared inputs, with a data directory of the host's own. */
function hostConfig(host: string, inputs: string): string {
  const dir = join(root, host);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'isms.yaml'), [
    'organisation: { name: Test, timeZone: UTC, internalDomains: [example.com] }',
    'sources:',
    `  - { id: web, kind: access-log, format: combined, paths: ["${join(inputs, 'web.log')}"], schedule: "*/2 * * * * *" }`,
    `  - { id: register, kind: incidents, path: "${join(inputs, 'incidents.csv')}", schedule: "*/2 * * * * *" }`,
    'storage: { dataDir: ./data }',
  ].join('\n'));
  return dir;
}

function start(command: 'scheduler' | 'worker', dir: string, env: Record<string, string>): { proc: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', TSX, MAIN, command, '-c', join(dir, 'isms.yaml'), '--log-level', 'info'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} in ${dir} not ready: ${err}`)), 30_000);
    proc.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      if (/worker ready|schedules applied/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, ready, exited };
}

async function factsOf(s: EvidenceStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const f of s.readFacts('access-day', new Date('2100-01-01'))) out[f.key] = f.data;
  return out;
}
async function incidentsOf(s: EvidenceStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of s.readSnapshot('incident', new Date('2100-01-01'))) out.push([v.key, v.current]);
  return out;
}

describe('two schedulers and two workers on four "hosts", one Redis, one PostgreSQL', () => {
  it('collect each tick once, create no data directory, and store what one inline run stores', async () => {
    const inputs = join(root, 'inputs');
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'web.log'), [line('ken', '01/Nov/2026:10:00:00'), line('ken', '01/Nov/2026:10:05:00', 401), line('aya', '02/Nov/2026:09:00:00')].join('\n') + '\n');
    writeFileSync(join(inputs, 'incidents.csv'), 'id,detectedAt,reportedAt\nINC-1,2026-11-01T10:00:00Z,2026-11-01T12:00:00Z\n');
    const url = await pgDatabase('hosts');
    const env = { REDIS_URL: redis.url, DATABASE_URL: url };
    const hosts = ['scheduler-a', 'scheduler-b', 'worker-a', 'worker-b'].map((h) => hostConfig(h, inputs));
    const procs = [
      start('worker', hosts[2]!, env),
      start('worker', hosts[3]!, env),
      start('scheduler', hosts[0]!, env),
      start('scheduler', hosts[1]!, env),
    ];
    try {
      await Promise.all(procs.map((p) => p.ready));
      await new Promise((r) => setTimeout(r, 4500));
      // New lines between ticks: a later tick reads only them.
      appendFileSync(join(inputs, 'web.log'), `${line('ken', '03/Nov/2026:08:00:00')}\n`);
      await new Promise((r) => setTimeout(r, 4500));
    } finally {
      for (const p of procs) p.proc.kill('SIGTERM');
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0, 0]);
    }

    const shared = new PostgresStore(url);
    try {
      const runs = (await shared.runs({ limit: 1000 })).filter((r) => r.result === 'success');
      for (const source of ['web', 'register']) {
        const ticks = runs.filter((r) => r.source === source).map((r) => r.observedAt);
        // At least three two-second ticks in nine seconds, and none collected twice.
        expect(ticks.length).toBeGreaterThanOrEqual(3);
        expect(new Set(ticks).size).toBe(ticks.length);
        for (const t of ticks) expect(Date.parse(t) % 2000).toBe(0);
      }
      // One observation per tick of the snapshot source.
      expect((await shared.observations('register')).sort()).toEqual(runs.filter((r) => r.source === 'register').map((r) => r.observedAt).sort());
      expect((await shared.runs({ limit: 1000 })).filter((r) => r.result === 'failure')).toEqual([]);

      // No host made a data directory: the evidence is in PostgreSQL only.
      for (const h of hosts) expect(existsSync(join(h, 'data'))).toBe(false);

      // The same inputs collected once, inline, into SQLite.
      const inline = hostConfig('inline', inputs);
      await exec(process.execPath, ['--import', TSX, MAIN, 'collect', '-c', join(inline, 'isms.yaml'), '--log-level', 'silent'], { cwd: inline, env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' } });
      const local = new SqliteStore(join(inline, 'data', 'evidence.sqlite'));
      try {
        const facts = await factsOf(shared);
        // By hand: ken 1 Nov 1 success + 1 failure, aya 2 Nov 1 success, ken 3 Nov 1 success.
        expect(Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, `${(v as { successes: number }).successes}/${(v as { failures: number }).failures}`]))).toEqual({
          '2026-11-01 ken': '1/1', '2026-11-02 aya': '1/0', '2026-11-03 ken': '1/0',
        });
        expect(facts).toEqual(await factsOf(local));
        expect(await incidentsOf(shared)).toEqual(await incidentsOf(local));
      } finally {
        await local.close();
      }
    } finally {
      await shared.close();
    }
  }, 90_000);
});
