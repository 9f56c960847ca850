/**
 * The CLI's contracts end to end, as a user meets them: exit codes, messages that name file,
 * line and field, output formats, and `run` serving /metrics until SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import parse from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The compiled CLI, as `npx isms-kpi` runs it (test/global-setup.ts rebuilds dist/ when stale). */
const BIN = join(REPO, 'bin', 'isms-kpi.js');
const BOM = '\uFEFF';

interface Out { code: number; stdout: string; stderr: string }
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Out> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isms-cli-'));
  // A small organisation: 3 people, 1 leaver (left 2026-03-10) whose account was still enabled
  // at the last export, and one service account.
  // Bob's department starts like a spreadsheet formula (a hostile or careless HR export).
  writeFileSync(join(dir, 'hr.csv'), 'employeeId,email,department,hireDate,leaveDate\nE1,ann@corp.example,Sales,2020-01-01,\nE2,bob@corp.example,@SUM(1+1),2020-01-01,2026-03-10\nE3,cy@corp.example,Sales,2020-01-01,\n');
  writeFileSync(join(dir, 'idp.csv'), 'login,email,enabled,mfa\nann@corp.example,ann@corp.example,true,true\nbob@corp.example,bob@corp.example,true,false\ncy@corp.example,cy@corp.example,true,true\nsvc-backup@corp.example,,true,false\n');
  writeFileSync(join(dir, 'broken.csv'), 'something,else\n1,2\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(extra = ''): string {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `organisation:
  name: Corp
  timeZone: Europe/Berlin
  internalDomains: [corp.example]
identity:
  serviceAccounts: { loginPatterns: ['^svc-'] }
storage: { dataDir: ${join(dir, 'data-' + Math.random().toString(36).slice(2))} }
sources:
  - id: hr
    kind: hr-roster
    path: hr.csv
  - id: idp
    kind: idp
    format: generic-csv
    path: idp.csv
    columns: { accountId: login, login: login, email: email, enabled: enabled, mfaEnrolled: mfa }
${extra}objectives:
  - id: leavers
    title: Leaver accounts removed
    kpi: stale-account-deletion-rate
    target: 1
    direction: at_least
    period: quarter
  - id: mfa
    title: "=MFA on every account"
    kpi: mfa-coverage
    target: 1
    direction: at_least
    warning: 0.5
    period: month
    params: { excludeServiceAccounts: true }
`);
  return file;
}

describe('isms-kpi CLI', () => {
  it('validate: exit 0 on a valid file, exit 2 naming file, line and field on an invalid one', async () => {
    const ok = await cli(['validate', '-c', config()]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid — 2 source\(s\), 2 objective\(s\)/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `organisation:\n  name: X\n  internalDomains: [x.example]\nobjectives:\n  - id: a\n    title: A\n    kpi: mfa-coverage\n    target: "high"\n    direction: at_least\n    period: month\n`);
    const r = await cli(['validate', '-c', bad]);
    expect(r.code).toBe(2);
    // target is on line 8 of the file above
    expect(r.stderr).toContain(`${bad}:8:`);
    expect(r.stderr).toContain('objectives[0].target: expected number');
  });

  it('bad usage exits 2: unknown command, bad --at, unknown objective', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    const c = config();
    const at = await cli(['evaluate', '-c', c, '--at', 'yesterday']);
    expect(at.code).toBe(2);
    expect(at.stderr).toMatch(/--at: expected an ISO-8601 instant/);
    const ev = await cli(['evidence', 'nope', '-c', c]);
    expect(ev.code).toBe(2);
    expect(ev.stderr).toMatch(/no objective "nope"/);
    expect((await cli(['evaluate', '-c', join(dir, 'missing.yaml')])).code).toBe(2);
    expect((await cli(['evidence', 'leavers', '-c', c, '--group-by', 'colour'])).code).toBe(2);
  });

  it('unknown objective, KPI and source ids on the command line: exit 2 with "did you mean"', async () => {
    const c = config();
    const ev = await cli(['evidence', 'leaver', '-c', c]);
    expect(ev.code).toBe(2);
    expect(ev.stderr).toContain('no objective "leaver" (did you mean "leavers"?)');
    expect(ev.stderr).toContain('(objectives: leavers, mfa)');
    const evalIds = await cli(['evaluate', 'mfa', 'leaevrs', '-c', c]);
    expect(evalIds.code).toBe(2);
    expect(evalIds.stderr).toContain('no objective "leaevrs" (did you mean "leavers"?)');
    const kpi = await cli(['evaluate', '-c', c, '--kpi', 'mfa-coverag']);
    expect(kpi.code).toBe(2);
    expect(kpi.stderr).toContain('no KPI "mfa-coverag" (did you mean "mfa-coverage"?)');
    const unused = await cli(['evaluate', '-c', c, '--kpi', 'password-age-compliance']);
    expect(unused.code).toBe(2);
    expect(unused.stderr).toContain('measures password-age-compliance');
    // Nothing is collected when one id is wrong: the known "hr" is not run either.
    const col = await cli(['collect', 'hr', 'ipd', '-c', c]);
    expect(col.code).toBe(2);
    expect(col.stderr).toContain('no source "ipd" (did you mean "idp"?)');
    expect(col.stdout).toBe('');
    // Far from every known id: no suggestion.
    expect((await cli(['collect', 'zzzzzzzz', '-c', c])).stderr).not.toContain('did you mean');
  });

  it('evaluate --kpi and named objectives select the objectives evaluated', async () => {
    const c = config();
    const byKpi = await cli(['evaluate', '-c', c, '--kpi', 'mfa-coverage', '--format', 'json', '--at', '2026-03-20T12:00:00+01:00']);
    expect(byKpi.code, byKpi.stderr).toBe(0);
    expect((JSON.parse(byKpi.stdout) as { objectives: { id: string }[] }).objectives.map((o) => o.id)).toEqual(['mfa']);
    const named = await cli(['evaluate', 'leavers', '-c', c, '--format', 'json', '--at', '2026-03-20T12:00:00+01:00']);
    expect((JSON.parse(named.stdout) as { objectives: { id: string }[] }).objectives.map((o) => o.id)).toEqual(['leavers']);
  });

  it('--version prints package.json\'s version; --help lists the commands; every command takes -c', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`${pkg.version}\n`);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['validate', 'schema', 'collect', 'evaluate', 'evidence', 'run', 'worker', 'scheduler', 'jobs', 'rules', 'dashboards']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
      const sub = await cli([cmd, '--help']);
      expect(sub.stdout, cmd).toContain('-c, --config <file>');
    }
    const schema = await cli(['schema', '-c', config()]);
    expect(schema.code, schema.stderr).toBe(0);
    expect((JSON.parse(schema.stdout) as { type: string }).type).toBe('object');
  }, 60_000);

  it('collect → evaluate (json, csv) → evidence, computed by hand', async () => {
    const c = config();
    const col = await cli(['collect', '-c', c, '--observed-at', '2026-03-20T10:00:00+01:00', '--log-level', 'silent']);
    expect(col.code, col.stderr).toBe(0);
    expect(col.stdout).toMatch(/hr\s+ok\s+3\s+0/);
    expect(col.stdout).toMatch(/idp\s+ok\s+4\s+0/);

    // At 2026-03-20 12:00 Berlin: bob left 2026-03-10 → stale from 03-11 00:00, deadline 03-12 00:00
    // (grace 1 day); still enabled → population 1, compliant 0 → 0/1 missed.
    // MFA: active people's accounts ann, bob, cy (service account excluded) → ann and cy enrolled = 2/3,
    // at or above the 0.5 warning → at_risk.
    const ev = await cli(['evaluate', '-c', c, '--at', '2026-03-20T12:00:00+01:00', '--format', 'json']);
    expect(ev.code, ev.stderr).toBe(0);
    const out = JSON.parse(ev.stdout) as { evaluatedAt: string; objectives: Record<string, unknown>[] };
    expect(out.evaluatedAt).toBe('2026-03-20T11:00:00.000Z');
    expect(out.objectives.map((o) => [o.id, o.numerator, o.denominator, o.status])).toEqual([
      ['leavers', 0, 1, 'missed'],
      ['mfa', 2, 3, 'at_risk'],
    ]);
    expect(Object.keys(out.objectives[0]!).sort()).toEqual(['denominator', 'direction', 'id', 'kpi', 'numerator', 'period', 'status', 'target', 'value']);
    expect(Object.keys(out.objectives[0]!.period as object).sort()).toEqual(['from', 'to']);

    // CSV for Excel: a BOM, and the title that starts with "=" neutralised with a leading quote.
    const csv = await cli(['evaluate', '-c', c, '--at', '2026-03-20T12:00:00+01:00', '--format', 'csv']);
    expect(csv.stdout.startsWith(BOM)).toBe(true);
    const lines = csv.stdout.slice(1).split('\n');
    expect(lines[0]).toBe('objective,title,kpi,value,target,status,numerator,denominator,period from,period to');
    // The quarter containing 2026-03-20 in Berlin starts 2026-01-01 00:00 +01:00.
    expect(lines[1]).toBe('leavers,Leaver accounts removed,stale-account-deletion-rate,0,1,missed,0,1,2026-01-01T00:00:00.000+01:00,2026-03-20T12:00:00.000+01:00');
    expect(lines[2]).toMatch(/^mfa,'=MFA on every account,mfa-coverage,0\.6666666666666666,1,at risk,2,3,/);

    const evid = await cli(['evidence', 'leavers', '-c', c, '--at', '2026-03-20T12:00:00+01:00', '--format', 'json']);
    const r = JSON.parse(evid.stdout) as { failing: { id: string; details: Record<string, unknown> }[] };
    expect(r.failing.map((f) => f.id)).toEqual(['bob@corp.example']);
    // Deadline 2026-03-12 00:00, T 2026-03-20 12:00 → 8.5 days, rounded up to 9.
    expect(r.failing[0]!.details.daysOverdue).toBe(9);

    // The same as columns: bob left 03-10, stale from 03-11 00:00 Berlin, deadline 03-12 00:00.
    const table = await cli(['evidence', 'leavers', '-c', c, '--at', '2026-03-20T12:00:00+01:00']);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.split('\n');
    expect(rows[0]).toBe('leavers — Leaver accounts removed');
    expect(rows[1]).toBe('stale-account-deletion-rate: value 0.0% (0/1), target ≥ 100.0%, status missed');
    expect(rows[5]!.split(/\s{2,}/)).toEqual(['account', 'owner', 'department', 'kind', 'stale since', 'deadline', 'days overdue', 'source', 'reason']);
    expect(rows[7]!.split(/\s{2,}/)).toEqual(['bob@corp.example', 'bob@corp.example', '@SUM(1+1)', 'leaver', '2026-03-11 00:00', '2026-03-12 00:00', '9', 'idp', "leaver's account still enabled, 9 day(s) past its deadline"]);

    const grouped = await cli(['evidence', 'leavers', '-c', c, '--at', '2026-03-20T12:00:00+01:00', '--group-by', 'department', '--format', 'csv']);
    expect(grouped.stdout).toBe(`${BOM}department,count,days overdue\n'@SUM(1+1),1,9\n`);
    const byReason = await cli(['evidence', 'mfa', '-c', c, '--at', '2026-03-20T12:00:00+01:00', '--group-by', 'reason']);
    // Bob's account is the one of the three without MFA.
    expect(byReason.stdout.split('\n').slice(5)).toEqual(['reason           count', '---------------  -----', 'no MFA enrolled  1', '']);

    // Evaluating before the evidence was observed: nothing known yet → no_data, never 100 %.
    const early = await cli(['evaluate', '-c', c, '--at', '2026-03-01T00:00:00Z', '--format', 'json']);
    const e = JSON.parse(early.stdout) as { objectives: { status: string; value: unknown }[] };
    expect(e.objectives.map((o) => [o.status, o.value])).toEqual([['no_data', null], ['no_data', null]]);
  });

  it('collect: a file without the required columns fails that source (exit 1) and the others still run', async () => {
    const c = config('  - id: broken\n    kind: incidents\n    path: broken.csv\n');
    const r = await cli(['collect', '-c', c, '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken\s+FAILED/);
    expect(r.stdout).toMatch(/hr\s+ok/);
    expect(r.stderr).toContain('broken.csv');
    expect(r.stderr).toMatch(/missing required column/i);
  });

  it('run: serves /metrics with the evaluated objectives, and SIGTERM exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'run', '-c', config(), '--port', String(port), '--log-level', 'warn'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      let body = '';
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        if (!res) continue;
        body = await res.text();
        if (body.includes('isms_objective_status{objective="mfa"')) break;
      }
      const fam = new Map(parse(body).map((f) => [f.name, f]));
      const status = fam.get('isms_objective_status')!.metrics.filter((m) => m.value === '1').map((m) => `${m.labels!.objective}=${m.labels!.status}`).sort();
      // Evaluated now: bob's account is still enabled long after his 2026-03-10 leave date, but his
      // deadline falls in an earlier quarter: carried over while overdue, so the objective is missed.
      expect(status).toEqual(['leavers=missed', 'mfa=at_risk']);
      expect(fam.get('isms_collector_runs_total')!.metrics.find((m) => m.labels!.source === 'hr' && m.labels!.result === 'success')!.value).toBe('1');
      expect(stdout).toContain('Leaver accounts removed');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 60_000);
});

