/** The in-app notifier against a real HTTP server on a free loopback port. */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { Notifier, type DeliveryResult } from '../../src/alerts/notifier.ts';
import type { KpiResult } from '../../src/kpi/types.ts';

interface Received { path: string; body: unknown }
let server: Server;
let port = 0;
let received: Received[] = [];
/** Per path: statuses to answer in turn (then 200), and an optional delay. */
let script: Record<string, { statuses?: number[]; delayMs?: number }> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => { data += c.toString('utf8'); });
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, body: JSON.parse(data) });
      const s = script[path];
      const status = s?.statuses?.shift() ?? 200;
      setTimeout(() => { res.writeHead(status); res.end(); }, s?.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isms-notifier-'));
  received = [];
  script = {};
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function makeConfig(webhooks: string, env: Record<string, string>) {
  return parseConfig(`
organisation: { name: 株式会社テスト, timeZone: UTC, internalDomains: [example.com], language: ja }
http: { externalUrl: "https://isms.test" }
storage: { dataDir: ${JSON.stringify(dir)} }
alerting: { for: 0m, repeatInterval: 1h, webhooks: ${webhooks} }
objectives:
  - { id: train, title: 研修受講率, kpi: training-completion-rate, params: { courses: [基礎研修] }, target: 0.9, direction: at_least, period: year, owner: 人事部, controls: [A.6.3] }
`, join(dir, 'config.yaml'), env);
}
const ALL = `[{ id: j, urlEnv: HOOK_J, format: json }, { id: s, urlEnv: HOOK_S, format: slack }, { id: t, urlEnv: HOOK_T, format: teams }, { id: a, urlEnv: HOOK_A, format: alertmanager }]`;
const env = () => ({ HOOK_J: `http://127.0.0.1:${port}/j`, HOOK_S: `http://127.0.0.1:${port}/s`, HOOK_T: `http://127.0.0.1:${port}/t`, HOOK_A: `http://127.0.0.1:${port}/am` });

function result(value: number): KpiResult {
  return {
    objective: 'train', kpi: 'training-completion-rate', value, numerator: value * 10, denominator: 10, target: 0.9, direction: 'at_least',
    status: value >= 0.9 ? 'met' : 'missed', period: { from: '2026-01-01', to: '2026-11-25' }, failing: [], evaluatedAt: '2026-11-25T00:00:00Z',
  };
}
const T0 = Date.parse('2026-11-25T00:00:00Z');
const clockAt = (box: { t: number }) => () => new Date(box.t);
const fastRetry = { attempts: 3, baseDelayMs: 5, timeoutMs: 2000 };

describe('Notifier', () => {
  it('delivers a firing alert in all four formats, then the resolution', async () => {
    const box = { t: T0 };
    const deliveries: DeliveryResult[] = [];
    const n = new Notifier({ config: makeConfig(ALL, env()), clock: clockAt(box), retry: fastRetry, onDelivery: (r) => deliveries.push(r) });
    n.evaluate({ results: [result(0.5)] });
    await n.flush();
    const byPath = (p: string) => received.filter((r) => r.path === p).map((r) => r.body);
    expect(byPath('/j')).toEqual([{
      version: '1', source: 'isms-kpi', organisation: '株式会社テスト', status: 'firing', sentAt: '2026-11-25T00:00:00.000Z',
      alerts: [{
        status: 'firing', reason: 'firing', value: 0.5, startsAt: '2026-11-25T00:00:00.000Z',
        labels: { alertname: 'IsmsObjectiveMissed', objective: 'train', kpi: 'training-completion-rate', owner: '人事部', controls: 'A.6.3', severity: 'critical' },
        annotations: { title: '研修受講率', summary: '目標「研修受講率」は未達です（目標 ≥ 90%）', value: '50%', evidence_url: 'https://isms.test/objectives/train/evidence' },
      }],
    }]);
    expect(byPath('/s')).toEqual([{ text: '*株式会社テスト* — isms-kpi\n:red_circle: [発生] 目標「研修受講率」は未達です（目標 ≥ 90%） (現在値 50%) <https://isms.test/objectives/train/evidence|証跡>' }]);
    const teams = byPath('/t')[0] as { '@type': string; sections: { activityTitle: string; facts: { name: string; value: string }[] }[] };
    expect(teams['@type']).toBe('MessageCard');
    expect(teams.sections[0]?.activityTitle).toBe('[発生] 目標「研修受講率」は未達です（目標 ≥ 90%） (現在値 50%)');
    expect(teams.sections[0]?.facts).toContainEqual({ name: 'objective', value: 'train' });
    // Alertmanager: the base URL gets /api/v2/alerts; a firing alert is held for 2 × repeat interval.
    expect(byPath('/am')).toEqual([]);
    const am = byPath('/am/api/v2/alerts')[0] as { labels: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string }[];
    expect(am).toHaveLength(1);
    expect(am[0]?.labels.alertname).toBe('IsmsObjectiveMissed');
    expect(am[0]?.startsAt).toBe('2026-11-25T00:00:00.000Z');
    expect(am[0]?.endsAt).toBe('2026-11-25T02:00:00.000Z');
    expect(am[0]?.generatorURL).toBe('https://isms.test/objectives');
    expect(deliveries.map((d) => [d.webhook, d.ok, d.attempts]).sort()).toEqual([['a', true, 1], ['j', true, 1], ['s', true, 1], ['t', true, 1]]);

    // Still missed ten minutes later: deduplicated, nothing sent.
    received = [];
    box.t = T0 + 10 * 60_000;
    expect(n.evaluate({ results: [result(0.5)] })).toEqual([]);
    await n.flush();
    expect(received).toEqual([]);

    // Fixed: resolved, once.
    box.t = T0 + 20 * 60_000;
    n.evaluate({ results: [result(0.95)] });
    await n.flush();
    const resolved = byPath('/j')[0] as { status: string; alerts: { status: string; endsAt: string }[] };
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2026-11-25T00:20:00.000Z' });
    expect((byPath('/am/api/v2/alerts')[0] as { endsAt: string }[])[0]?.endsAt).toBe('2026-11-25T00:20:00.000Z');
    expect(byPath('/s')[0]).toEqual({ text: '*株式会社テスト* — isms-kpi\n:large_green_circle: [解消] 目標「研修受講率」は未達です（目標 ≥ 90%） (現在値 95%) <https://isms.test/objectives/train/evidence|証跡>' });
  });

  it('repeats a firing alert after the repeat interval', async () => {
    const box = { t: T0 };
    const n = new Notifier({ config: makeConfig('[{ id: j, urlEnv: HOOK_J }]', env()), clock: clockAt(box), retry: fastRetry });
    n.evaluate({ results: [result(0.5)] });
    box.t = T0 + 59 * 60_000;
    n.evaluate({ results: [result(0.5)] });
    box.t = T0 + 60 * 60_000;
    n.evaluate({ results: [result(0.5)] });
    await n.flush();
    expect(received.map((r) => (r.body as { alerts: { reason: string }[] }).alerts[0]?.reason)).toEqual(['firing', 'repeat']);
  });

  it('retries 5xx with backoff; a 4xx is not retried, is counted, and is sent again at the next evaluation', async () => {
    const box = { t: T0 };
    const deliveries: DeliveryResult[] = [];
    script = { '/j': { statuses: [500, 503] }, '/s': { statuses: [400] } };
    const n = new Notifier({ config: makeConfig(ALL, env()), clock: clockAt(box), retry: fastRetry, onDelivery: (r) => deliveries.push(r) });
    n.evaluate({ results: [result(0.5)] });
    await n.flush();
    const j = deliveries.find((d) => d.webhook === 'j');
    const s = deliveries.find((d) => d.webhook === 's');
    expect(j).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(s).toMatchObject({ ok: false, attempts: 1, status: 400, error: 'HTTP 400' });
    expect(n.alerts()['IsmsObjectiveMissed/train']?.undelivered).toEqual(['s']);

    received = [];
    deliveries.length = 0;
    box.t = T0 + 60_000;
    n.evaluate({ results: [result(0.5)] });
    await n.flush();
    expect(received.map((r) => r.path)).toEqual(['/s']);
    expect(deliveries).toMatchObject([{ webhook: 's', ok: true }]);
    expect(n.alerts()['IsmsObjectiveMissed/train']?.undelivered).toBeUndefined();
  });

  it('gives up after the configured attempts on a dead endpoint and counts the failure', async () => {
    const deliveries: DeliveryResult[] = [];
    // A port nobody listens on: bind, note it, close.
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const n = new Notifier({ config: makeConfig('[{ id: j, urlEnv: HOOK_J }]', { HOOK_J: `http://127.0.0.1:${deadPort}/` }), clock: () => new Date(T0), retry: fastRetry, onDelivery: (r) => deliveries.push(r) });
    n.evaluate({ results: [result(0.5)] });
    await n.flush();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ webhook: 'j', ok: false, attempts: 3 });
  });

  it('a webhook whose environment variable is unset is a counted failure, not an exception', async () => {
    const deliveries: DeliveryResult[] = [];
    const n = new Notifier({ config: makeConfig('[{ id: j, urlEnv: NOT_SET_ANYWHERE }]', {}), clock: () => new Date(T0), retry: fastRetry, onDelivery: (r) => deliveries.push(r) });
    n.evaluate({ results: [result(0.5)] });
    await n.flush();
    expect(deliveries).toEqual([{ webhook: 'j', format: 'json', alerts: 1, ok: false, attempts: 0, error: 'environment variable NOT_SET_ANYWHERE is not set' }]);
  });

  it('never blocks the caller on a slow webhook', async () => {
    script = { '/j': { delayMs: 1500 } };
    const n = new Notifier({ config: makeConfig('[{ id: j, urlEnv: HOOK_J }]', env()), clock: () => new Date(T0), retry: fastRetry });
    const started = Date.now();
    expect(n.evaluate({ results: [result(0.5)] })).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
    await n.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('keeps alert state across a restart: no second "firing", and the resolution still comes', async () => {
    const box = { t: T0 };
    const config = makeConfig('[{ id: j, urlEnv: HOOK_J }]', env());
    const first = new Notifier({ config, clock: clockAt(box), retry: fastRetry });
    first.evaluate({ results: [result(0.5)] });
    await first.flush();
    expect(existsSync(join(dir, 'notifier-state.json'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    box.t = T0 + 5 * 60_000;
    const second = new Notifier({ config, clock: clockAt(box), retry: fastRetry });
    expect(second.alerts()['IsmsObjectiveMissed/train']?.status).toBe('firing');
    second.evaluate({ results: [result(0.5)] });
    box.t = T0 + 6 * 60_000;
    second.evaluate({ results: [result(1)] });
    await second.flush();
    expect(received.map((r) => (r.body as { alerts: { reason: string }[] }).alerts[0]?.reason)).toEqual(['firing', 'resolved']);
  });

  it('an unreadable state file is set aside and the notifier starts afresh', () => {
    writeFileSync(join(dir, 'notifier-state.json'), '{ not json');
    const errors: string[] = [];
    const n = new Notifier({
      config: makeConfig('[]', {}), clock: () => new Date(T0),
      log: { info() {}, warn() {}, error: (_o, m) => errors.push(m ?? '') },
    });
    expect(n.alerts()).toEqual({});
    expect(errors).toEqual(['notifier state unreadable; starting with an empty state']);
    expect(readdirSync(dir).some((f) => f.startsWith('notifier-state.json.corrupt-'))).toBe(true);
  });
});
