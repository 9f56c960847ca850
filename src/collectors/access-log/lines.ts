/**
 * Turns lines of one file into aggregate updates: the per-format hot loop. Web logs are
 * scanned on bytes; the time is parsed only for lines with an authenticated user, and the
 * previous line's parsed time is reused when its `[...]` bytes are the same (consecutive lines
 * usually share the second). sshd and ECS lines are decoded and parsed as text.
 */
import type { AccessDayAggregator, AccountCells } from './aggregate.ts';
import { parseEcsLine } from './ecs.ts';
import { parseSshdLine } from './sshd.ts';
import { parseClfTime } from './time.ts';
import { WEB_REJECT, WebScan, scanWebLine } from './web.ts';

export type AccessLogFormat = 'combined' | 'common' | 'vhost_combined' | 'sshd' | 'ecs-json';

export interface LineOptions {
  format: AccessLogFormat;
  /** Reported as `where` of the events (the log file). */
  where: string;
  /** Zone for times without an offset (the source's, else the organisation's). */
  zone: string;
  /** Year reference for RFC 3164 times (the file's modification time). */
  referenceMs: number;
  /** A rejected line: its 1-based number within what this handler has seen, and why. */
  reject(line: number, reason: string): void;
}

/** Counts of one handler's lines. */
export interface LineCounts {
  lines: number;
  rejected: number;
  /** Authentication events counted (a `repeated N times` line counts N). */
  events: number;
}

export type LineFn = (buf: Buffer, start: number, end: number) => void;

/**
 * Why a user name read from a line cannot be an account: a NUL byte (a log damaged by a crash
 * holds runs of them) or bytes that were not UTF-8 (read as U+FFFD). Such a line is rejected
 * rather than counted for a made-up account.
 */
export function badUserName(user: string): string | undefined {
  if (user.includes('\0')) return 'NUL byte in the user name';
  if (user.includes('\uFFFD')) return 'user name is not valid UTF-8';
  return undefined;
}

export function lineHandler(agg: AccessDayAggregator, opts: LineOptions, counts: LineCounts): LineFn {
  switch (opts.format) {
    case 'combined':
    case 'common':
    case 'vhost_combined':
      return webHandler(agg, opts, counts);
    case 'sshd':
      return (buf, s, e) => {
        const n = ++counts.lines;
        const r = parseSshdLine(buf.toString('utf8', s, e), opts.referenceMs, opts.zone);
        if (typeof r === 'string') {
          counts.rejected++;
          opts.reject(n, r);
        } else if (r && r.user && r.outcome !== 'none') {
          const bad = badUserName(r.user);
          if (bad) {
            counts.rejected++;
            opts.reject(n, bad);
            return;
          }
          agg.add(r.user, r.time, r.outcome === 'success', r.count, opts.where);
          counts.events += r.count;
        }
      };
    case 'ecs-json':
      return (buf, s, e) => {
        const n = ++counts.lines;
        const r = parseEcsLine(buf.toString('utf8', s, e), opts.zone);
        if (typeof r === 'string') {
          counts.rejected++;
          opts.reject(n, r);
        } else if (r) {
          const bad = badUserName(r.user);
          if (bad) {
            counts.rejected++;
            opts.reject(n, bad);
            return;
          }
          agg.add(r.user, r.time, r.outcome === 'success', 1, opts.where);
          counts.events++;
        }
      };
  }
}

interface Interned {
  bytes: Buffer;
  acc: AccountCells;
}

