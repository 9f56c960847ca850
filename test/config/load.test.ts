import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';

const valid = `organisation:
  name: 例示株式会社
  timeZone: Asia/Tokyo
  fiscalYearStartMonth: 4
  internalDomains: [example.co.jp]
sources:
  - id: hr
    kind: hr-roster
    path: hr.csv
objectives:
  - id: leavers
    title: 退職者アカウント削除率
    kpi: stale-account-deletion-rate
    target: 1
    direction: at_least
    period: quarter
  - id: training
    title: 情報セキュリティ研修受講率
    kpi: training-completion-rate
    params: { courses: [情報セキュリティ研修] }
    target: 1
    direction: at_least
    period: year
  - id: phishing
    title: 訓練クリック率
    kpi: phishing-click-rate
    target: 0.1
    direction: at_most
    period: rolling 90 days
`;

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(text, '/etc/isms/config.yaml', env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('accepts a valid file, keeps Japanese titles, fills defaults and freezes the result', () => {
    const c = parseConfig(valid, '/etc/isms/config.yaml');
    expect(c.objectives[0]!.title).toBe('退職者アカウント削除率');
    expect(c.identity.keys).toEqual(['email', 'employeeId', 'login']);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(c.dataDir).toBe('/etc/isms/.isms-kpi');
    expect(Object.isFrozen(c.objectives[0])).toBe(true);
  });

  it('names file, line and field of a wrong type', () => {
    const text = valid.replace('target: 0.1', 'target: ten percent');
    const [i, ...rest] = issuesOf(text);
    expect(rest).toEqual([]);
    expect(i!.path).toBe('objectives[2].target');
    // The "target: ten percent" line is line 27 of the text above.
    expect(i!.line).toBe(27);
    expect(i!.file).toBe('/etc/isms/config.yaml');
    expect(i!.message).toMatch(/expected number/);
  });

  it('reports every problem at once', () => {
    const text = valid.replace('period: quarter', 'period: fortnight').replace('kind: hr-roster', 'kind: ldap');
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path).sort()).toEqual(['objectives[0].period', 'sources[0].kind']);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('organisation:\n  name: [unclosed\n');
    expect(issues[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('rejects credentials in URLs and reads secrets only from the environment', () => {
    const withUrl = valid.replace('organisation:', 'http:\n  externalUrl: https://admin:hunter2@isms.example\norganisation:');
    expect(issuesOf(withUrl)[0]!.path).toBe('http.externalUrl');
    const withEs = valid.replace(
      'objectives:',
      '  - id: es\n    kind: access-log-elasticsearch\n    index: filebeat-*\n    apiKeyEnv: ES_KEY\nobjectives:',
    );
    expect(issuesOf(withEs).map((i) => [i.path, i.message])).toEqual([['sources[1].urlEnv', 'environment variable ELASTICSEARCH_URL is not set']]);
    const c = parseConfig(withEs, '/x/c.yaml', { ELASTICSEARCH_URL: 'https://es:9200', ES_KEY: 'k' });
    expect(c.env.secrets).toEqual({ ELASTICSEARCH_URL: 'https://es:9200', ES_KEY: 'k' });
  });

  it('catches duplicate ids, unknown scope sources and a warning on the wrong side', () => {
    const text = valid
      .replace('id: training', 'id: leavers')
      .replace('period: year', 'period: year\n    warning: 1.2\n    scope:\n      sources: [nope]');
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path).sort()).toEqual(['objectives[1].id', 'objectives[1].scope.sources[0]', 'objectives[1].warning']);
  });
});

describe('JSON Schema for editors', () => {
  it('config/isms-kpi.schema.json is what `isms-kpi schema` prints, and it describes the example', async () => {
    const { readFileSync } = await import('node:fs');
    const { configJsonSchema } = await import('../../src/config/schema.ts');
    const committed = JSON.parse(readFileSync(new URL('../../config/isms-kpi.schema.json', import.meta.url), 'utf8')) as {
      properties: Record<string, unknown>;
      required?: string[];
    };
    expect(committed).toEqual(configJsonSchema());
    expect(Object.keys(committed.properties)).toEqual(expect.arrayContaining(['organisation', 'identity', 'sources', 'objectives']));
    expect(committed.required).toContain('organisation');
  });
});

describe('the evidence store setting', () => {
  const withStorage = (storage: string) => `${valid}storage:\n${storage}\n`;
  const url = 'postgres://isms:hunter2-secret@db.example:5432/isms';

  it('switches to PostgreSQL when DATABASE_URL is set, and stays on SQLite without it', () => {
    expect(parseConfig(valid, '/etc/isms/config.yaml', { DATABASE_URL: url }).env).toMatchObject({ databaseUrl: url, databaseUrlEnv: 'DATABASE_URL' });
    expect(parseConfig(valid, '/etc/isms/config.yaml', {}).env.databaseUrl).toBeUndefined();
  });

  it('reads the variable storage.postgres.urlEnv names, which must then be set', () => {
    const text = withStorage('  postgres: { urlEnv: ISMS_DB }');
    expect(parseConfig(text, '/etc/isms/config.yaml', { ISMS_DB: url, DATABASE_URL: 'postgres://other/x' }).env.databaseUrl).toBe(url);
    // `valid` is 29 lines, `storage:` line 30; on line 31 the value starts after
    // "  postgres: { urlEnv: " (22 characters), in column 23.
    expect(issuesOf(text, { DATABASE_URL: url })).toEqual([
      { file: '/etc/isms/config.yaml', line: 31, column: 23, path: 'storage.postgres.urlEnv', message: 'environment variable ISMS_DB is not set (it names the PostgreSQL evidence store)' },
    ]);
  });

  it('refuses a value that is not a PostgreSQL URL without printing it', () => {
    const issues = issuesOf(valid, { DATABASE_URL: 'mysql://root:hunter2-secret@db/x' });
    expect(issues.map((i) => [i.path, i.message])).toEqual([['storage', 'environment variable DATABASE_URL must hold a postgres:// or postgresql:// URL (its value is not shown)']]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('takes a retention such as 7y, and names the field of a bad one', () => {
    expect(parseConfig(withStorage('  retention: 7y'), '/etc/isms/config.yaml', {}).storage.retention).toBe('7y');
    expect(issuesOf(withStorage('  retention: 7 weeks')).map((i) => [i.path, i.message])).toEqual([['storage.retention', 'a duration such as 7y, 18m or 400d']]);
  });
});
