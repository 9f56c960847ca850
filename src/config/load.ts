/**
 * Reads the config file once, reports every problem with file, line and field, and returns a
 * deeply frozen Config. This is the only place that reads process.env.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import { SOURCE_KIND_IDS } from '../collectors/registry.ts';
import { didYouMean } from '../did-you-mean.ts';
import { KPI_IDS, KPI_REGISTRY } from '../kpi/registry.ts';
import { configSchema, PERFORMANCE_KINDS } from './schema.ts';
import type { Config, ParsedConfig, RuntimeEnv } from './types.ts';
import { checkDataDir } from './data-dir.ts';

/** Environment variables with a fixed meaning. */
export const ENV = {
  redisUrl: 'REDIS_URL',
  databaseUrl: 'DATABASE_URL',
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
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const yamlIssues: ConfigIssue[] = doc.errors.map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return { file, line: pos?.line, column: pos?.col, path: '', message: `YAML: ${e.message.split('\n')[0] ?? e.message}` };
  });
  if (yamlIssues.length > 0) throw new ConfigError(yamlIssues);

  let raw: unknown;
  try {
    // A billion-laughs file (aliases of aliases) is refused rather than expanded.
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (cause) {
    throw new ConfigError([{ file, path: '', message: `cannot read the YAML: ${(cause as Error).message}` }], { cause });
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError([{ file, ...lineOf(doc, lc, []), path: '', message: `expected a mapping (organisation:, sources:, objectives: …), got ${Array.isArray(raw) ? 'a list' : typeof raw}` }]);
  }
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap((i) => zodIssues(i, raw, doc, lc, file)));

  const issues = semanticIssues(parsed.data).map(({ path, message }) => located(path, message, doc, lc, file));
  const secrets = collectSecrets(parsed.data, env, (path, message) => issues.push(located(path, message, doc, lc, file)));
  const database = databaseUrlOf(parsed.data, env, (path, message) => issues.push(located(path, message, doc, lc, file)));
  if (issues.length > 0) throw new ConfigError(issues);

  const baseDir = dirname(file);
  const runtime: RuntimeEnv = {
    redisUrl: nonEmpty(env[ENV.redisUrl]),
    elasticsearchUrl: nonEmpty(env[ENV.elasticsearchUrl]),
    metricsToken: nonEmpty(env[ENV.metricsToken]),
    pseudonymKey: nonEmpty(env[ENV.pseudonymKey]),
    databaseUrl: database.url,
    databaseUrlEnv: database.env,
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

function located(path: Path, message: string, doc: Document, lc: LineCounter, file: string, atKey = false): ConfigIssue {
  return { file, ...(atKey ? keyLineOf(doc, lc, path) : lineOf(doc, lc, path)), path: formatPath(path), message };
}

/** Where a key of a mapping is written (for an unknown key: the key, not its value). */
function keyLineOf(doc: Document, lc: LineCounter, path: Path): { line?: number; column?: number } {
  const parent = path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (isMap(parent)) {
    const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === path[path.length - 1]);
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const pos = lc.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return lineOf(doc, lc, path);
}

function zodIssues(i: z.core.$ZodIssue, raw: unknown, doc: Document, lc: LineCounter, file: string): ConfigIssue[] {
  const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (i.code === 'unrecognized_keys') {
    // One issue per unknown key, at the key itself, with the closest known key of that object.
    const known = knownKeysAt(configSchema, path, raw);
    return i.keys.map((k) => located([...path, k], `unknown field "${k}"${didYouMean(k, known)}${known.length > 0 && known.length <= 12 ? ` (known: ${known.join(', ')})` : ''}`, doc, lc, file, true));
  }
  let message = i.message;
  if (i.code === 'invalid_type') {
    const v = doc.getIn(path);
    const got = v === undefined ? 'nothing' : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v;
    const expected = i.expected === 'object' ? 'a mapping' : i.expected === 'array' ? 'a list' : i.expected === 'int' ? 'a whole number' : i.expected;
    message = `expected ${expected}${got === 'nothing' ? ' (missing)' : `, got ${got}`}`;
  } else if (i.code === 'invalid_union' && (i as { discriminator?: string }).discriminator !== undefined) {
    const disc = (i as { discriminator: string }).discriminator;
    const discPath = path[path.length - 1] === disc ? path : [...path, disc];
    const value = valueAt(raw, discPath);
    // A kind's own unions (an idp's `format`) list their options in the issue.
    const listed = (i as { options?: unknown[] }).options?.map(String);
    const options = disc === 'kind' ? SOURCE_KIND_IDS : disc === 'kpi' ? KPI_IDS : (listed ?? []);
    const what = disc === 'kind' ? 'source kind' : disc === 'kpi' ? 'KPI' : disc;
    const detail = typeof value === 'string' ? `unknown ${what} "${value}"${didYouMean(value, options)}` : `${disc} is missing`;
    return [located(discPath, `${detail} (expected one of: ${options.join(', ')})`, doc, lc, file)];
  } else if (i.code === 'too_big' || i.code === 'too_small') {
    const v = doc.getIn(path);
    const b = i as unknown as { origin: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean };
    const bound = i.code === 'too_small' ? `${b.inclusive === false ? '>' : '≥'} ${b.minimum}` : `${b.inclusive === false ? '<' : '≤'} ${b.maximum}`;
    if (typeof v === 'number' && !Number.isFinite(v)) message = 'expected a finite number';
    else if (b.origin === 'number') message = `expected a number ${bound}, got ${typeof v === 'number' ? v : typeof v}`;
    else if (b.origin === 'array') message = `expected a list of ${i.code === 'too_small' ? 'at least' : 'at most'} ${i.code === 'too_small' ? b.minimum : b.maximum} item(s)`;
    else if (b.origin === 'string') message = `expected a text of ${i.code === 'too_small' ? 'at least' : 'at most'} ${i.code === 'too_small' ? b.minimum : b.maximum} character(s)`;
  }
  return [located(path, message, doc, lc, file)];
}

function valueAt(raw: unknown, path: Path): unknown {
  let v = raw;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

/** The keys the schema allows for the object at `path` of the document (for "did you mean"). */
export function knownKeysAt(schema: z.ZodType, path: Path, raw: unknown): string[] {
  let s: z.core.$ZodType | undefined = schema;
  let at: Path = [];
  const unwrap = (t: z.core.$ZodType): z.core.$ZodType => {
    for (;;) {
      const def = t._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; options?: z.core.$ZodType[]; discriminator?: string };
      if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type)) t = def.innerType;
      else if (def.type === 'pipe' && def.in) t = def.in;
      else if (def.type === 'union' && def.options) {
        const v = valueAt(raw, at);
        const disc = def.discriminator;
        const pick = disc !== undefined
          ? def.options.find((o) => {
              const shape = (unwrap(o)._zod.def as unknown as { shape?: Record<string, z.core.$ZodType> }).shape;
              const lit = shape?.[disc]?._zod.def as unknown as { values?: unknown[] } | undefined;
              return lit?.values?.includes(valueAt(v, [disc]));
            })
          : undefined;
        if (!pick) return t;
        t = pick;
      } else return t;
    }
  };
  for (const p of path) {
    if (!s) return [];
    const t = unwrap(s);
    const def = t._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    s = typeof p === 'number' ? (def.type === 'array' ? def.element : undefined) : def.shape?.[p];
    at = [...at, p];
  }
  if (!s) return [];
  const shape = (unwrap(s)._zod.def as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
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
    for (const ref of KPI_REGISTRY.get(o.kpi)?.sourceRefs?.(o.params as never) ?? []) {
      const path = ['objectives', i, 'params', ...ref.path];
      const at = seen.get(ref.source);
      if (at === undefined) out.push({ path, message: `no source with id "${ref.source}"${didYouMean(ref.source, seen.keys())}` });
      else if (ref.needs === 'performances' && !c.sourcePerformances[ref.source]) {
        out.push({ path, message: `source "${ref.source}" (${c.sources[at]!.kind}) has no dated records to count as performances (kinds that have: ${PERFORMANCE_KINDS.join(', ')})` });
      }
    }
    if (o.warning !== undefined) {
      const wrongSide = o.direction === 'at_least' ? o.warning > o.target : o.warning < o.target;
      if (wrongSide) out.push({ path: ['objectives', i, 'warning'], message: `a warning must lie on the missing side of the target (${o.direction === 'at_least' ? '≤' : '≥'} ${o.target})` });
    }
  });
  const reportIds = new Map<string, number>();
  c.reports.forEach((r, i) => {
    if (reportIds.has(r.id)) out.push({ path: ['reports', i, 'id'], message: `duplicate report id "${r.id}" (also reports[${reportIds.get(r.id)}])` });
    reportIds.set(r.id, i);
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
      // An API source cannot run without the variables it names (tokens, client ids, key files).
      const api = typeof (s as { format?: unknown }).format === 'string' && (s as { format: string }).format.endsWith('-api');
      if (k.endsWith('Env') && typeof v === 'string') need(v, ['sources', i, k], k === 'urlEnv' || api);
    }
  });
  c.alerting.webhooks.forEach((w, i) => need(w.urlEnv, ['alerting', 'webhooks', i, 'urlEnv'], false));
  return secrets;
}

/**
 * The PostgreSQL store's URL. Named in the file (`storage.postgres.urlEnv`), the variable must be
 * set: a misspelt name must not quietly fall back to SQLite. The value is never put in a message.
 */
function databaseUrlOf(c: ParsedConfig, env: NodeJS.ProcessEnv, issue: (path: Path, message: string) => void): { url?: string; env: string } {
  const named = c.storage.postgres?.urlEnv;
  const name = named ?? ENV.databaseUrl;
  const url = nonEmpty(env[name]);
  const path = ['storage', 'postgres', 'urlEnv'];
  if (url === undefined) {
    if (named !== undefined) issue(path, `environment variable ${name} is not set (it names the PostgreSQL evidence store)`);
    return { env: name };
  }
  if (!/^postgres(ql)?:\/\//i.test(url.trim())) {
    issue(named !== undefined ? path : ['storage'], `environment variable ${name} must hold a postgres:// or postgresql:// URL (its value is not shown)`);
    return { env: name };
  }
  try {
    new URL(url.trim());
  } catch {
    issue(named !== undefined ? path : ['storage'], `environment variable ${name} is not a valid URL (its value is not shown)`);
    return { env: name };
  }
  return { url: url.trim(), env: name };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
