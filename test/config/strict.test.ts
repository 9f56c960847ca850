/**
 * A strict config: every typo, out-of-range value and unusable pattern is refused when the file
 * is loaded, with file:line:col, the field, and a suggestion for a near miss. A silently
 * ignored key could change how an objective is rated (a wrong audit finding).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { configJsonSchema } from '../../src/config/schema.ts';
import { ConfigError, type ConfigIssue } from '../../src/errors.ts';

const example = readFileSync(new URL('../../config/example.yaml', import.meta.url), 'utf8');
const FILE = '/etc/isms/config.yaml';

function issues(text: string): ConfigIssue[] {
  try {
    parseConfig(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error('expected the config to be refused');
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i + 1;
}

describe('the shipped example', () => {
  it('is valid, with the fiscal year from April and every objective keeping its file values', () => {
    const c = parseConfig(example, FILE);
    expect(c.organisation.fiscalYearStartMonth).toBe(4);
    const stale = c.objectives.find((o) => o.id === 'stale-accounts')!;
    expect(stale.params).toMatchObject({ graceDays: 1, includeDormant: true, dormantDays: 90 });
    expect(stale.warning).toBe(0.95);
  });
});

describe('unknown keys are errors at every level, with "did you mean"', () => {
  it.each([
    ['top level', 'objectives:', 'objectves:', 'objectves', 'objectves', 'objectives'],
    ['organisation', 'fiscalYearStartMonth: 4', 'fiscalYearStartMonh: 4', 'fiscalYearStartMonh', 'organisation.fiscalYearStartMonh', 'fiscalYearStartMonth'],
    ['objective params', 'graceDays: 1', 'gracedays: 30', 'gracedays', 'objectives[0].params.gracedays', 'graceDays'],
    ['objective', 'warning: 0.95', 'warnng: 0.98', 'warnng', 'objectives[0].warnng', 'warning'],
    ['source kind', 'dateFormat: yyyy/MM/dd\n', 'dateFromat: yyyy/MM/dd\n', 'dateFromat', 'sources[0].dateFromat', 'dateFormat'],
    ['storage', 'dataDir: ../data/example', 'datadir: ../data/example', 'datadir', 'storage.datadir', 'dataDir'],
  ])('%s', (_level, from, to, key, path, suggestion) => {
    const text = example.replace(from, to);
    expect(text).not.toBe(example);
    const found = issues(text);
    expect(found).toHaveLength(1);
    const [i] = found;
    expect(i!.path).toBe(path);
    expect(i!.message).toContain(`unknown field "${key}"`);
    expect(i!.message).toContain(`did you mean "${suggestion}"?`);
    expect(i!.file).toBe(FILE);
    expect(i!.line).toBe(lineOf(text, to.trim().split(':')[0]!));
    expect(i!.column).toBeGreaterThan(0);
  });

  it.each([
    ['identity', 'identity:\n  aliasses: {}\n', 'identity.aliasses', 'aliases'],
    ['http', 'http:\n  prot: 9464\n', 'http.prot', 'port'],
    ['alerting', 'alerting:\n  repeatInterva: 4h\n', 'alerting.repeatInterva', 'repeatInterval'],
    ['alerting webhook', 'alerting:\n  webhooks:\n    - { id: ops, urlEnv: OPS_URL, fromat: slack }\n', 'alerting.webhooks[0].fromat', 'format'],
    ['objective scope', null, 'objectives[0].scope.source', 'sources'],
  ])('%s', (_level, block, path, suggestion) => {
    const base = example.replace(/^identity:\n(?: .*\n)+/m, '');
    const text = block === null ? example.replace('      sources: [hr, okta]', '      source: [hr, okta]') : `${base}${block}`;
    const found = issues(text);
    expect(found.map((i) => i.path)).toEqual([path]);
    expect(found[0]!.message).toContain(`did you mean "${suggestion}"?`);
  });

  it('names an unknown source kind and KPI with the closest known one', () => {
    const text = example.replace('kind: hr-roster', 'kind: hr-rooster').replace('kpi: mfa-coverage', 'kpi: mfa-coverag');
    const found = issues(text);
    expect(found.map((i) => [i.path, i.line])).toEqual([
      ['sources[0].kind', lineOf(text, 'hr-rooster')],
      ['objectives[3].kpi', lineOf(text, 'mfa-coverag')],
    ]);
    expect(found[0]!.message).toMatch(/unknown source kind "hr-rooster" \(did you mean "hr-roster"\?\)/);
    expect(found[1]!.message).toMatch(/unknown KPI "mfa-coverag" \(did you mean "mfa-coverage"\?\)/);
  });
});

describe('KPI params are checked against each KPI\'s own schema', () => {
  it.each([
    ['graceDays: 1', 'graceDays: -5', 'objectives[0].params.graceDays', /≥ 0, got -5/],
    ['slaHours: 24', 'slaHours: "abc"', 'objectives[4].params.slaHours', /expected number, got string/],
    ['slaHours: 24', 'slaHours: 1e308', 'objectives[4].params.slaHours', /≤ 87840/],
    ['dormantDays: 90', 'dormantDays: 0', 'objectives[0].params.dormantDays', /≥ 1/],
    ['includeDormant: true', 'includeDormant: yes please', 'objectives[0].params.includeDormant', /expected boolean/],
    ['newHireGraceDays: 30', 'newHireGraceDays: 2.5', 'objectives[1].params.newHireGraceDays', /expected a whole number, got number/],
  ])('%s → %s is refused', (from, to, path, message) => {
    const found = issues(example.replace(from, to));
    expect(found.map((i) => i.path)).toEqual([path]);
    expect(found[0]!.message).toMatch(message);
  });

  it('fills params defaults and the KPI\'s default target and direction', () => {
    const text = example.replace('    params:\n      slaHours: 24\n    target: 0.9\n    direction: at_least\n', '');
    const o = parseConfig(text, FILE).objectives.find((x) => x.id === 'incident-reporting')!;
    // KPIS.md: incident-report-sla-rate, slaHours default 24, default target at_least 0.9.
    expect(o.params).toEqual({ slaHours: 24 });
    expect([o.target, o.direction]).toEqual([0.9, 'at_least']);
  });
});

describe('periods, schedules and patterns', () => {
  it.each([
    ['rolling 0 days', false],
    ['rolling 1 day', true],
    ['rolling 3660 days', true],
    ['rolling 3661 days', false],
    ['fortnight', false],
  ])('period %s → %s', (period, ok) => {
    const text = example.replace('period: quarter', `period: ${period}`);
    if (ok) expect(parseConfig(text, FILE).objectives[0]!.period).toBe(period);
    else expect(issues(text).map((i) => i.path)).toEqual(['objectives[0].period']);
  });

  it.each(['99 * * * *', '0 24 * * *', '* * *', 'every hour'])('the cron %j is refused at load, with the field', (cron) => {
    const text = example.replace(/schedule: '[^']*'/, `schedule: '${cron}'`);
    const found = issues(text);
    expect(found.map((i) => [i.path, i.line])).toEqual([['sources[0].schedule', lineOf(text, `schedule: '${cron}'`)]]);
  });

  it('a six-field (seconds) cron is accepted', () => {
    expect(parseConfig(example.replace(/schedule: '[^']*'/, "schedule: '*/30 * * * * *'"), FILE).sources[0]!.schedule).toBe('*/30 * * * * *');
  });

  it('service-account patterns must run in linear time (RE2): backreferences and lookaround are refused', () => {
    for (const p of ['(a)\\1', '(?=svc)', '(unclosed']) {
      const text = example.replace("loginPatterns: ['^svc-'", () => `loginPatterns: ['${p}'`);
      expect(text).not.toBe(example);
      expect(issues(text).map((i) => i.path)).toEqual(['identity.serviceAccounts.loginPatterns[0]']);
    }
    // (a+)+$ is fine for RE2: it is matched in linear time (see test/kpi/identity.test.ts).
    expect(() => parseConfig(example.replace("loginPatterns: ['^svc-'", () => "loginPatterns: ['(a+)+$'"), FILE)).not.toThrow();
  });

  it('an externalUrl with a token in its query is refused', () => {
    for (const url of ['https://isms.example/?token=abc', 'https://isms.example/x?a=1&api_key=abc', 'https://u:p@isms.example/']) {
      expect(issues(`${example}http:\n  externalUrl: ${url}\n`).map((i) => i.path)).toEqual(['http.externalUrl']);
    }
    expect(parseConfig(`${example}http:\n  externalUrl: https://isms.example/register?lang=ja\n`, FILE).http.externalUrl).toBe('https://isms.example/register?lang=ja');
  });
});

