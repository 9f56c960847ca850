/**
 * The Elasticsearch access-log collector (kind `access-log-elasticsearch`): authentication
 * events of an index pattern, read as aggregates over (checkpoint, observedAt], paged with
 * `after_key`. The checkpoint (`until`) is committed with the facts, so a run that fails commits
 * nothing and the next run asks again for the same interval.
 *
 * Credentials come only from the variables the source names (`urlEnv`, `apiKeyEnv`,
 * `usernameEnv`/`passwordEnv`, `caFileEnv`), read once by the config loader. 429 and 5xx
 * responses and lost connections are retried with exponential backoff, then reported as a
 * TransientError (the queue retries the job); other errors are not worth retrying.
 */
import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';

/** The client's constructor options (the ESM entry does not re-export the type). */
export type ClientOptions = ConstructorParameters<typeof Client>[0];
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Config } from '../../config/types.ts';
import { ConfigError, EvidenceInputError, TransientError } from '../../errors.ts';
import type { AccessDayRecord } from '../../evidence/records.ts';
import { accessDayKey, mergeAccessDay, mergeAccessDays } from '../access-log/aggregate.ts';
import type { CollectContext, Collector, ShardSpec } from '../types.ts';
import { bucketRecord, compositeSearch, pageOf, type CompositeKey } from './query.ts';

type Source = SourceOf<'access-log-elasticsearch'>;

export const CHECKPOINT_UNTIL = 'until';

export interface ElasticsearchDeps {
  /** Builds the client (tests pass the mock's Connection in). */
  client?: (options: ClientOptions) => Client;
  /** Waits between retries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request, the first included. @defaultValue 5 */
  attempts?: number;
  /** First backoff; doubles each retry. @defaultValue 500 */
  backoffMs?: number;
}

/** Client options from the source's `…Env` variables (as read by the config loader). */
export function clientOptions(source: Source, config: Config): ClientOptions {
  const secrets = config.env.secrets;
  const url = secrets[source.urlEnv] ?? (source.urlEnv === 'ELASTICSEARCH_URL' ? config.env.elasticsearchUrl : undefined);
  if (!url) {
    throw new ConfigError([{ file: config.file, path: `sources.${source.id}.urlEnv`, message: `environment variable ${source.urlEnv} is not set` }]);
  }
  const opts: ClientOptions = { node: url, maxRetries: 0, requestTimeout: 60_000 };
  const apiKey = source.apiKeyEnv ? secrets[source.apiKeyEnv] : undefined;
  const username = source.usernameEnv ? secrets[source.usernameEnv] : undefined;
  const password = source.passwordEnv ? secrets[source.passwordEnv] : undefined;
  if (apiKey) opts.auth = { apiKey };
  else if (username !== undefined && password !== undefined) opts.auth = { username, password };
  const caFile = source.caFileEnv ? secrets[source.caFileEnv] : undefined;
  if (caFile) {
    try {
      opts.tls = { ca: readFileSync(caFile, 'utf8') };
    } catch (cause) {
      throw new ConfigError([{ file: config.file, path: `sources.${source.id}.caFileEnv`, message: `cannot read CA file ${caFile}: ${(cause as Error).message}` }], { cause });
    }
  }
  return opts;
}

function retryable(err: unknown): boolean {
  if (err instanceof errors.ResponseError) {
    const s = err.statusCode ?? 0;
    return s === 429 || s >= 500;
  }
  return err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError;
}

async function withRetry<T>(what: string, deps: Required<Pick<ElasticsearchDeps, 'sleep' | 'attempts' | 'backoffMs'>>, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!retryable(err)) {
        const status = err instanceof errors.ResponseError ? ` (HTTP ${err.statusCode})` : '';
        throw new EvidenceInputError(what, `${(err as Error).message}${status}`, { cause: err });
      }
      if (attempt >= deps.attempts) throw new TransientError(`${what}: ${(err as Error).message} after ${attempt} attempts`, { cause: err });
      signal?.throwIfAborted();
      await deps.sleep(deps.backoffMs * 2 ** (attempt - 1));
    }
  }
}

