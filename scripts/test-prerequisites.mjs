#!/usr/bin/env node
// @ts-check
/**
 * Run by `npm test` before vitest: the tests use real servers and tools from Debian (Redis,
 * Prometheus, Alertmanager, docker-compose, PostgreSQL, Chromium, CJK fonts, pdftoppm). When one
 * is missing, this installs it with apt-get if it can (root on Debian), and otherwise stops before
 * any test runs, naming each missing tool and how to get it — so `npm test` never fails half-way
 * with `spawn … ENOENT`.
 *
 * Pure Node, no dependencies (it runs before anything else is known to work). The decision is a
 * pure function of what was found (`plan`), tested in test/scripts/test-prerequisites.test.ts
 * without installing anything; the I/O is at the bottom.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ kind: 'path', name: string } | { kind: 'file', file: string } | { kind: 'glob', dir: string, sub: string } | { kind: 'user', name: string }} Probe
 * @typedef {{ tool: string, why: string, probe: Probe, debian: string, elsewhere: string, service?: string }} Requirement
 */

/**
 * What the tests need, where they look for it, and which Debian package provides it. Paths are
 * the ones the tests spawn (test/alerts/promtool.ts, test/e2e/stack.test.ts, …): a promtool in
 * /usr/local/bin would not help a test that runs /usr/bin/promtool.
 * @type {readonly Requirement[]}
 */