describe('YAML itself', () => {
  it('a syntax error points at the wrong line', () => {
    const text = example.replace('  timeZone: Asia/Tokyo', '  timeZone: [Asia/Tokyo');
    const found = issues(text);
    expect(found[0]!.message).toMatch(/^YAML: /);
    expect(found[0]!.line).toBeGreaterThanOrEqual(lineOf(text, '[Asia/Tokyo'));
    expect(found[0]!.line).toBeLessThanOrEqual(lineOf(text, '[Asia/Tokyo') + 1);
  });

  it('a top-level list says "expected a mapping"', () => {
    const found = issues('- organisation: {}\n- sources: []\n');
    expect(found.map((i) => [i.line, i.message])).toEqual([[1, 'expected a mapping (organisation:, sources:, objectives: …), got a list']]);
  });

  it('an alias bomb is refused with the file named, without expanding it', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 8; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const found = issues(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.file).toBe(FILE);
    expect(found[0]!.message).toMatch(/alias/i);
  });

  it('a duplicated key is refused, not last-wins', () => {
    const text = example.replace('  fiscalYearStartMonth: 4 ', '  fiscalYearStartMonth: 1\n  fiscalYearStartMonth: 4 ');
    expect(text).not.toBe(example);
    expect(issues(text)[0]!.line).toBe(lineOf(text, 'fiscalYearStartMonth: 4'));
  });
});

