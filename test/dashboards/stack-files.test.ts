/**
 * The files docker-compose.yml mounts are valid for the tools that read them, and the committed
 * rules and dashboards are what the generators make of config/example.yaml.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { generateRules } from '../../src/alerts/rules.ts';
import { generateDashboards } from '../../src/dashboards/generate.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const REGENERATE = 'regenerate with `isms-kpi rules -c config/example.yaml -o config/rules/isms-kpi.yml` and `isms-kpi dashboards -c config/example.yaml -o config/grafana`';

function run(cmd: string, args: string[], cwd = ROOT): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('stack files', () => {
  it('docker-compose.yml validates with `docker-compose config -q` (no engine needed)', () => {
    const r = run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  it('docker-compose.yml has the whole stack, with the config files mounted', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'elasticsearch', 'grafana', 'isms-kpi', 'isms-kpi-worker', 'postgres', 'prometheus', 'redis']);
    const mounts = (s: string) => (compose.services[s].volumes as string[]).join('\n');
    expect(mounts('prometheus')).toContain('./config/prometheus.yml:/etc/prometheus/prometheus.yml');
    expect(mounts('prometheus')).toContain('./config/rules:/etc/prometheus/rules');
    expect(mounts('alertmanager')).toContain('./config/alertmanager.yml:/etc/alertmanager/alertmanager.yml');
    expect(mounts('grafana')).toContain('./config/grafana/provisioning:/etc/grafana/provisioning');
    expect(mounts('grafana')).toContain('./config/grafana/dashboards:/var/lib/grafana/dashboards/isms-kpi');
  });

  it('isms-kpi processes share no volume: the evidence is in the postgres service, which they all name', () => {
    // With the anchors' merge keys resolved, as docker-compose reads them.
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { volumes?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown> }> };
    const ours = ['isms-kpi', 'isms-kpi-worker'];
    const writable = (s: string) => (compose.services[s]!.volumes ?? []).filter((v) => !v.endsWith(':ro'));
    // Only `run` keeps state of its own (its notifier's), in a volume no other service mounts.
    expect(writable('isms-kpi-worker')).toEqual([]);
    expect(writable('isms-kpi')).toEqual(['isms-run-state:/app/data']);
    const others = Object.keys(compose.services).filter((s) => s !== 'isms-kpi');
    for (const s of others) expect((compose.services[s]!.volumes ?? []).some((v) => v.startsWith('isms-run-state:'))).toBe(false);
    for (const s of ours) {
      expect(compose.services[s]!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/isms:.*@postgres:5432\/isms$/);
      expect(Object.keys(compose.services[s]!.depends_on!)).toContain('postgres');
    }
    expect(compose.services.postgres!.volumes).toEqual(['pg-data:/var/lib/postgresql/data']);
  });

  it('a broken compose file fails the same check (so the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isms-compose-'));
    try {
      writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  a:\n    image: x\n    ports: 12\n');
      expect(run('docker-compose', ['config', '-q'], dir).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config/prometheus.yml and the rules it loads pass promtool check config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isms-prom-'));
    try {
      mkdirSync(join(dir, 'rules'));
      copyFileSync(join(ROOT, 'config/rules/isms-kpi.yml'), join(dir, 'rules/isms-kpi.yml'));
      writeFileSync(join(dir, 'prometheus.yml'), readFileSync(join(ROOT, 'config/prometheus.yml'), 'utf8').replace('/etc/prometheus/rules/', `${dir}/rules/`));
      const r = run('/usr/bin/promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(r.output).toContain('SUCCESS: 1 rule files found');
      expect(r.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config/alertmanager.yml passes amtool check-config', () => {
    const r = run('/usr/bin/amtool', ['check-config', 'config/alertmanager.yml']);
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('the committed rules and Grafana files are generated from config/example.yaml', () => {
    const config = loadConfig(join(ROOT, 'config/example.yaml'), {});
    expect(readFileSync(join(ROOT, 'config/rules/isms-kpi.yml'), 'utf8'), REGENERATE).toBe(generateRules(config));
    for (const f of generateDashboards(config)) {
      expect(readFileSync(join(ROOT, 'config/grafana', f.path), 'utf8'), `${f.path}: ${REGENERATE}`).toBe(f.content);
    }
  });
});
