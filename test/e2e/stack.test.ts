/**
 * End to end on real servers, on loopback, on free ports: isms-kpi (`run`), Debian's Prometheus
 * scraping it with the generated rules, Debian's Alertmanager routing to a webhook receiver
 * inside this test. isms-kpi runs the example organisation (config/example.yaml, with short
 * windows) plus one MFA objective that starts below its target (one account of four without MFA):
 * (a) every panel of the generated dashboards returns data from that Prometheus,
 * (b) the missed objective reaches the webhook as firing,
 * (c) once the IdP export is fixed and collected again, the alert resolves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { writeRules } from '../../src/alerts/write.ts';
import { generateDashboards } from '../../src/dashboards/generate.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules/.bin/tsx');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
}

interface AmWebhook { status: string; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] }

const ACCOUNTS_HEADER = 'login,email,enabled,mfaEnrolled\n';
const BAD = `${ACCOUNTS_HEADER}alice,alice@example.com,true,true\nbob,bob@example.com,true,true\ncarol,carol@example.com,true,true\ndave,dave@example.com,true,false\n`;
const FIXED = BAD.replace('dave@example.com,true,false', 'dave@example.com,true,true');

let dir: string;
const children: ChildProcess[] = [];
let receiver: Server;
const webhooks: AmWebhook[] = [];
let promUrl = '';
let configFile = '';

function start(name: string, cmd: string, args: string[]): ChildProcess {
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  children.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function promQuery(expr: string): Promise<unknown[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

/** The first IsmsObjectiveMissed notification for e2e-mfa with this status, among the webhooks from `since` on. */
const missedFor = (status: 'firing' | 'resolved', since = 0) => () =>
  Promise.resolve(webhooks.slice(since).flatMap((w) => w.alerts).find((a) => a.status === status && a.labels.alertname === 'IsmsObjectiveMissed' && a.labels.objective === 'e2e-mfa'));