describe('the JSON Schema forbids unknown keys too (editors underline typos)', () => {
  it('at the top level, in the organisation, in each source kind, in objectives and in each KPI\'s params', () => {
    const s = configJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { additionalProperties?: boolean; items?: { oneOf?: Variant[] } }>;
    };
    type Variant = { additionalProperties?: boolean; oneOf?: Variant[]; properties: Record<string, { additionalProperties?: boolean }> };
    expect(s.additionalProperties).toBe(false);
    expect(s.properties['organisation']!.additionalProperties).toBe(false);
    // A kind with file and API formats is itself a choice by `format`: each of its variants is strict.
    const flat = (vs: Variant[]): Variant[] => vs.flatMap((v) => (v.oneOf ? flat(v.oneOf) : [v]));
    const sources = flat(s.properties['sources']!.items!.oneOf!);
    const objectives = s.properties['objectives']!.items!.oneOf!;
    expect(sources.length).toBeGreaterThanOrEqual(8);
    expect(objectives.length).toBeGreaterThanOrEqual(9);
    for (const v of [...sources, ...objectives]) expect(v.additionalProperties).toBe(false);
    for (const o of objectives) expect(o.properties['params']!.additionalProperties).toBe(false);
  });
});

describe('through `isms-kpi validate`', () => {
  it('exits 2 and names file:line:col, the field and the suggestion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isms-validate-'));
    try {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, example.replace('fiscalYearStartMonth: 4', 'fiscalYearStartMonh: 4'));
      let status = 0;
      let stderr = '';
      try {
        execFileSync(process.execPath, ['--import', 'tsx', new URL('../../src/cli/main.ts', import.meta.url).pathname, 'validate', '-c', file], { stdio: 'pipe' });
      } catch (e) {
        status = (e as { status: number }).status;
        stderr = String((e as { stderr: Buffer }).stderr);
      }
      expect(status).toBe(2);
      expect(stderr).toContain(`${file}:${lineOf(example, 'fiscalYearStartMonth')}:3: organisation.fiscalYearStartMonh: unknown field "fiscalYearStartMonh" (did you mean "fiscalYearStartMonth"?)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
