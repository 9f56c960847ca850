/**
 * OpenSSH / PAM lines of a syslog auth log: RFC 3164 (`Jun  2 10:00:01 host sshd[42]: …`, no
 * year) and ISO / RFC 5424 timestamps (`2015-04-16T18:02:50.321974+00:00 host sshd[2716]: …`).
 *
 * Counted (KPIS.md leaver-activity-count): `Accepted …` is a success; `Failed …`, pam_unix
 * `authentication failure` (also the old `sshd(pam_unix)` form) and `PAM N more authentication
 * failures` are failures; `message repeated N times: [ … ]` counts its message N times.
 * `Invalid user X from …` is recognised but not counted: sshd logs the same attempt again as
 * `Failed … for invalid user X`, so counting both would count one attempt twice.
 */
import { parseIsoTime, parseSyslogTime } from './time.ts';

export interface SshdEvent {
  outcome: 'success' | 'failure' | 'none';
  /** The log-in name; undefined when the line names none (a pam line without `user=`). */
  user?: string;
  address?: string;
  /** Epoch ms. */
  time: number;
  /** How many events the line stands for (`message repeated N times`). */
  count: number;
}

export const SSHD_REJECT = {
  header: 'not a syslog line (expected "time host program[pid]: message")',
  time: 'unparseable time',
} as const;

const RFC3164 = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) ([^\s:[]+)(?:\[\d+\])?: ?(.*)$/;
const ISO = /^(?:<\d{1,3}>1? ?)?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[\d+\])?: ?(.*)$/;

const ACCEPTED = /^Accepted \S+ for (.+) from (\S+) port \d+/;
const FAILED = /^Failed \S+ for (?:invalid user )?(.*) from (\S+) port \d+/;
const INVALID = /^Invalid user (.*) from (\S+)(?: port \d+)?\s*$/;
const REPEATED = /^message repeated (\d+) times: \[ ?(.*?) ?\]\s*$/;
const PAM_FAILURE = /^(?:pam_unix\(sshd:auth\): )?authentication failure;(.*)$/;
const PAM_MORE = /^PAM (\d+) more authentication failures;(.*)$/;
const PAM_USER = /(?:^|\s)user=(\S+)\s*$/;
const PAM_RHOST = /(?:^|\s)rhost=(\S+)/;

function isSshd(program: string): boolean {
  // `sshd-session` since OpenSSH 9.8; `sshd(pam_unix)` in old Linux-PAM logs.
  return program === 'sshd' || program.startsWith('sshd-') || program === 'sshd(pam_unix)';
}

/** Classify the message part of an sshd line. */
export function classifySshdMessage(program: string, msg: string): Omit<SshdEvent, 'time'> | undefined {
  const rep = REPEATED.exec(msg);
  if (rep) {
    const inner = classifySshdMessage(program, rep[2] ?? '');
    return inner ? { ...inner, count: inner.count * Number(rep[1]) } : undefined;
  }
  let m = ACCEPTED.exec(msg);
  if (m) return { outcome: 'success', user: m[1], address: m[2], count: 1 };
  m = FAILED.exec(msg);
  if (m) return { outcome: 'failure', user: m[1], address: m[2], count: 1 };
  m = INVALID.exec(msg);
  if (m) return { outcome: 'none', user: m[1], address: m[2], count: 1 };
  m = PAM_FAILURE.exec(msg);
  if (m && (msg.startsWith('pam_unix(sshd:auth)') || program === 'sshd(pam_unix)')) return pam(m[1] ?? '', 1);
  m = PAM_MORE.exec(msg);
  if (m) return pam(m[2] ?? '', Number(m[1]));
  return undefined;
}

function pam(fields: string, count: number): Omit<SshdEvent, 'time'> {
  const ev: Omit<SshdEvent, 'time'> = { outcome: 'failure', count };
  const u = PAM_USER.exec(fields);
  if (u) ev.user = u[1];
  const h = PAM_RHOST.exec(fields);
  if (h) ev.address = h[1];
  return ev;
}

/**
 * Parse one auth-log line. Returns the event, `undefined` for a well-formed line that is not an
 * sshd authentication (cron, sudo, session lines…), or the reason the line is rejected.
 * `referenceMs` (the file's modification time) gives the year of RFC 3164 times; `zone` reads
 * times without an offset.
 */
export function parseSshdLine(line: string, referenceMs: number, zone: string): SshdEvent | undefined | string {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  let program: string;
  let msg: string;
  let time: number;
  const a = RFC3164.exec(line);
  if (a) {
    program = a[5] ?? '';
    msg = a[6] ?? '';
    if (!isSshd(program)) return undefined;
    time = parseSyslogTime(a[1] ?? '', Number(a[2]), a[3] ?? '', referenceMs, zone);
  } else {
    const b = ISO.exec(line);
    if (!b) return SSHD_REJECT.header;
    program = b[3] ?? '';
    msg = b[4] ?? '';
    if (!isSshd(program)) return undefined;
    time = parseIsoTime((b[1] ?? '').replace(' ', 'T').replace(',', '.'), zone);
  }
  const ev = classifySshdMessage(program, msg);
  if (!ev) return undefined;
  if (Number.isNaN(time)) return SSHD_REJECT.time;
  return { ...ev, time };
}
