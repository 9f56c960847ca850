/**
 * Access to the pages: the exporter-toolkit web config (bcrypt basic auth, TLS with a
 * certificate made here by openssl), the bearer token, and `run` refusing to serve personal
 * data beyond loopback without authentication.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { buildServer, isLoopback, listen } from '../../src/http/server.ts';
import { loadWebConfig, parseWebConfig } from '../../src/http/web-config.ts';
import { hostilePages } from './fixtures.ts';
import { EXAMPLE_CONFIG, REPO } from '../trends/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'isms-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const metrics = async () => ({ contentType: 'text/plain; version=0.0.4', body: '# metrics\n' });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the web config file (exporter-toolkit format)', () => {
  it('is strict: unknown keys, hashes that are not bcrypt and unsupported options are errors naming file and line', () => {
    const bad = (text: string) => {
      try {
        parseWebConfig(text, '/etc/isms/web.yml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('basic_auth_user:\n  ciso: x\n')).toMatch(/^\/etc\/isms\/web\.yml:1: unknown field\(s\) "basic_auth_user"/);
    expect(bad('basic_auth_users:\n  ciso: plaintext\n')).toMatch(/web\.yml:2: basic_auth_users\.ciso: expected a bcrypt hash/);
    expect(bad('tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n')).toMatch(/cipher_suites is not supported by isms-kpi/);
    expect(bad('tls_server_config:\n  cert_file: a.crt\n')).toMatch(/needs cert_file \(or cert\) and key_file/);
    expect(bad('http_server_config:\n  headers:\n    Content-Security-Policy: "script-src *"\n')).toMatch(/set by isms-kpi and cannot be overridden/);
  });

  it('basic auth with a bcrypt hash: the right password passes (any case of "Basic"), a wrong one or an unknown user gets 401', async () => {
    const { ctx } = await hostilePages();
    const web = parseWebConfig(`basic_auth_users:\n  ciso: '${bcrypt.hashSync('correct horse', 10)}'\n`, join(dir, 'web.yml'));
    const app = buildServer({ metrics, health: async () => ({}), pages: ctx, web, auth: { token: 'prom-token' } });
    const get = (url: string, authorization?: string) => app.inject({ url, headers: authorization ? { authorization } : {} });
    expect((await get('/')).statusCode).toBe(401);
    expect((await get('/')).headers['www-authenticate']).toBe('Basic realm="isms-kpi", charset="UTF-8"');
    expect((await get('/', basic('ciso', 'correct horse'))).statusCode).toBe(200);
    expect((await get('/', basic('ciso', 'correct horse')).then(() => get('/', basic('ciso', 'correct horse')))).statusCode).toBe(200); // remembered
    expect((await get('/', `basic ${Buffer.from('ciso:correct horse').toString('base64')}`)).statusCode).toBe(200);
    expect((await get('/', basic('ciso', 'wrong'))).statusCode).toBe(401);
    expect((await get('/', basic('mallory', 'correct horse'))).statusCode).toBe(401);
    // Prometheus may keep its bearer token on /metrics; /healthz stays open.
    expect((await get('/metrics', 'Bearer prom-token')).statusCode).toBe(200);
    expect((await get('/healthz')).statusCode).toBe(200);
  });

  it('TLS with cert_file and key_file relative to the web config, and basic auth over it', async () => {
    const key = join(dir, 'server.key');
    const cert = join(dir, 'server.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const file = join(dir, 'web-tls.yml');
    writeFileSync(file, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  ciso: '${bcrypt.hashSync('pw', 10)}'\n`);
    const web = loadWebConfig(file);
    const { ctx } = await hostilePages();
    const app = buildServer({ metrics, health: async () => ({}), pages: ctx, web });
    const { port } = await listen(app, '127.0.0.1', 0);
    try {
      const get = (path: string, authorization?: string) =>
        new Promise<{ status: number; body: string; protocol: string }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path, ca: readFileSync(cert), headers: authorization ? { authorization, accept: 'text/html' } : {} }, (res) => {
            const protocol = (res.socket as unknown as { getProtocol(): string }).getProtocol();
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
          });
          req.on('error', reject);
          req.end();
        });
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/')).status).toBe(401);
      const ok = await get('/', basic('ciso', 'pw'));
      expect([ok.status, ok.protocol]).toEqual([200, 'TLSv1.3']);
      expect(ok.body).toContain('<h1>Objective register</h1>');
      // Plain HTTP to the TLS port gets no page.
      const plain = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => 'no HTTP answer');
      expect(plain).not.toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('run refuses to serve personal data beyond loopback without authentication', () => {
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.10', 'isms.example'].map(isLoopback)).toEqual([false, false, false, false]);
  });

  const configFile = join(dir, 'example.yaml');
  writeFileSync(configFile, readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`));
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), 'run', '-c', configFile, '--port', '0', '--no-initial-collect', '--log-level', 'silent', ...args], {
      cwd: REPO,
      env: { ...process.env, ISMS_METRICS_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // Started once the first evaluation's table is out (the signal handlers are in place by then).
    const started = async () => {
      for (let i = 0; i < 200 && !stdout.includes('株式会社サンプル'); i++) await new Promise((ok) => setTimeout(ok, 100));
    };
    return { child, exit, stderr: () => stderr, started };
  };

  it('0.0.0.0 without a web config or token: exit 2, saying what to do', async () => {
    const r = run(['--host', '0.0.0.0']);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toMatch(/refusing to serve the objective pages .* on 0\.0\.0\.0 without authentication: give --web\.config\.file/);
  }, 30_000);

  it('with --allow-unauthenticated it starts, and warns', async () => {
    const r = run(['--host', '0.0.0.0', '--allow-unauthenticated']);
    try {
      await r.started();
      expect(r.stderr()).toMatch(/WARNING: the pages \(people, accounts\) are served on 0\.0\.0\.0 without authentication/);
      // The example is in Japanese: 目標管理表 is the objective register.
      expect(r.stderr()).toContain('目標管理表: http://0.0.0.0:');
    } finally {
      r.child.kill('SIGTERM');
    }
    expect(await r.exit).toBe(0);
  }, 30_000);

  it('with a token set (ISMS_METRICS_TOKEN) it starts without a warning', async () => {
    const r = run(['--host', '0.0.0.0'], { ISMS_METRICS_TOKEN: 't0ken' });
    try {
      await r.started();
      expect(r.stderr()).toContain('目標管理表: http');
      expect(r.stderr()).not.toContain('WARNING');
    } finally {
      r.child.kill('SIGTERM');
    }
    expect(await r.exit).toBe(0);
  }, 30_000);
});