describe('isms-kpi run and Ctrl-C', () => {
  it('SIGINT (Ctrl-C) says it is stopping, drains, says it stopped, and exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'run', '-c', config(), '--port', String(port), '--log-level', 'silent'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    for (let i = 0; i < 150 && !stdout.includes('Leaver accounts removed'); i++) await new Promise((r) => setTimeout(r, 100));
    // The banner: the organisation's time (Europe/Berlin, +01:00 or +02:00), then its name.
    expect(stdout).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0[12]:00 {2}Corp$/m);
    child.kill('SIGINT');
    const code = await exited;
    expect(stderr).toContain('Ctrl-C: stopping — taking no new jobs, letting the active one finish (up to 30 s)');
    expect(stderr).toMatch(/isms-kpi: stopped\n$/);
    expect(code).toBe(0);
  }, 60_000);
});

describe('isms-kpi queue commands without Redis', () => {
  it('worker and scheduler need REDIS_URL (exit 2, saying so); jobs lists failed runs from the store', async () => {
    const env = { REDIS_URL: '' };
    const w = await cli(['worker', '-c', config()], env);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/worker needs REDIS_URL/);
    expect((await cli(['scheduler', '-c', config()], env)).code).toBe(2);

    const c = config('  - id: broken\n    kind: incidents\n    path: broken.csv\n');
    await cli(['collect', 'broken', '-c', c, '--log-level', 'silent'], env);
    const j = await cli(['jobs', '-c', c, '--format', 'json'], env);
    expect(j.code, j.stderr).toBe(0);
    const failures = JSON.parse(j.stdout) as { source: string; error: string }[];
    expect(failures.map((f) => f.source)).toEqual(['broken']);
    expect(failures[0]!.error).toMatch(/missing required column/i);
  }, 60_000);
});

describe('isms-kpi worker --shards-only', () => {
  it('starts on Redis without opening the evidence store (no data directory), and drains on SIGTERM', async () => {
    const { TestRedis } = await import('../jobs/helpers/redis.ts');
    const redis = await TestRedis.start();
    const dataDir = join(dir, `shards-only-${Date.now()}`);
    const c = config().replace(/dataDir: .*/, `dataDir: ${dataDir} }`);
    const child = spawn(process.execPath, [BIN, 'worker', '--shards-only', '-c', c, '--log-level', 'info'], {
      cwd: REPO, env: { ...process.env, REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      for (let i = 0; i < 150 && !out.includes('worker ready'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('worker ready');
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => child.on('exit', (x) => r(x)));
    await redis.stop();
    expect(code).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);
});