export const REQUIREMENTS = [
  { tool: 'redis-server', why: 'queue tests start their own Redis', probe: { kind: 'path', name: 'redis-server' }, debian: 'redis-server', service: 'redis-server', elsewhere: 'https://redis.io/docs/latest/operate/oss_and_stack/install/ (redis-server on PATH)' },
  { tool: 'promtool', why: 'alert rules are checked and unit-tested with promtool', probe: { kind: 'file', file: '/usr/bin/promtool' }, debian: 'prometheus', service: 'prometheus', elsewhere: 'https://prometheus.io/download/ (as /usr/bin/promtool)' },
  { tool: 'prometheus', why: 'the end-to-end stack test scrapes isms-kpi with a real Prometheus', probe: { kind: 'file', file: '/usr/bin/prometheus' }, debian: 'prometheus', service: 'prometheus', elsewhere: 'https://prometheus.io/download/ (as /usr/bin/prometheus)' },
  { tool: 'prometheus-alertmanager', why: 'the end-to-end stack test routes alerts through Alertmanager', probe: { kind: 'file', file: '/usr/bin/prometheus-alertmanager' }, debian: 'prometheus-alertmanager', service: 'prometheus-alertmanager', elsewhere: 'https://prometheus.io/download/#alertmanager (as /usr/bin/prometheus-alertmanager)' },
  { tool: 'amtool', why: 'config/alertmanager.yml is checked with amtool', probe: { kind: 'file', file: '/usr/bin/amtool' }, debian: 'prometheus-alertmanager', service: 'prometheus-alertmanager', elsewhere: 'https://prometheus.io/download/#alertmanager (as /usr/bin/amtool)' },
  { tool: 'docker-compose', why: 'docker-compose.yml is validated with `docker-compose config -q`', probe: { kind: 'path', name: 'docker-compose' }, debian: 'docker-compose', elsewhere: 'https://docs.docker.com/compose/install/ (docker-compose on PATH)' },
  { tool: 'initdb', why: 'PostgreSQL store tests start their own server', probe: { kind: 'glob', dir: '/usr/lib/postgresql', sub: 'bin/initdb' }, debian: 'postgresql', service: 'postgresql', elsewhere: 'https://www.postgresql.org/download/ (as /usr/lib/postgresql/<version>/bin/initdb)' },
  { tool: 'pg_ctl', why: 'PostgreSQL store tests start their own server', probe: { kind: 'glob', dir: '/usr/lib/postgresql', sub: 'bin/pg_ctl' }, debian: 'postgresql', service: 'postgresql', elsewhere: 'https://www.postgresql.org/download/ (as /usr/lib/postgresql/<version>/bin/pg_ctl)' },
  { tool: 'postgres user', why: 'PostgreSQL refuses to run as root; the tests run it as the postgres user', probe: { kind: 'user', name: 'postgres' }, debian: 'postgresql', service: 'postgresql', elsewhere: 'create a system user named postgres' },
  { tool: 'chromium', why: 'pages and PDF reports are rendered in headless Chromium', probe: { kind: 'file', file: '/usr/bin/chromium' }, debian: 'chromium', elsewhere: 'https://www.chromium.org/getting-involved/download-chromium/ (as /usr/bin/chromium)' },
  { tool: 'Noto CJK fonts', why: 'Japanese text in rendered pages and PDFs', probe: { kind: 'file', file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc' }, debian: 'fonts-noto-cjk', elsewhere: 'https://github.com/notofonts/noto-cjk (NotoSansCJK-Regular.ttc in /usr/share/fonts/opentype/noto/)' },
  { tool: 'pdftoppm', why: 'rendered PDFs are rasterised to check them', probe: { kind: 'path', name: 'pdftoppm' }, debian: 'poppler-utils', elsewhere: 'https://poppler.freedesktop.org/ (pdftoppm on PATH)' },
];

/**
 * @typedef {{ uid: number | undefined, debian: boolean, aptGet: boolean }} Machine
 * @typedef {{ action: 'run', missing: [] }
 *   | { action: 'install', missing: Requirement[], packages: string[], services: string[] }
 *   | { action: 'stop', missing: Requirement[], message: string }} Plan
 */

/**
 * What to do, given which requirements were found. Pure.
 * @param {readonly Requirement[]} requirements
 * @param {(r: Requirement) => boolean} found
 * @param {Machine} machine
 * @returns {Plan}
 */
export function plan(requirements, found, machine) {
  const missing = requirements.filter((r) => !found(r));
  if (missing.length === 0) return { action: 'run', missing: [] };
  const packages = unique(missing.map((r) => r.debian));
  if (machine.uid === 0 && machine.debian && machine.aptGet) {
    return { action: 'install', missing, packages, services: unique(missing.flatMap((r) => (r.service ? [r.service] : []))) };
  }
  const reason = !machine.debian || !machine.aptGet
    ? 'this is not a Debian machine with apt-get, so they cannot be installed for you'
    : 'installing them needs root (run `npm test` as root, or install them as below)';
  return { action: 'stop', missing, message: stopMessage(missing, reason) };
}

/**
 * Each missing tool, why the tests need it, and how to get it.
 * @param {readonly Requirement[]} missing
 * @param {string} why
 */
export function stopMessage(missing, why) {
  const packages = unique(missing.map((r) => r.debian));
  const width = Math.max(...missing.map((r) => r.tool.length));
  const lines = [
    `npm test: the tests need tools this machine lacks; ${why}. No test was run.`,
    '',
    ...missing.map((r) => `  ${r.tool.padEnd(width)}  ${r.why}\n  ${' '.repeat(width)}  Debian/Ubuntu: package ${r.debian}; elsewhere: ${r.elsewhere}`),
    '',
    `On Debian or Ubuntu: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** @param {readonly string[]} xs */
function unique(xs) {
  return [...new Set(xs)];
}

// ---- I/O: probing this machine, installing, and the command itself ----

/** @param {string} file */
function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {Probe} probe
 * @param {NodeJS.ProcessEnv} env
 */
export function probeMachine(probe, env = process.env) {
  switch (probe.kind) {
    case 'path':
      return (env.PATH ?? '').split(delimiter).some((d) => d !== '' && executable(join(d, probe.name)));
    case 'file':
      return existsSync(probe.file);
    case 'glob': {
      let versions = [];
      try {
        versions = readdirSync(probe.dir);
      } catch {
        return false;
      }
      return versions.some((v) => executable(join(probe.dir, v, probe.sub)));
    }
    case 'user':
      try {
        return readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.split(':')[0] === probe.name);
      } catch {
        return false;
      }
  }
}

/** @returns {Machine} */
function thisMachine() {
  return {
    uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
    debian: existsSync('/etc/debian_version'),
    aptGet: probeMachine({ kind: 'path', name: 'apt-get' }),
  };
}

/**
 * @param {string} cmd
 * @param {string[]} args
 */
function sh(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

/**
 * Debian packages start their daemons on install; the tests start their own on free ports.
 * @param {readonly string[]} services
 */
function stopServices(services) {
  if (!probeMachine({ kind: 'path', name: 'service' })) return;
  for (const s of services) spawnSync('service', [s, 'stop'], { stdio: 'ignore' });
}

function main() {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) {
    process.stderr.write(`npm test: Node.js ${process.version} is too old; isms-kpi needs Node.js 20 or later. No test was run.\n`);
    return 1;
  }
  if (!existsSync(join(repo, 'node_modules', 'vitest'))) {
    process.stderr.write('npm test: node_modules/ is missing; run `npm ci` first. No test was run.\n');
    return 1;
  }
  const machine = thisMachine();
  const first = plan(REQUIREMENTS, (r) => probeMachine(r.probe), machine);
  if (first.action === 'run') return 0;
  if (first.action === 'stop') {
    process.stderr.write(first.message);
    return 1;
  }
  process.stderr.write(`npm test: installing what the tests need: ${first.packages.join(' ')} (apt-get, as root)\n`);
  const ok = sh('apt-get', ['update', '-qq']) && sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...first.packages]);
  stopServices(first.services);
  const still = REQUIREMENTS.filter((r) => !probeMachine(r.probe));
  if (!ok || still.length > 0) {
    process.stderr.write(still.length > 0 ? stopMessage(still, ok ? 'apt-get installed the packages, but these are still missing' : 'apt-get failed') : 'npm test: apt-get failed. No test was run.\n');
    return 1;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