function digit2(buf: Buffer, at: number): number {
  const a = (buf[at] ?? 0) - 48;
  const b = (buf[at + 1] ?? 0) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function webHandler(agg: AccessDayAggregator, opts: LineOptions, counts: LineCounts): LineFn {
  const scan = new WebScan();
  // Same second as the previous line: reuse its time.
  const prevTime = Buffer.alloc(64);
  let prevLen = -1;
  let prevMs = Number.NaN;
  // Same date and offset as the previous parse: only the clock differs (explicit offsets only,
  // where a day has no DST jump in it).
  const dayKey = Buffer.alloc(32);
  let dayBase = Number.NaN;
  // Users interned by a hash of their bytes: no string is decoded or hashed for a known user.
  const users = new Map<number, Interned[]>();
  const { where, zone } = opts;
  return (buf, s, e) => {
    const n = ++counts.lines;
    if (!scanWebLine(buf, s, e, scan)) {
      counts.rejected++;
      opts.reject(n, scan.error ?? 'malformed');
      return;
    }
    const us = scan.userStart;
    const ue = scan.userEnd;
    if (ue - us === 1 && buf[us] === 0x2d) return;
    const status = scan.status;
    const success = status < 400;
    if (!success && status !== 401) return;
    const ts = scan.timeStart;
    const te = scan.timeEnd;
    const tl = te - ts;
    let ms: number;
    if (tl === prevLen && sameBackwards(buf, ts, prevTime, tl)) ms = prevMs;
    else {
      ms = Number.NaN;
      if (tl === 26 && !Number.isNaN(dayBase) && same(buf, ts, dayKey, 12) && same(buf, ts + 20, dayKey, 6, 12)) {
        const h = digit2(buf, ts + 12);
        const mi = digit2(buf, ts + 15);
        const sec = digit2(buf, ts + 18);
        if (h >= 0 && h < 24 && mi >= 0 && mi < 60 && sec >= 0 && sec <= 60 && buf[ts + 14] === 0x3a && buf[ts + 17] === 0x3a) {
          ms = dayBase + ((h * 60 + mi) * 60 + sec) * 1000;
        }
      }
      if (Number.isNaN(ms)) {
        ms = parseClfTime(buf, ts, te, zone);
        if (tl === 26 && !Number.isNaN(ms)) {
          put(dayKey, 0, buf, ts, 12);
          put(dayKey, 12, buf, ts + 20, 6);
          dayBase = ms - ((digit2(buf, ts + 12) * 60 + digit2(buf, ts + 15)) * 60 + digit2(buf, ts + 18)) * 1000;
        }
      }
      if (tl <= prevTime.length) {
        put(prevTime, 0, buf, ts, tl);
        prevLen = tl;
        prevMs = ms;
      }
    }
    if (Number.isNaN(ms)) {
      counts.rejected++;
      opts.reject(n, WEB_REJECT.time);
      return;
    }
    let h = 0x811c9dc5;
    for (let i = us; i < ue; i++) h = Math.imul(h ^ (buf[i] ?? 0), 0x01000193);
    h &= 0x3fffffff;
    const ul = ue - us;
    let bucket = users.get(h);
    let acc: AccountCells | undefined;
    if (bucket === undefined) {
      bucket = [];
      users.set(h, bucket);
    } else {
      for (const it of bucket) {
        if (it.bytes.length === ul && same(buf, us, it.bytes, ul)) {
          acc = it.acc;
          break;
        }
      }
    }
    if (acc === undefined) {
      // Checked once per distinct user: a rejected name is never interned, so it is checked again.
      const name = buf.toString('utf8', us, ue);
      const bad = badUserName(name);
      if (bad) {
        counts.rejected++;
        opts.reject(n, bad);
        return;
      }
      acc = agg.account(name);
      bucket.push({ bytes: Buffer.from(buf.subarray(us, ue)), acc });
    }
    agg.addTo(acc, ms, success, 1, where);
    counts.events++;
  };
}

/** Small copies in JS: Buffer#copy's native call costs more than copying 26 bytes. */
function put(dst: Buffer, at: number, src: Buffer, from: number, len: number): void {
  for (let i = 0; i < len; i++) dst[at + i] = src[from + i]!;
}

/** From the end: two times of consecutive lines differ, if at all, in the seconds. */
function sameBackwards(a: Buffer, at: number, b: Buffer, len: number): boolean {
  for (let i = len - 1; i >= 0; i--) if (a[at + i] !== b[i]) return false;
  return true;
}

function same(a: Buffer, at: number, b: Buffer, len: number, bAt = 0): boolean {
  for (let i = 0; i < len; i++) if (a[at + i] !== b[bAt + i]) return false;
  return true;
}
