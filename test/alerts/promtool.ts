/** Runs Debian's promtool on generated files; shared by the rule tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const PROMTOOL = '/usr/bin/promtool';

export interface PromtoolResult {
  ok: boolean;
  output: string;
}

function run(args: string[], cwd: string): PromtoolResult {
  try {
    const out = execFileSync(PROMTOOL, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output: out };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

export function checkRules(rulesYaml: string): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), 'isms-rules-'));
  try {
    writeFileSync(join(dir, 'rules.yml'), rulesYaml);
    return run(['check', 'rules', 'rules.yml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

export interface RuleTest {
  interval?: string;
  input_series: { series: string; values: string }[];
  alert_rule_test?: AlertCase[];
  promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

/** `promtool test rules` of `tests` against `rulesYaml`. */
export function testRules(rulesYaml: string, tests: RuleTest[]): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), 'isms-rules-'));
  try {
    writeFileSync(join(dir, 'rules.yml'), rulesYaml);
    writeFileSync(join(dir, 'tests.yml'), stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests: tests.map((t) => ({ interval: '1m', ...t })) }));
    return run(['test', 'rules', 'tests.yml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