/** Read the aggregates of (from, to] page by page. */
export async function readAggregates(client: Client, source: Source, range: { from: string; to: string }, zone: string, deps: Required<Pick<ElasticsearchDeps, 'sleep' | 'attempts' | 'backoffMs'>>, ctx?: Pick<CollectContext, 'progress' | 'signal'>): Promise<AccessDayRecord[]> {
  const records: AccessDayRecord[] = [];
  let after: CompositeKey | undefined;
  let pages = 0;
  for (;;) {
    const body = compositeSearch({ ...range, zone, pageSize: source.pageSize, ...(after ? { after } : {}) });
    const res = await withRetry(`elasticsearch ${source.index}`, deps, () => client.search({ index: source.index, ...body }), ctx?.signal);
    const page = pageOf(res);
    for (const b of page.buckets) {
      const r = bucketRecord(b, zone);
      if (r) records.push(r);
    }
    ctx?.progress(++pages);
    if (page.buckets.length === 0 || !page.after_key) break;
    after = page.after_key;
  }
  // Buckets per index of one user and day fold into one record (where = the latest index).
  return mergeAccessDays([records]);
}

/** The interval a run reads: (checkpoint or lookback, observedAt]; undefined when already read. */
async function interval(source: Source, ctx: CollectContext): Promise<{ from: string; to: string } | undefined> {
  const to = ctx.observedAt.toISOString();
  const since = await ctx.store.getCheckpoint(source.id, CHECKPOINT_UNTIL);
  const from = since ?? new Date(ctx.observedAt.getTime() - source.lookbackDays * 86_400_000).toISOString();
  return Date.parse(from) < Date.parse(to) ? { from, to } : undefined;
}

/** One time slice (from, to] of a sharded run; `until` is the whole run's end, the checkpoint. */
export interface ElasticsearchShard extends ShardSpec {
  from: string;
  to: string;
  until: string;
}

interface ElasticsearchPartial {
  v: 1;
  records: AccessDayRecord[];
  until: string;
}

/**
 * (from, to] cut into `n` adjacent slices (from, t1], (t1, t2], …, (tn-1, to] of about equal
 * length: every instant of the interval falls in exactly one.
 */
export function timeSlices(from: string, to: string, n: number): { from: string; to: string }[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const count = Math.max(1, Math.min(n, end - start));
  const cuts = [from, ...Array.from({ length: count - 1 }, (_, i) => new Date(start + Math.round(((end - start) * (i + 1)) / count)).toISOString()), to];
  return cuts.slice(1).map((t, i) => ({ from: cuts[i]!, to: t }));
}

export function createElasticsearchCollector(deps: ElasticsearchDeps = {}): Collector<'access-log-elasticsearch', 'access-day'> {
  const retry = {
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    attempts: deps.attempts ?? 5,
    backoffMs: deps.backoffMs ?? 500,
  };
  const makeClient = deps.client ?? ((o: ClientOptions) => new Client(o));
  return {
    sourceKind: 'access-log-elasticsearch',
    recordKind: 'access-day',
    async collect(source, ctx) {
      const range = await interval(source, ctx);
      if (!range) return { type: 'facts', facts: [], merge: mergeAccessDay };
      return output(await read(source, range, ctx), range.to);
    },
    // A long interval (the first run's lookback, or a backlog) is read as time slices by the
    // queue's workers; a user's day cut by a slice boundary merges back (counts add, last-seen
    // takes the latest).
    async shards(source, ctx) {
      const range = await interval(source, ctx);
      if (!range) return [{ id: 'nothing-new', from: '', to: '', until: '' } satisfies ElasticsearchShard];
      return timeSlices(range.from, range.to, source.shards).map((s): ElasticsearchShard => ({ id: `${s.from}/${s.to}`, ...s, until: range.to }));
    },
    async collectShard(source, shard, ctx): Promise<ElasticsearchPartial> {
      const s = shard as ElasticsearchShard;
      return { v: 1, records: s.until ? await read(source, s, ctx) : [], until: s.until };
    },
    async mergeShards(_source, partials) {
      const ps = partials as ElasticsearchPartial[];
      return output(mergeAccessDays(ps.map((p) => p.records)), ps[0]?.until ?? '');
    },
  };

  async function read(source: Source, range: { from: string; to: string }, ctx: CollectContext): Promise<AccessDayRecord[]> {
    const client = makeClient(clientOptions(source, ctx.config));
    try {
      return await readAggregates(client, source, range, ctx.config.organisation.timeZone, retry, ctx);
    } finally {
      await client.close();
    }
  }
}

function output(records: AccessDayRecord[], until: string) {
  return {
    type: 'facts' as const,
    facts: records.map((r) => ({ key: accessDayKey(r), data: r })),
    merge: mergeAccessDay,
    ...(until ? { checkpoints: { [CHECKPOINT_UNTIL]: until } } : {}),
  };
}

export const elasticsearchAccessLogCollector = createElasticsearchCollector();
