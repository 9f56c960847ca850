/**
 * One measured run of the API benchmark, in its own process (its peak RSS is its own):
 *
 *   node --import tsx bench/api-pull-run.ts isms  URL PAGE_SIZE   okta-api → runCollection → SQLite file store
 *   node --import tsx bench/api-pull-run.ts peer  URL PAGE_SIZE   a plain fetch loop: page, parse, count (honours the same rate limit)
 *
 * Prints one JSON line: seconds, users, pages/requests, rate-limit wait, peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import { runCollection } from '../src/jobs/run-collection.ts';
import { silentLogger } from '../src/log.ts';

const [mode, url, pageSize = '200'] = process.argv.slice(2);
const t = performance.now();

async function peer(): Promise<Record<string, unknown>> {
  let next: string | undefined = `${url}/api/v1/users?limit=${pageSize}`;
  let users = 0;
  let requests = 0;
  let waited = 0;
  while (next) {
    const res: Response = await fetch(next, { headers: { authorization: 'SSWS bench-token', accept: 'application/json' } });
    requests++;
    const body = (await res.json()) as unknown[];
    if (res.status === 429) throw new Error('peer was rate-limited');
    users += body.length;
    const link: string = res.headers.get('link') ?? '';
    next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
    if (next && res.headers.get('x-rate-limit-remaining') === '0') {
      const wait = Number(res.headers.get('x-rate-limit-reset')) * 1000 - Date.now();
      if (wait > 0) {
        waited += wait;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  return { users, requests, rateLimitWaitSeconds: waited / 1000 };
}

async function isms(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-api-'));
  try {
    const yaml = `organisation: { name: Bench, timeZone: Asia/Tokyo, internalDomains: [example.co.jp] }
sources:
  - { id: okta, kind: idp, format: okta-api, baseUrl: '${url}', tokenEnv: OKTA_TOKEN, pageSize: ${pageSize}, timeoutSeconds: 3600 }
storage: { dataDir: ${join(dir, 'data')} }
`;
    const config = parseConfig(yaml, join(dir, 'bench.yaml'), { OKTA_TOKEN: 'bench-token' });
    const store = SqliteStore.inDataDir(config.dataDir);
    try {
      // The end of paging: the collector's last progress report (done = total). The live heap is
      // measured there, after a full collection of garbage: what the run holds, not V8's slack.
      let pagingSeconds: number | undefined;
      let liveHeapMb: number | undefined;
      const progress = (_id: string, done: number, total?: number) => {
        if (total === undefined || done !== total || pagingSeconds !== undefined) return;
        pagingSeconds = (performance.now() - t) / 1000;
        (globalThis as { gc?: () => void }).gc?.();
        liveHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
      };
      const run = await runCollection({ config, store, log: silentLogger, progress }, 'okta', { observedAt: new Date('2026-11-19T00:00:00Z') }).catch((e: unknown) => ({ error: (e as Error).message }));
      const observations = (await store.observations('okta')).length;
      let stored = 0;
      for await (const batch of store.readSnapshotBatches('account', new Date('2100-01-01'), ['okta'])) stored += batch.length;
      if ('error' in run) {
        const [failed] = await store.runs({ source: 'okta' });
        return { error: run.error, requests: failed?.api?.requests, observations, stored };
      }
      return { users: run.accepted, requests: run.api?.requests, rateLimitWaitSeconds: run.api?.rateLimitWaitSeconds, pagingSeconds, liveHeapMb, observations, stored };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const r = mode === 'peer' ? await peer() : await isms();
const seconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ mode, pageSize: Number(pageSize), seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: (process.resourceUsage().maxRSS / 1024), ...r }));
