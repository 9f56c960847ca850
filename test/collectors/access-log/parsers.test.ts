/** Table-driven tests of the pure parsers, on strings and bytes; expectations worked out by hand. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyEcs, parseEcsLine } from '../../../src/collectors/access-log/ecs.ts';
import { parseSshdLine } from '../../../src/collectors/access-log/sshd.ts';
import { DayBucketer, parseClfTime, parseSyslogTime } from '../../../src/collectors/access-log/time.ts';
import { parseWebLine, webOutcome, type WebLine } from '../../../src/collectors/access-log/web.ts';

const iso = (s: string) => Date.parse(s);

describe('parseWebLine on the real beats sample', () => {
  const lines = readFileSync(join(import.meta.dirname, '../../fixtures/access-log/nginx_access_beats.log'), 'utf8').split('\n').filter(Boolean);
  const expected: Partial<WebLine>[] = [
    { remote: '10.0.0.2, 10.0.0.1, 127.0.0.1', user: null, time: iso('2016-12-07T10:05:07Z'), request: 'GET /ocelot HTTP/1.1', status: 200 },
    { remote: '172.17.0.1', user: null, time: iso('2017-05-29T19:02:48Z'), request: 'GET /stringpatch HTTP/1.1', status: 404 },
    { remote: '10.0.0.2, 10.0.0.1, 85.181.35.98', user: null, time: iso('2016-12-07T10:05:07Z'), status: 200 },
    { remote: '85.181.35.98', user: null, status: 200 },
    { remote: '"10.5.102.222, 199.96.1.1, 204.246.1.1" 10.2.1.185', user: null, time: iso('2016-01-22T13:18:29Z'), request: 'GET /assets/xxxx?q=100 HTTP/1.1', status: 200 },
    { remote: '2a03:0000:10ff:f00f:0000:0000:0:8000, 10.225.192.17 10.2.2.121', user: null, time: iso('2016-12-30T06:47:09Z'), status: 404 },
    { remote: '127.0.0.1', ident: '-', user: null, time: iso('2018-04-12T07:48:40Z'), request: '', status: 400 },
  ];
  it.each(expected.map((e, i) => [i + 1, e] as const))('line %i', (n, e) => {
    expect(parseWebLine(lines[n - 1]!, 'combined', 'UTC')).toMatchObject(e);
  });
});

describe('parseWebLine variants', () => {
  it.each([
    ['vhost_combined', 'vhost_combined', 'www.example.com:443 192.0.2.1 - bob [01/Feb/2026:10:00:00 +0900] "GET / HTTP/2.0" 200 5 "-" "-"',
      { vhost: 'www.example.com:443', remote: '192.0.2.1', user: 'bob', time: iso('2026-02-01T01:00:00Z'), status: 200 }],
    ['common (no referer, no agent)', 'common', '192.0.2.1 - alice [01/Feb/2026:10:00:00 -0500] "GET /x HTTP/1.0" 401 -',
      { remote: '192.0.2.1', user: 'alice', time: iso('2026-02-01T15:00:00Z'), status: 401 }],
    ['IPv6 remote', 'combined', '2001:db8::1 - carol [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      { remote: '2001:db8::1', user: 'carol', status: 200 }],
    ['ident given', 'combined', '192.0.2.1 identd carol [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 204 0 "-" "-"',
      { ident: 'identd', user: 'carol', status: 204 }],
    ['no zone: the given zone', 'combined', '192.0.2.1 - d [31/Jan/2015:14:29:44 ] "GET / HTTP/1.1" 200 1',
      { user: 'd', time: iso('2015-01-31T14:29:44-05:00') }],
    ['CRLF', 'combined', '192.0.2.1 - e [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\r',
      { user: 'e', status: 200 }],
    ['29 Feb of a leap year', 'combined', '192.0.2.1 - f [29/Feb/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1',
      { time: iso('2024-02-29T00:00:00Z') }],
  ] as const)('%s', (_name, format, line, e) => {
    expect(parseWebLine(line, format, 'America/New_York')).toMatchObject(e);
  });

  it.each([
    ['no time', 'garbage', 'no [time] field'],
    ['too few fields before the time', 'bob [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1', 'expected "address ident user [time]"'],
    ['unterminated request', '1.2.3.4 - bob [01/Feb/2026:10:00:00 +0000] "GET / HTT', 'no quoted request after the time'],
    ['no status', '1.2.3.4 - bob [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" abc 1', 'no 3-digit status after the request'],
    ['4-digit status', '1.2.3.4 - bob [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 2000 1', 'no 3-digit status after the request'],
    ['31 February', '1.2.3.4 - bob [31/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1', 'unparseable time'],
    ['bad month', '1.2.3.4 - bob [01/Foo/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1', 'unparseable time'],
    ['bad offset', '1.2.3.4 - bob [01/Feb/2026:10:00:00 +09] "GET / HTTP/1.1" 200 1', 'unparseable time'],
  ])('rejects: %s', (_name, line, reason) => {
    expect(parseWebLine(line, 'combined', 'UTC')).toBe(reason);
  });

  it('counts success below 400 and failure only at 401', () => {
    expect([200, 302, 399, 400, 401, 403, 404, 500].map(webOutcome)).toEqual(['success', 'success', 'success', undefined, 'failure', undefined, undefined, undefined]);
  });
});

describe('times', () => {
  it('parses CLF times with offsets from bytes', () => {
    const b = Buffer.from('07/Dec/2016:11:05:07 -0330');
    expect(parseClfTime(b, 0, b.length, 'UTC')).toBe(iso('2016-12-07T14:35:07Z'));
  });
  it('gives a syslog time the reference year, or the year before when it would be in the future', () => {
    const jan = iso('2026-01-10T00:00:00Z');
    expect(parseSyslogTime('Dec', 31, '23:59:58', jan, 'UTC')).toBe(iso('2025-12-31T23:59:58Z'));
    expect(parseSyslogTime('Jan', 9, '12:00:00', jan, 'UTC')).toBe(iso('2026-01-09T12:00:00Z'));
    // less than a day ahead of the reference is clock skew, not last year
    expect(parseSyslogTime('Jan', 10, '12:00:00', jan, 'UTC')).toBe(iso('2026-01-10T12:00:00Z'));
    expect(parseSyslogTime('Feb', 29, '00:00:00', iso('2024-03-01T00:00:00Z'), 'UTC')).toBe(iso('2024-02-29T00:00:00Z'));
  });
  it('buckets instants into days of the zone, also across a DST change', () => {
    const b = new DayBucketer('Europe/Berlin');
    expect(b.dayOf(iso('2026-03-28T22:59:59Z'))).toBe('2026-03-28');
    expect(b.dayOf(iso('2026-03-28T23:00:00Z'))).toBe('2026-03-29');
    // 29 March 2026 has 23 hours in Berlin: it ends at 22:00Z
    expect(b.dayOf(iso('2026-03-29T21:59:59Z'))).toBe('2026-03-29');
    expect(b.dayOf(iso('2026-03-29T22:00:00Z'))).toBe('2026-03-30');
  });
  it('gives the same days when instants jump back and forth between days', () => {
    const b = new DayBucketer('Europe/Berlin');
    const seq: [string, string][] = [
      ['2026-03-29T21:59:59Z', '2026-03-29'], ['2026-03-28T22:59:59Z', '2026-03-28'], ['2026-03-29T22:00:00Z', '2026-03-30'],
      ['2026-03-28T23:00:00Z', '2026-03-29'], ['2026-03-29T21:59:59Z', '2026-03-29'], ['2026-03-28T22:59:59Z', '2026-03-28'],
      ['2026-03-29T21:45:00Z', '2026-03-29'], ['2026-03-29T22:14:59Z', '2026-03-30'],
    ];
    expect(seq.map(([t]) => b.dayOf(iso(t)))).toEqual(seq.map(([, d]) => d));
  });
});

describe('parseSshdLine', () => {
  const ref = iso('2026-06-15T00:00:00Z');
  it.each([
    ['Accepted with key fingerprint', 'Jun  2 10:00:01 h sshd[1]: Accepted publickey for alice from 192.0.2.1 port 5 ssh2: ED25519 SHA256:x',
      { outcome: 'success', user: 'alice', address: '192.0.2.1', count: 1, time: iso('2026-06-02T10:00:01Z') }],
    ['Failed for invalid user', 'Jun  2 10:00:01 h sshd[1]: Failed password for invalid user bob from 192.0.2.1 port 5 ssh2',
      { outcome: 'failure', user: 'bob', count: 1 }],
    ['user named "from" with "from" twice', 'Jun  2 10:00:01 h sshd[1]: Failed password for from from 192.0.2.1 port 5 ssh2',
      { outcome: 'failure', user: 'from', address: '192.0.2.1' }],
    ['repeated', 'Jun  2 10:00:01 h sshd[1]: message repeated 5 times: [ Failed password for root from 192.0.2.1 port 5 ssh2]',
      { outcome: 'failure', user: 'root', count: 5 }],
    ['Invalid user is not counted', 'Jun  2 10:00:01 h sshd[1]: Invalid user admin from 192.0.2.1',
      { outcome: 'none', user: 'admin' }],
    ['pam_unix', 'Jun  2 10:00:01 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.1  user=root',
      { outcome: 'failure', user: 'root', address: '192.0.2.1', count: 1 }],
    ['old sshd(pam_unix)', 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      { outcome: 'failure', count: 1 }],
    ['RFC 5424 / ISO', '2015-04-16T18:02:50.321974+00:00 h sshd[2716]: Accepted password for carol from 192.0.2.9 port 2 ssh2',
      { outcome: 'success', user: 'carol', time: iso('2015-04-16T18:02:50.321Z') }],
    ['with a PRI', '<38>Jun  2 10:00:01 h sshd[1]: Accepted password for dave from 192.0.2.1 port 5 ssh2',
      { outcome: 'success', user: 'dave' }],
  ] as const)('%s', (_n, line, e) => {
    expect(parseSshdLine(line, ref, 'UTC')).toMatchObject(e);
  });

  it('ignores other programs and other sshd messages, rejects non-syslog lines', () => {
    expect(parseSshdLine('Jun  2 10:00:01 h CRON[1]: pam_unix(cron:session): session opened for user root', ref, 'UTC')).toBeUndefined();
    expect(parseSshdLine('Jun  2 10:00:01 h sshd[1]: Connection closed by 192.0.2.1 port 5', ref, 'UTC')).toBeUndefined();
    expect(parseSshdLine('hello world', ref, 'UTC')).toBe('not a syslog line (expected "time host program[pid]: message")');
  });
});

describe('ECS', () => {
  it('reads nested, dotted and mixed fields', () => {
    expect(classifyEcs({ '@timestamp': '2026-01-01T00:00:00Z', event: { category: 'authentication', outcome: 'success' }, 'user.name': 'x' }, 'UTC'))
      .toEqual({ outcome: 'success', user: 'x', time: iso('2026-01-01T00:00:00Z') });
  });
  it('uses event.type when event.outcome is missing, and skips unknown outcomes', () => {
    expect(parseEcsLine('{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["authentication"],"type":["authentication_failure"]},"user":{"name":"y"}}', 'UTC'))
      .toMatchObject({ outcome: 'failure', user: 'y' });
    expect(parseEcsLine('{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["authentication"],"outcome":"unknown"},"user":{"name":"y"}}', 'UTC')).toBeUndefined();
  });
  it('rejects an authentication event without a user, and JSON that is not an object', () => {
    expect(parseEcsLine('{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":"authentication","outcome":"success"}}', 'UTC')).toBe('authentication event without user.name');
    expect(parseEcsLine('[1,2]', 'UTC')).toBe('not a JSON object');
  });
});
