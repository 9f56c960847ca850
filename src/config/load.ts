/**
 * Reads the config file once, reports every problem with file, line and field, and returns a
 * deeply frozen Config. This is the only place that reads process.env.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import { checkDataDir } from './data-dir.ts';
import { configSchema, type ParsedConfig } from './schema.ts';
import type { Config, RuntimeEnv } from './types.ts';

/** Environment variables with a fixed meaning. */
export const ENV = {
  redisUrl: 'REDIS_URL',
  elasticsearchUrl: 'ELASTICSEARCH_URL',
  metricsToken: 'ISMS_METRICS_TOKEN',
  pseudonymKey: 'ISMS_PSEUDONYM_KEY',
} as const;

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (cause) {
    throw new ConfigError([{ file: abs, path: '', message: `cannot read config: ${(cause as Error).message}` }], { cause });
  }
  const config = parseConfig(text, abs, env);
  checkDataDir(config);
  return config;
}

/** Parse and validate config text; `file` is used for messages and to resolve relative paths. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = {}): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lc, prettyErrors: false });
  const yamlIssues: ConfigIssue[] = doc.errors.map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return { file, line: pos?.line, column: pos?.col, path: '', message: e.message.split('\n')[0] ?? e.message };
  });
  if (yamlIssues.length > 0) throw new ConfigError(yamlIssues);

  const raw = doc.toJS() as unknown;
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => zodIssue(i, doc, lc, file)));

  const issues = semanticIssues(parsed.data).map(({ path, message }) => located(path, message, doc, lc, file));
  const secrets = collectSecrets(parsed.data, env, (path, message) => issues.push(located(path, message, doc, lc, file)));
  if (issues.length > 0) throw new ConfigError(issues);

  const baseDir = dirname(file);
  const runtime: RuntimeEnv = {
    redisUrl: nonEmpty(env[ENV.redisUrl]),
    elasticsearchUrl: nonEmpty(env[ENV.elasticsearchUrl]),
    metricsToken: nonEmpty(env[ENV.metricsToken]),
    pseudonymKey: nonEmpty(env[ENV.pseudonymKey]),
    secrets,
  };
  const config: Config = { ...parsed.data, file, baseDir, dataDir: resolve(baseDir, parsed.data.storage.dataDir), env: runtime };
  return deepFreeze(config);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() !== '' ? v : undefined;
}

type Path = readonly (string | number)[];

/** `objectives[2].target` */
export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function lineOf(doc: Document, lc: LineCounter, path: Path): { line?: number; column?: number } {
  // The deepest node that exists on the path: a missing field is reported at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range && (n === 0 || isMap(node) || isSeq(node) || node)) {
      const pos = lc.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function located(path: Path, message: string, doc: Document, lc: LineCounter, file: string): ConfigIssue {
  return { file, ...lineOf(doc, lc, path), path: formatPath(path), message };
}

function zodIssue(i: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string): ConfigIssue {
  const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
  let message = i.message;
  if (i.code === 'invalid_type') {
    const got = doc.getIn(path) === undefined ? 'nothing' : typeof doc.getIn(path);
    message = `expected ${i.expected}${got === 'nothing' ? ' (missing)' : `, got ${got}`}`;
  } else if (i.code === 'invalid_union' && (i as { discriminator?: string }).discriminator !== undefined) {
    message = 'unknown source kind (expected hr-roster, idp, lms, phishing, incidents, access-log, access-log-elasticsearch or mail-journal)';
  } else if (i.code === 'unrecognized_keys') {
    message = `unknown field(s): ${i.keys.join(', ')}`;
  }
  return located(path, message, doc, lc, file);
}

/** Cross-field checks the schema cannot express alone. */
function semanticIssues(c: ParsedConfig): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const seen = new Map<string, number>();
  c.sources.forEach((s, i) => {
    if (seen.has(s.id)) out.push({ path: ['sources', i, 'id'], message: `duplicate source id "${s.id}" (also sources[${seen.get(s.id)}])` });
    seen.set(s.id, i);
  });
  const objIds = new Map<string, number>();
  c.objectives.forEach((o, i) => {
    if (objIds.has(o.id)) out.push({ path: ['objectives', i, 'id'], message: `duplicate objective id "${o.id}" (also objectives[${objIds.get(o.id)}])` });
    objIds.set(o.id, i);
    (o.scope.sources ?? []).forEach((s, j) => {
      if (!seen.has(s)) out.push({ path: ['objectives', i, 'scope', 'sources', j], message: `no source with id "${s}"` });
    });
    if (o.warning !== undefined) {
      const wrongSide = o.direction === 'at_least' ? o.warning > o.target : o.warning < o.target;
      if (wrongSide) out.push({ path: ['objectives', i, 'warning'], message: `a warning must lie on the missing side of the target (${o.direction === 'at_least' ? '≤' : '≥'} ${o.target})` });
    }
  });
  c.identity.serviceAccounts.loginPatterns.forEach((p, i) => {
    try {
      new RegExp(p);
    } catch (e) {
      out.push({ path: ['identity', 'serviceAccounts', 'loginPatterns', i], message: `invalid regular expression: ${(e as Error).message}` });
    }
  });
  return out;
}

/** Every `…Env` field names a variable; read them now, once. Missing ones are config errors. */
function collectSecrets(c: ParsedConfig, env: NodeJS.ProcessEnv, issue: (path: Path, message: string) => void): Record<string, string> {
  const secrets: Record<string, string> = {};
  const need = (name: string | undefined, path: Path, required: boolean) => {
    if (!name) return;
    const v = nonEmpty(env[name]);
    if (v !== undefined) secrets[name] = v;
    else if (required) issue(path, `environment variable ${name} is not set`);
  };
  c.sources.forEach((s, i) => {
    if (!s.enabled) return;
    for (const [k, v] of Object.entries(s)) {
      if (k.endsWith('Env') && typeof v === 'string') need(v, ['sources', i, k], k === 'urlEnv');
    }
  });
  c.alerting.webhooks.forEach((w, i) => need(w.urlEnv, ['alerting', 'webhooks', i, 'urlEnv'], false));
  return secrets;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