describe('the whole stack on loopback', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isms-e2e-'));
    const [appPort, promPort, amPort] = [await freePort(), await freePort(), await freePort()];
    promUrl = `http://127.0.0.1:${promPort}`;

    receiver = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => { data += c.toString('utf8'); });
      req.on('end', () => {
        webhooks.push(JSON.parse(data) as AmWebhook);
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const receiverPort = (receiver.address() as { port: number }).port;

    writeFileSync(join(dir, 'accounts.csv'), BAD);
    const deadline = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    configFile = join(dir, 'isms-kpi.yaml');
    // The example organisation, with the test's short windows and its own data directory and
    // port, plus one objective the test can break and fix through its own small IdP export.
    const example = parse(readFileSync(join(ROOT, 'config/example.yaml'), 'utf8')) as {
      sources: { path?: string; paths?: string[]; outputDir?: string }[]; objectives: unknown[]; [k: string]: unknown;
    };
    for (const s of example.sources) {
      if (s.path) s.path = join(ROOT, 'config', s.path);
      if (s.paths) s.paths = s.paths.map((p) => join(ROOT, 'config', p));
      // The access review's campaigns folder is a path too.
      if (s.outputDir) s.outputDir = join(ROOT, 'config', s.outputDir);
    }
    writeFileSync(configFile, stringify({
      ...example,
      http: { host: '127.0.0.1', port: appPort, externalUrl: `http://127.0.0.1:${appPort}` },
      storage: { dataDir: join(dir, 'data') },
      // Every 2 seconds (node-cron's six-field form), so a fixed export is collected at once.
      sources: [...example.sources, { id: 'e2e-idp', kind: 'idp', format: 'generic-csv', path: join(dir, 'accounts.csv'), schedule: '*/2 * * * * *' }],
      alerting: { for: '0m', drift: { amount: 0.05, window: '1m' } },
      objectives: [...example.objectives, {
        id: 'e2e-mfa', title: 'MFA coverage', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'month',
        owner: 'IT', deadline, controls: ['A.8.5'], scope: { sources: ['e2e-idp'] },
      }],
    }));
    const config = parseConfig(readFileSync(configFile, 'utf8'), configFile, {});
    writeRules(config, join(dir, 'rules.yml'));

    writeFileSync(join(dir, 'alertmanager.yml'), stringify({
      route: { receiver: 'test', group_by: ['alertname', 'objective'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
      receivers: [{ name: 'test', webhook_configs: [{ url: `http://127.0.0.1:${receiverPort}/`, send_resolved: true }] }],
    }));
    writeFileSync(join(dir, 'prometheus.yml'), stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [{ job_name: 'isms-kpi', static_configs: [{ targets: [`127.0.0.1:${appPort}`] }] }],
    }));
    mkdirSync(join(dir, 'prom-data'));
    mkdirSync(join(dir, 'am-data'));

    start('alertmanager', '/usr/bin/prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=',
    ]);
    start('isms-kpi', TSX, [join(ROOT, 'src/cli/main.ts'), 'run', '-c', configFile]);
    start('prometheus', '/usr/bin/prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=1s',
    ]);
    await waitFor('alertmanager ready', 30_000, async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined));
    await waitFor('isms-kpi /metrics with an evaluated objective', 60_000, async () => {
      const text = await (await fetch(`http://127.0.0.1:${appPort}/metrics`)).text();
      return text.includes('isms_objective_status{objective="e2e-mfa",status="missed"} 1') ? true : undefined;
    });
    await waitFor('prometheus ready', 30_000, async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
  }, 150_000);

  afterAll(async () => {
    await Promise.all(children.map(stop));
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('(b) an objective below its target reaches the webhook as firing', async () => {
    const alert = await waitFor('IsmsObjectiveMissed firing at the webhook', 60_000, missedFor('firing'));
    expect(alert.labels).toMatchObject({ objective: 'e2e-mfa', kpi: 'mfa-coverage', owner: 'IT', controls: 'A.8.5', severity: 'critical' });
    // The example organisation speaks Japanese.
    expect(alert.annotations.summary).toBe('目標「MFA coverage」は未達です（目標 ≥ 100%）');
    expect(alert.annotations.description).toBe('現在値: 75%');
    // The example organisation's own missed objective (its stale accounts) arrives too.
    const example = await waitFor('the example\'s stale-accounts objective firing', 30_000, () => Promise.resolve(
      webhooks.flatMap((w) => w.alerts).find((a) => a.status === 'firing' && a.labels.alertname === 'IsmsObjectiveMissed' && a.labels.objective === 'stale-accounts'),
    ));
    expect(example.labels).toMatchObject({ owner: '情報システム部長', controls: 'A.5.15,A.5.18,A.8.2' });
  }, 70_000);

  it('(a) every dashboard panel query returns data from Prometheus', async () => {
    const config = parseConfig(readFileSync(configFile, 'utf8'), configFile, {});
    interface Panel { type: string; title: string; targets?: { expr: string }[] }
    const panels = generateDashboards(config)
      .filter((f) => f.path.endsWith('.json'))
      .flatMap((f) => (JSON.parse(f.content) as { uid: string; panels: Panel[] }).panels.map((p) => ({ ...p, dashboard: f.path })))
      .filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    const empty = async () => {
      const out: string[] = [];
      for (const p of panels) {
        let rows = 0;
        for (const t of p.targets ?? []) rows += (await promQuery(t.expr.replaceAll('$objective', 'stale-accounts'))).length;
        if (rows === 0) out.push(`${p.dashboard}: ${p.title}`);
      }
      return out;
    };
    // The drift panel compares with one window (1m here) ago, so give Prometheus that much history.
    let last: string[] = [];
    await waitFor('every panel to return data', 120_000, async () => {
      last = await empty();
      return last.length === 0 ? true : undefined;
    }).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; panels without data: ${last.join('; ')}`);
    });
    expect(last).toEqual([]);
  }, 130_000);

  it('(c) after the evidence is fixed and collected again, the alert resolves', async () => {
    // The alert must be firing when the evidence is fixed. On a loaded machine a scrape can miss
    // its 1 s timeout: the series goes stale and the alert resolves until the next good scrape
    // (seen once in a full run); fixing the evidence in that gap would leave nothing to resolve.
    const latest = () => webhooks.flatMap((w) => w.alerts).filter((a) => a.labels.alertname === 'IsmsObjectiveMissed' && a.labels.objective === 'e2e-mfa').pop();
    await waitFor('IsmsObjectiveMissed firing, at the webhook and in Prometheus, before the fix', 60_000, async () =>
      latest()?.status === 'firing' && (await promQuery('ALERTS{alertname="IsmsObjectiveMissed",objective="e2e-mfa",alertstate="firing"}')).length === 1 ? true : undefined);
    // Only notifications sent after the fix count: a resolved one from an earlier flap proves nothing.
    const since = webhooks.length;
    writeFileSync(join(dir, 'accounts.csv'), FIXED);
    const resolved = await waitFor('IsmsObjectiveMissed resolved at the webhook', 60_000, missedFor('resolved', since));
    expect(resolved.labels.objective).toBe('e2e-mfa');
    await waitFor('the fixed value in Prometheus', 20_000, async () => ((await promQuery('isms_objective_kpi_value{objective="e2e-mfa"} == 1')).length === 1 ? true : undefined));
  }, 130_000);
});
