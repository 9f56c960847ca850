/**
 * nginx / Apache access logs (common, combined, vhost_combined and their real variants), read by
 * byte scanning rather than a regular expression per line.
 *
 * The fields are found from the time's `[`: the two tokens before it are ident and remote_user,
 * whatever precedes them is the remote address (a proxy list `10.0.0.2, 10.0.0.1, 127.0.0.1`, a
 * quoted list plus a second address, IPv6) or, in vhost_combined, the virtual host and address.
 * So the same scan serves every format; the status is the number after the quoted request;
 * trailing fields (referer, agent, extra quoted fields) are not needed and never looked at.
 */
import { parseClfTime } from './time.ts';

const SP = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const DASH = 0x2d;

/** Why a line is rejected (stable texts: they appear in the run report). */
export const WEB_REJECT = {
  noTime: 'no [time] field',
  fields: 'expected "address ident user [time]"',
  request: 'no quoted request after the time',
  status: 'no 3-digit status after the request',
  time: 'unparseable time',
} as const;

/**
 * The result of scanning one line; reused between lines so the hot loop allocates nothing.
 * Positions are byte offsets into the scanned buffer.
 */
export class WebScan {
  /** Start of the line (after any leading whitespace) and end (before CR). */
  lineStart = 0;
  identStart = 0;
  userStart = 0;
  userEnd = 0;
  timeStart = 0;
  timeEnd = 0;
  requestStart = 0;
  requestEnd = 0;
  status = 0;
  /** Set when the line is rejected. */
  error: string | undefined = undefined;

  /** True when remote_user is `-` (no authenticated user). */
  anonymous(buf: Uint8Array): boolean {
    return this.userEnd - this.userStart === 1 && buf[this.userStart] === DASH;
  }
}

/**
 * Scan one line `buf[start, end)` (without its LF; a trailing CR is ignored). Returns false and
 * sets `out.error` for a malformed line.
 */
export function scanWebLine(buf: Buffer, start: number, end: number, out: WebScan): boolean {
  if (end > start && buf[end - 1] === 0x0d) end--;
  while (start < end && buf[start] === SP) start++;
  out.lineStart = start;
  const b = buf.indexOf(LBRACKET, start);
  if (b < 0 || b >= end) return fail(out, WEB_REJECT.noTime);
  // remote_user: the token before " [".
  if (buf[b - 1] !== SP) return fail(out, WEB_REJECT.fields);
  const userEnd = b - 1;
  let p = userEnd - 1;
  while (p > start && buf[p] !== SP) p--;
  if (p <= start || p === userEnd - 1) return fail(out, WEB_REJECT.fields);
  const userStart = p + 1;
  // ident: the token before remote_user; the remote address must come before it.
  p--;
  const identEnd = p + 1;
  while (p > start && buf[p] !== SP) p--;
  if (p <= start || p + 1 === identEnd) return fail(out, WEB_REJECT.fields);
  out.identStart = p + 1;
  out.userStart = userStart;
  out.userEnd = userEnd;

  // `]`: usually 27 bytes on (`[07/Dec/2016:11:05:07 +0100]`).
  let c = b + 27;
  if (c >= end || buf[c] !== RBRACKET) {
    c = buf.indexOf(RBRACKET, b);
    if (c < 0 || c >= end) return fail(out, WEB_REJECT.noTime);
  }
  out.timeStart = b + 1;
  out.timeEnd = c;
  if (buf[c + 1] !== SP || buf[c + 2] !== QUOTE || c + 2 >= end) return fail(out, WEB_REJECT.request);
  const rs = c + 3;
  let q = rs;
  for (;;) {
    q = buf.indexOf(QUOTE, q);
    if (q < 0 || q >= end) return fail(out, WEB_REJECT.request);
    // Apache escapes a quote in the request as \" (and a backslash as \\).
    let bs = 0;
    while (q - 1 - bs >= rs && buf[q - 1 - bs] === BACKSLASH) bs++;
    if ((bs & 1) === 0) break;
    q++;
  }
  out.requestStart = rs;
  out.requestEnd = q;
  if (buf[q + 1] !== SP || q + 5 > end) return fail(out, WEB_REJECT.status);
  const d0 = (buf[q + 2] ?? 0) - 48;
  const d1 = (buf[q + 3] ?? 0) - 48;
  const d2 = (buf[q + 4] ?? 0) - 48;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (q + 5 < end && buf[q + 5] !== SP)) {
    return fail(out, WEB_REJECT.status);
  }
  out.status = d0 * 100 + d1 * 10 + d2;
  out.error = undefined;
  return true;
}

function fail(out: WebScan, reason: string): false {
  out.error = reason;
  return false;
}

/**
 * What an authenticated request counts as (KPIS.md leaver-activity-count): a success below 400,
 * a failure at 401, nothing otherwise (a 403 or 404 says nothing about the credentials).
 */
export function webOutcome(status: number): 'success' | 'failure' | undefined {
  if (status < 400) return 'success';
  if (status === 401) return 'failure';
  return undefined;
}

/** One access-log line with every field the scan finds, for tests and the evidence report. */
export interface WebLine {
  /** vhost_combined only. */
  vhost?: string;
  /** As logged: an address, a proxy list, or a quoted list and an address. */
  remote: string;
  ident: string;
  /** Null when the log gives `-`. */
  user: string | null;
  /** Epoch ms. */
  time: number;
  request: string;
  status: number;
}

/**
 * Parse one line fully (not on the hot path). `zone` reads a time without an offset.
 * Returns the reason as a string when the line is rejected.
 */
export function parseWebLine(line: string | Buffer, format: 'combined' | 'common' | 'vhost_combined', zone: string): WebLine | string {
  const buf = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  const s = new WebScan();
  if (!scanWebLine(buf, 0, buf.length, s)) return s.error ?? 'malformed';
  const time = parseClfTime(buf, s.timeStart, s.timeEnd, zone);
  if (Number.isNaN(time)) return WEB_REJECT.time;
  let front = buf.toString('utf8', s.lineStart, s.identStart - 1);
  let vhost: string | undefined;
  if (format === 'vhost_combined') {
    const sp = front.indexOf(' ');
    if (sp < 0) return WEB_REJECT.fields;
    vhost = front.slice(0, sp);
    front = front.slice(sp + 1);
  }
  const user = s.anonymous(buf) ? null : buf.toString('utf8', s.userStart, s.userEnd);
  const out: WebLine = {
    remote: front,
    ident: buf.toString('utf8', s.identStart, s.userStart - 1),
    user,
    time,
    request: buf.toString('utf8', s.requestStart, s.requestEnd),
    status: s.status,
  };
  if (vhost !== undefined) out.vhost = vhost;
  return out;
}
