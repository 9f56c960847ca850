/**
 * Property tests of the access-log line parsers (issue 12, last paragraph): web logs (combined,
 * common, vhost_combined), syslog / sshd and ECS JSON lines. A line's meaning is its own, so for
 * any mix of valid, hostile and mutated lines the aggregate of the whole stream equals the merge
 * of each line's aggregate alone: no line changes what another valid line counts (the web
 * scanner's reused time, day and user caches included), nothing throws, nothing hangs. Also
 * through the collector on files, where lines are read in chunks.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessDayAggregator, mergeAccessDays } from '../../../src/collectors/access-log/aggregate.ts';
import { accessLogCollector } from '../../../src/collectors/access-log/collector.ts';
import { lineHandler, type AccessLogFormat } from '../../../src/collectors/access-log/lines.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { AccessDayRecord } from '../../../src/evidence/records.ts';
import { logSource, testConfig, testContext } from '../access-log/context.ts';
import { edits, hostileBytes, hostileString, mutate, FC, RUNS, withinHangGuard } from './arbitraries.ts';

const ZONE = 'Asia/Tokyo';
const REFERENCE = Date.parse('2026-11-30T00:00:00Z');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The aggregate of lines fed one after another from one buffer, as the reader feeds them. */
function aggregate(format: AccessLogFormat, lines: readonly Buffer[]): AccessDayRecord[] {
  const agg = new AccessDayAggregator(ZONE);
  const fn = lineHandler(agg, { format, where: 'f.log', zone: ZONE, referenceMs: REFERENCE, reject() {} }, { lines: 0, rejected: 0, events: 0 });
  const buf = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
  let pos = 0;
  for (const l of lines) {
    fn(buf, pos, pos + l.length);
    pos += l.length + 1;
  }
  return agg.records();
}

const users = fc.constantFrom('alice', 'bob', 'ken.ito', 'svc-backup', 'ALICE', 'a@example.co.jp', '山田', 'from');
const when = fc.record({ d: fc.integer({ min: 1, max: 28 }), mo: fc.integer({ min: 0, max: 11 }), h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }) });

const webLine = (format: 'combined' | 'common' | 'vhost_combined') =>
  fc.record({ user: fc.oneof(users, fc.constant('-')), t: when, tz: fc.constantFrom('+0000', '+0900', '-0500'), status: fc.constantFrom(200, 204, 302, 401, 403, 404, 500), ip: fc.constantFrom('192.0.2.1', '2001:db8::1', '10.0.0.2, 10.0.0.1') }).map(({ user, t, tz, status, ip }) => {
    const head = `${format === 'vhost_combined' ? 'www.example.co.jp:443 ' : ''}${ip} - ${user} [${pad(t.d)}/${MONTHS[t.mo]}/2026:${pad(t.h)}:${pad(t.mi)}:${pad(t.s)} ${tz}] "GET /x HTTP/1.1" ${status} 512`;
    return Buffer.from(format === 'common' ? head : `${head} "-" "Mozilla/5.0"`, 'utf8');
  });

const sshdLine = fc
  .record({ user: users, t: when, iso: fc.boolean(), kind: fc.constantFrom('accepted', 'failed', 'invalid', 'repeated', 'pam', 'invalid-user') , n: fc.integer({ min: 2, max: 9 }) })
  .map(({ user, t, iso, kind, n }) => {
    const stamp = iso ? `2026-${pad(t.mo + 1)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}+09:00` : `${MONTHS[t.mo]} ${String(t.d).padStart(2, ' ')} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`;
    const msg = {
      accepted: `Accepted publickey for ${user} from 192.0.2.1 port 22 ssh2: ED25519 SHA256:x`,
      failed: `Failed password for ${user} from 192.0.2.1 port 22 ssh2`,
      invalid: `Failed password for invalid user ${user} from 192.0.2.1 port 22 ssh2`,
      repeated: `message repeated ${n} times: [ Failed password for ${user} from 192.0.2.1 port 22 ssh2]`,
      pam: `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.1  user=${user}`,
      'invalid-user': `Invalid user ${user} from 192.0.2.1 port 22`,
    }[kind];
    return Buffer.from(`${stamp} host sshd[123]: ${msg}`, 'utf8');
  });

