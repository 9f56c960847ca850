/**
 * `npm test`'s first step (scripts/test-prerequisites.mjs): which tools are missing, and whether
 * it installs them or stops with a message naming each — decided without installing anything.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan, probeMachine, REQUIREMENTS } from '../../scripts/test-prerequisites.mjs';

const REPO = join(import.meta.dirname, '..', '..');
const ROOT_DEBIAN = { uid: 0, debian: true, aptGet: true };
const missingOnly = (...tools: string[]) => (r: { tool: string }) => !tools.includes(r.tool);

describe('the plan', () => {
  it('everything found: run the tests', () => {
    expect(plan(REQUIREMENTS, () => true, ROOT_DEBIAN)).toEqual({ action: 'run', missing: [] });
  });

  it('root on Debian with apt-get: install the missing tools\' packages, each once, and stop their daemons after', () => {
    const p = plan(REQUIREMENTS, missingOnly('promtool', 'prometheus', 'initdb', 'pg_ctl', 'Noto CJK fonts'), ROOT_DEBIAN);
    expect(p.action).toBe('install');
    if (p.action !== 'install') return;
    expect(p.missing.map((r) => r.tool)).toEqual(['promtool', 'prometheus', 'initdb', 'pg_ctl', 'Noto CJK fonts']);
    expect(p.packages).toEqual(['prometheus', 'postgresql', 'fonts-noto-cjk']);
    expect(p.services).toEqual(['prometheus', 'postgresql']);
  });

  it('not root on Debian: stop, naming each missing tool, where the tests look for it, and the apt-get line', () => {
    const p = plan(REQUIREMENTS, missingOnly('promtool', 'chromium', 'pdftoppm'), { uid: 1000, debian: true, aptGet: true });
    expect(p.action).toBe('stop');
    if (p.action !== 'stop') return;
    expect(p.message).toContain('installing them needs root');
    expect(p.message).toContain('No test was run.');
    expect(p.message).toMatch(/^ {2}promtool .*alert rules/m);
    expect(p.message).toContain('package prometheus; elsewhere: https://prometheus.io/download/ (as /usr/bin/promtool)');
    expect(p.message).toContain('package chromium;');
    expect(p.message).toContain('(as /usr/bin/chromium)');
    expect(p.message).toContain('package poppler-utils;');
    expect(p.message).toMatch(/sudo apt-get install -y --no-install-recommends prometheus chromium poppler-utils\n$/);
    expect(p.message).not.toContain('redis-server');
  });

  it('not Debian (or no apt-get), even as root: stop, saying they cannot be installed here', () => {
    for (const machine of [{ uid: 0, debian: false, aptGet: false }, { uid: 0, debian: true, aptGet: false }, { uid: undefined, debian: false, aptGet: false }]) {
      const p = plan(REQUIREMENTS, missingOnly('redis-server'), machine);
      expect(p.action).toBe('stop');
      if (p.action === 'stop') {
        expect(p.message).toContain('not a Debian machine with apt-get');
        expect(p.message).toContain('redis-server');
      }
    }
  });

  it('every tool the tests spawn by absolute path is a requirement (so none can fail with ENOENT)', () => {
    const files = (readdirSync(join(REPO, 'test'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const spawned = new Set<string>();
    for (const f of files) for (const m of readFileSync(join(REPO, 'test', f), 'utf8').matchAll(/'(\/usr\/(?:s?bin|lib\/postgresql)\/[^']*)'/g)) spawned.add(m[1]!);
    const probed = REQUIREMENTS.flatMap((r) => (r.probe.kind === 'file' ? [r.probe.file] : []));
    expect(spawned.size).toBeGreaterThan(0);
    for (const path of spawned) expect(probed, `${path} is spawned by a test but not checked by scripts/test-prerequisites.mjs`).toContain(path);
  });
});

describe('.ci/run', () => {
  it('installs exactly the Debian packages the requirements name, before npm ci', () => {
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    const listed = /^PACKAGES="([^"]+)"$/m.exec(ci)?.[1]?.split(' ') ?? [];
    expect([...listed].sort()).toEqual([...new Set(REQUIREMENTS.map((r: { debian: string }) => r.debian))].sort());
    expect(ci.indexOf('apt-get install')).toBeGreaterThan(0);
    expect(ci.indexOf('apt-get install')).toBeLessThan(ci.indexOf('npm ci'));
  });
});

describe('probing this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isms-prereq-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a command on PATH must be executable', () => {
    writeFileSync(join(dir, 'tool-x'), '#!/bin/sh\n');
    writeFileSync(join(dir, 'tool-plain'), 'not executable');
    chmodSync(join(dir, 'tool-x'), 0o755);
    chmodSync(join(dir, 'tool-plain'), 0o644);
    const env = { PATH: `/nonexistent:${dir}` };
    expect(probeMachine({ kind: 'path', name: 'tool-x' }, env)).toBe(true);
    // Not even root may execute a file without any x bit.
    expect(probeMachine({ kind: 'path', name: 'tool-plain' }, env)).toBe(false);
    expect(probeMachine({ kind: 'path', name: 'tool-missing' }, env)).toBe(false);
    expect(probeMachine({ kind: 'path', name: 'tool-x' }, { PATH: '' })).toBe(false);
  });

  it('a PostgreSQL binary in any version folder', () => {
    mkdirSync(join(dir, 'postgresql', '16', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'postgresql', '16', 'bin', 'initdb'), '#!/bin/sh\n');
    chmodSync(join(dir, 'postgresql', '16', 'bin', 'initdb'), 0o755);
    expect(probeMachine({ kind: 'glob', dir: join(dir, 'postgresql'), sub: 'bin/initdb' })).toBe(true);
    expect(probeMachine({ kind: 'glob', dir: join(dir, 'postgresql'), sub: 'bin/pg_ctl' })).toBe(false);
    expect(probeMachine({ kind: 'glob', dir: join(dir, 'no-such-dir'), sub: 'bin/initdb' })).toBe(false);
  });

  it('files and users', () => {
    expect(probeMachine({ kind: 'file', file: join(dir, 'tool-x') })).toBe(true);
    expect(probeMachine({ kind: 'file', file: join(dir, 'nope') })).toBe(false);
    expect(probeMachine({ kind: 'user', name: 'root' })).toBe(true);
    expect(probeMachine({ kind: 'user', name: 'no-such-user-isms' })).toBe(false);
  });
});

describe('the script, run as `npm test` runs it', () => {
  it('with nothing on PATH (no apt-get either): exits 1 before any test, naming the PATH tools', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'test-prerequisites.mjs')], { cwd: REPO, env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    for (const tool of ['redis-server', 'docker-compose', 'pdftoppm']) expect(r.stderr).toMatch(new RegExp(`^ {2}${tool} `, 'm'));
    expect(r.stderr).toContain('not a Debian machine with apt-get');
  });
});
