/**
 * Hostile and unlucky input at the command line (issue 12, items 2, 9 and 12): the messages a
 * user meets, through the real CLI in a child process (every run has a time limit, so a hang
 * fails the test instead of stalling it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';
import { Writable } from 'node:stream';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(REPO, 'src', 'cli', 'main.ts');

interface Out { code: number; stdout: string; stderr: string; ms: number }
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Out> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO, env: { ...process.env, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isms-hostile-'));
  writeFileSync(join(dir, 'a-file'), 'not a directory\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `organisation: { name: Test, timeZone: Asia/Tokyo, internalDomains: [example.co.jp] }\n${body}`);
  return file;
}

describe('storage.dataDir that cannot work fails at once, naming the field', () => {
  it.each([
    ['under /proc', 'storage: { dataDir: /proc/isms-kpi/data }', 'storage.dataDir: /proc/isms-kpi/data is under /proc, a kernel pseudo-filesystem where no data can be stored'],
    ['a file', 'storage: { dataDir: a-file }', `storage.dataDir: ${'DIR'}/a-file is a file, not a directory`],
    ['below a file', 'storage: { dataDir: a-file/data }', `storage.dataDir: ${'DIR'}/a-file is a file, so ${'DIR'}/a-file/data cannot be a directory`],
  ])('%s', async (_what, body, message) => {
    const file = config(`datadir-${_what.replace(/\W/g, '')}.yaml`, `${body}\n`);
    for (const cmd of [['validate'], ['collect'], ['evaluate']]) {
      const out = await cli([...cmd, '-c', file]);
      expect(out.code, `${cmd[0]}: ${out.stderr}`).toBe(2);
      expect(out.stderr).toContain(`${file}: ${message.replaceAll('DIR', dir)}`);
      expect(out.stderr).not.toMatch(/EEXIST|ENOTDIR|ENOENT/);
    }
  });
});

describe('http.externalUrl is shown to people: no secret in it', () => {
  const base = 'organisation: { name: T, internalDomains: [x.jp] }\n';
  it.each([
    ['https://isms.example/objectives?token=abc', '`token`'],
    ['https://isms.example/?view=1&API_KEY=abc', '`API_KEY`'],
    ['https://isms.example/?access_token=abc&key=1', '`access_token`, `key`'],
  ])('rejects %s', (url, names) => {
    try {
      parseConfig(`${base}http: { externalUrl: "${url}" }\n`, '/etc/isms.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const [issue] = (e as ConfigError).issues;
      expect(issue).toMatchObject({ path: 'http.externalUrl', line: 2 });
      expect(issue!.message).toContain(`a secret must not be in the URL's query (${names})`);
      expect((e as Error).message).not.toContain('abc');
    }
  });
  it('accepts a plain URL with an ordinary query', () => {
    expect(parseConfig(`${base}http: { externalUrl: "https://isms.example/objectives?lang=ja" }\n`, '/etc/isms.yaml').http.externalUrl).toBe('https://isms.example/objectives?lang=ja');
  });
  it('maxShrink is a share 0..1', () => {
    expect(() => parseConfig(`${base}sources: [{ id: hr, kind: hr-roster, path: hr.csv, maxShrink: 20 }]\n`, '/etc/isms.yaml')).toThrow(/sources\[0\]\.maxShrink/);
    expect(parseConfig(`${base}sources: [{ id: hr, kind: hr-roster, path: hr.csv, maxShrink: 0.5 }]\n`, '/etc/isms.yaml').sources[0]).toMatchObject({ maxShrink: 0.5 });
  });
});

describe('collect prints rejections as file:line field: reason, personal values only on request', () => {
  // Line 3 repeats carol's employment (same id and hire date); line 4 has a bad email.
  const roster = 'employee id,email,hire date\nE1,carol@example.co.jp,2020-04-01\nE1,carol@example.co.jp,2020-04-01\nE2,dave-at-example,2021-04-01\n';

  it('without --show-values: no value on stderr, a hint how to see them', async () => {
    writeFileSync(join(dir, 'hr.csv'), roster);
    const file = config('collect.yaml', `storage: { dataDir: data-a }\nsources: [{ id: hr, kind: hr-roster, path: hr.csv }]\n`);
    const out = await cli(['collect', '-c', file]);
    expect(out.code).toBe(0);
    const csv = join(dir, 'hr.csv');
    expect(out.stderr).toContain(`hr: rejected ${csv}:3: the same employment as line 2 (same person key and hire date)\n`);
    expect(out.stderr).toContain(`hr: rejected ${csv}:4 email: not an email address\n`);
    expect(out.stderr).toContain('add --show-values to print them');
    expect(out.stderr).not.toMatch(/carol|dave/);
  });

  it('with --show-values: each value beside its reason', async () => {
    writeFileSync(join(dir, 'hr.csv'), roster);
    const file = config('collect-show.yaml', `storage: { dataDir: data-b }\nsources: [{ id: hr, kind: hr-roster, path: hr.csv }]\n`);
    const out = await cli(['collect', '-c', file, '--show-values']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(':3: the same employment as line 2 (same person key and hire date) [value: "E1"]\n');
    expect(out.stderr).toContain(':4 email: not an email address [value: "dave-at-example"]\n');
  });

  it('quoted values in other collectors\' reasons are held back the same way', async () => {
    writeFileSync(join(dir, 'idp.csv'), 'id,login,enabled\na1,ken.ito,true\na2,hana.sato,perhaps\n');
    const file = config('collect-idp.yaml', `storage: { dataDir: data-c }\nsources: [{ id: idp, kind: idp, format: generic-csv, path: idp.csv }]\n`);
    const hidden = await cli(['collect', '-c', file]);
    expect(hidden.stderr).toContain(`idp: rejected ${join(dir, 'idp.csv')}:3 enabled: enabled: expected true or false, found "…"\n`);
    expect(hidden.stderr).not.toContain('perhaps');
    writeFileSync(join(dir, 'idp.csv'), 'id,login,enabled\na1,ken.ito,true\na2,hana.sato,perhaps\na3,x,maybe\n');
    const shown = await cli(['collect', '-c', file, '--show-values', '--observed-at', '2030-01-01T00:00:00Z']);
    expect(shown.stderr).toContain('found "…" [value: "perhaps"]');
  });

  it('--accept-shrink names a source of the config (a typo is a usage error with a suggestion)', async () => {
    const file = config('accept.yaml', `storage: { dataDir: data-d }\nsources: [{ id: okta, kind: idp, format: generic-csv, path: idp.csv }]\n`);
    const out = await cli(['collect', '-c', file, '--accept-shrink', 'otka']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--accept-shrink: no source "otka"');
    expect(out.stderr).toContain('(did you mean "okta"?)');
  });

  it('a refused shrink: exit 1, the counts and the way out; --accept-shrink stores it', async () => {
    const rows = (n: number) => ['id,login,enabled', ...Array.from({ length: n }, (_, i) => `a${i},u${i},true`)].join('\n');
    writeFileSync(join(dir, 'okta.csv'), `${rows(12)}\n`);
    const file = config('shrink.yaml', `storage: { dataDir: data-e }\nsources: [{ id: okta, kind: idp, format: generic-csv, path: okta.csv }]\n`);
    expect((await cli(['collect', '-c', file, '--observed-at', '2026-06-01T00:00:00Z'])).code).toBe(0);
    writeFileSync(join(dir, 'okta.csv'), `${rows(0)}\n`);
    const refused = await cli(['collect', '-c', file, '--observed-at', '2026-06-02T00:00:00Z']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'okta: the export has 0 accounts where the previous one had 12 (−100 %, more than maxShrink 20 %); nothing was stored; if this is right, run `isms-kpi collect okta --accept-shrink okta` or set maxShrink on the source',
    );
    const accepted = await cli(['collect', '-c', file, '--observed-at', '2026-06-02T00:00:00Z', '--accept-shrink', 'okta']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/okta\s+ok\s+0\s+0\s+\+0 ~0 -12/);
  });
});

describe('credentials never reach a message or a log line', () => {
  it('redacts a URL with credentials in an error the CLI prints', async () => {
    // A log "path" that is a URL with user:password and a token: the source fails with "no log
    // file matches <path>", which must not repeat the secrets.
    const file = config('url-path.yaml', `storage: { dataDir: data-f }\nsources: [{ id: web, kind: access-log, format: combined, paths: ["https://admin:hunter2@logs.example/access.log?token=t0k"] }]\n`);
    const out = await cli(['collect', '-c', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('web: https://[redacted]@logs.example/access.log?token=[redacted]: no log file matches');
    expect(out.stderr).not.toMatch(/hunter2|t0k/);
  });

  it('log lines: a URL user part and token queries are redacted wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger('info', sink);
    log.error({ err: 'connect to https://elastic:hunter2@es.example:9200 failed', detail: { href: 'https://h.example/x?token=t0k&a=1' } }, 'failed at http://u:p4ss@h.example');
    log.warn(new Error('GET https://h.example/?api_key=s3cret failed'), 'oops');
    const text = lines.join('');
    expect(text).not.toMatch(/hunter2|t0k|p4ss|s3cret/);
    expect(text).toContain('https://[redacted]@es.example:9200');
    expect(text).toContain('?token=[redacted]&a=1');
  });
});