const ecsLine = fc
  .record({ user: users, t: when, outcome: fc.constantFrom('success', 'failure'), shape: fc.constantFrom('nested', 'dotted', 'winlog') })
  .map(({ user, t, outcome, shape }) => {
    const ts = `2026-${pad(t.mo + 1)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.000Z`;
    const doc =
      shape === 'nested'
        ? { '@timestamp': ts, event: { category: ['authentication'], outcome }, user: { name: user } }
        : shape === 'dotted'
          ? { '@timestamp': ts, 'event.category': 'authentication', 'event.outcome': outcome, 'user.name': user }
          : { '@timestamp': ts, event: { code: outcome === 'success' ? '4624' : '4625' }, winlog: { event_data: { TargetUserName: user } } };
    return Buffer.from(JSON.stringify(doc), 'utf8');
  });

const hostileJson = fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8'));

/** Valid lines, mutated valid lines and hostile lines, mixed (no line holds a LF: a line is a line). */
const mixedLines = (valid: fc.Arbitrary<Buffer>, extra: fc.Arbitrary<Buffer>[] = []) =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: valid },
      { weight: 3, arbitrary: fc.tuple(valid, edits(3)).map(([l, es]) => mutate(l, es, true)) },
      { weight: 1, arbitrary: hostileString(60).map((s) => Buffer.from(s.replaceAll('\n', ' '), 'utf8')) },
      { weight: 1, arbitrary: hostileBytes(80).map((b) => Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x)))) },
      ...extra.map((arbitrary) => ({ weight: 1, arbitrary })),
    ),
    { maxLength: 25 },
  );

const FORMATS: [AccessLogFormat, fc.Arbitrary<Buffer>, fc.Arbitrary<Buffer>[]][] = [
  ['combined', webLine('combined'), []],
  ['common', webLine('common'), []],
  ['vhost_combined', webLine('vhost_combined'), []],
  ['sshd', sshdLine, []],
  ['ecs-json', ecsLine, [hostileJson]],
];

describe.each(FORMATS)('%s lines', (format, valid, extra) => {
  it('the whole stream aggregates to the merge of each line alone', async () => {
    await fc.assert(
      fc.asyncProperty(mixedLines(valid, extra), async (lines) => {
        const whole = await withinHangGuard(() => aggregate(format, lines));
        const each = mergeAccessDays(lines.map((l) => aggregate(format, [l])));
        expect(whole).toEqual(each);
      }),
      FC,
    );
  });

  it('the valid lines alone count exactly what they count among hostile ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(valid, { maxLength: 10 }), fc.array(fc.tuple(fc.nat(), fc.oneof(hostileBytes(80), ...extra)), { maxLength: 8 }), async (good, bad) => {
        const lines = [...good];
        for (const [at, b] of bad) lines.splice(at % (lines.length + 1), 0, Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x))));
        const hostileAlone = mergeAccessDays(bad.map(([, b]) => aggregate(format, [Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x)))])));
        expect(aggregate(format, lines)).toEqual(mergeAccessDays([aggregate(format, good), hostileAlone]));
      }),
      FC,
    );
  });
});

describe('through the collector, on files read in chunks', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'log-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  it.each(FORMATS.map(([f, v, e]) => [f, v, e] as const))('%s: the collector gives the merge of each line alone, and never throws', async (format, valid, extra) => {
    await fc.assert(
      fc.asyncProperty(mixedLines(valid, [...extra]), fc.boolean(), async (lines, crlf) => {
        const file = `f${n++}.log`;
        writeFileSync(path.join(dir, file), Buffer.concat(lines.flatMap((l) => [l, Buffer.from(crlf ? '\r\n' : '\n')])));
        // RFC 3164 times have no year: the file's modification time is their reference, as above.
        utimesSync(path.join(dir, file), new Date(REFERENCE), new Date(REFERENCE));
        const c = testContext(testConfig(dir, ZONE), createMemoryStore(), new Date(REFERENCE));
        let out: FactsOutput<'access-day'> | undefined;
        try {
          out = (await withinHangGuard(() => accessLogCollector.collect(logSource([file], format), c))) as FactsOutput<'access-day'>;
        } catch (e) {
          // Allowed: a file of 20+ lines that are mostly not this format is refused as a whole.
          expect((e as Error).message).toMatch(/lines are not .* log lines; is the source's format right\?$/);
          return;
        }
        const got = [...(out.facts as Iterable<{ data: AccessDayRecord }>)].map((f) => ({ ...f.data, where: 'f.log' }));
        const each = mergeAccessDays(lines.map((l) => aggregate(format, [crlf ? Buffer.concat([l, Buffer.from('\r')]) : l])));
        expect(got).toEqual(each);
      }),
      { ...FC, numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
