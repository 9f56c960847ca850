/**
 * GoPhish results → one record per recipient and campaign. Pure.
 *
 * Outcome rules (GoPhish models.go statuses; statuses only move forward, so the status alone
 * is the furthest step, and timeline events add what a later status hides):
 * - clicked: status Clicked Link or Submitted Data, or a "Clicked Link" / "Submitted Data" event;
 * - submitted: status Submitted Data or a "Submitted Data" event;
 * - reported: the `reported` flag, or an "Email Reported" event/status;
 * - delivered: false for a failed send (Error Sending Email, Error) and for sends not made yet
 *   (Scheduled, Queued, Sending, Retrying): nobody could click those, so they are outside the
 *   KPI population.
 */
import type { Keyed, PhishingRecord } from '../../evidence/records.ts';
import type { RowResult } from '../csv/source.ts';
import { isNever } from '../idp/values.ts';
import { parseTimestamp } from '../time.ts';

const NOT_DELIVERED = new Set(['error sending email', 'error', 'scheduled', 'queued', 'sending', 'retrying']);

/** Papa.unparse(escapeFormulae) prefixes `'` to cells starting with = + - @ TAB or CR. */
export function unescapeFormula(v: string): string {
  return v.length > 1 && v[0] === "'" && '=+-@\t\r'.includes(v[1]!) ? v.slice(1) : v;
}

/** Timeline messages seen per lower-cased email. */
export type Events = ReadonlyMap<string, ReadonlySet<string>>;

export interface GophishResult {
  email?: string;
  status?: string;
  reported?: string | boolean;
  send_date?: string;
  /** The time of the result's last status change (for a failure: no earlier than the click). */
  modified_date?: string;
}

export interface PhishingOptions {
  campaign: string;
  /** The campaign's launch time (ISO with offset); absent: this send's date. */
  launchedAt?: string;
  zone: string;
  events?: Events;
  /** The first click or submission per lower-cased email, from the timeline (see failureTimesOf). */
  failedAt?: ReadonlyMap<string, string>;
}

function flag(v: string | boolean | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = (v ?? '').trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no' || s === '') return false;
  return undefined;
}

export function parseGophishResult(r: GophishResult, opts: PhishingOptions): RowResult<PhishingRecord> {
  const email = unescapeFormula((r.email ?? '').trim()).toLowerCase();
  if (!email) return { ok: false, field: 'email', reason: 'no recipient email' };
  const status = unescapeFormula((r.status ?? '').trim());
  if (!status) return { ok: false, field: 'status', reason: 'no status' };
  const reportedFlag = flag(r.reported);
  if (reportedFlag === undefined) return { ok: false, field: 'reported', reason: `expected true or false, found "${String(r.reported)}"` };
  let launchedAt = opts.launchedAt;
  if (!launchedAt) {
    const sent = (r.send_date ?? '').trim();
    if (!sent || isNever(sent)) return { ok: false, field: 'send_date', reason: 'no launch time: the send has no date and the source sets no launchedAt' };
    const t = parseTimestamp(sent, { zone: opts.zone });
    if (!t.ok) return { ok: false, field: 'send_date', reason: `send_date: ${t.error}` };
    launchedAt = t.value;
  }
  const s = status.toLowerCase();
  const events = opts.events?.get(email);
  const submitted = s === 'submitted data' || (events?.has('Submitted Data') ?? false);
  const clicked = submitted || s === 'clicked link' || (events?.has('Clicked Link') ?? false);
  const data: PhishingRecord = {
    campaign: opts.campaign,
    email,
    launchedAt,
    status,
    delivered: !NOT_DELIVERED.has(s),
    clicked,
    submitted,
    reported: reportedFlag || s === 'email reported' || (events?.has('Email Reported') ?? false),
  };
  if (clicked) {
    const failedAt = opts.failedAt?.get(email) ?? failedAtOfStatus(s, r.modified_date, opts.zone);
    if (failedAt) data.failedAt = failedAt;
  }
  return { ok: true, key: `${opts.campaign}\u001f${email}`, data };
}

/**
 * A failure's time from the result itself: its `modified_date` when its status is the failure
 * (Clicked Link, Submitted Data) — the last status change, so the click itself or later. A time
 * that cannot be read leaves it to the campaign's launch, as when there is none.
 */
function failedAtOfStatus(status: string, modified: string | undefined, zone: string): string | undefined {
  if (status !== 'clicked link' && status !== 'submitted data') return undefined;
  const m = unescapeFormula((modified ?? '').trim());
  if (!m || isNever(m)) return undefined;
  const t = parseTimestamp(m, { zone });
  return t.ok ? t.value : undefined;
}

/**
 * The recipients of one export, one record per campaign and address. Two rows of one recipient
 * (an address written in two cases — GoPhish compares addresses as written, so `Ann@…` and
 * `ann@…` are two results — or a target in two groups) are one recipient (KPIS.md: one per
 * person and campaign) who took every step any row shows: delivered, clicked, submitted or
 * reported if any row says so, failed at the earliest failure time. Dropping the second row
 * instead would lose a click that only it records.
 */
export class Recipients {
  private readonly byKey = new Map<string, Keyed<'phishing'>>();

  add(key: string, data: PhishingRecord): void {
    const old = this.byKey.get(key);
    this.byKey.set(key, { key, data: old ? mergeRecipient(old.data, data) : data });
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  records(): Keyed<'phishing'>[] {
    return [...this.byKey.values()];
  }
}

function mergeRecipient(a: PhishingRecord, b: PhishingRecord): PhishingRecord {
  // The status shown is the furthest step's.
  const further = (b.submitted && !a.submitted) || (b.clicked && !a.clicked) || (b.delivered && !a.delivered) ? b : a;
  const out: PhishingRecord = {
    ...a,
    status: further.status,
    delivered: a.delivered || b.delivered,
    clicked: a.clicked || b.clicked,
    submitted: a.submitted || b.submitted,
    reported: a.reported || b.reported,
  };
  const times = [a.failedAt, b.failedAt].filter((t): t is string => t !== undefined).sort((x, y) => Date.parse(x) - Date.parse(y));
  if (times[0] !== undefined) out.failedAt = times[0];
  return out;
}

/** The earliest "Clicked Link" or "Submitted Data" event per recipient of a campaign's timeline. */
export function failureTimesOf(timeline: unknown, zone: string): Map<string, string> {
  const out = new Map<string, { ms: number; iso: string }>();
  if (Array.isArray(timeline)) {
    for (const e of timeline as Record<string, unknown>[]) {
      const msg = typeof e?.message === 'string' ? e.message : '';
      if (msg !== 'Clicked Link' && msg !== 'Submitted Data') continue;
      const email = typeof e?.email === 'string' ? e.email.trim().toLowerCase() : '';
      const time = typeof e?.time === 'string' ? parseTimestamp(e.time, { zone }) : undefined;
      if (!email || !time?.ok) continue;
      const ms = Date.parse(time.value);
      const prev = out.get(email);
      if (!prev || ms < prev.ms) out.set(email, { ms, iso: time.value });
    }
  }
  return new Map([...out].map(([k, v]) => [k, v.iso]));
}

/** Index a campaign's timeline by recipient. */
export function eventsOf(timeline: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!Array.isArray(timeline)) return out;
  for (const e of timeline as Record<string, unknown>[]) {
    const email = typeof e?.email === 'string' ? e.email.trim().toLowerCase() : '';
    const msg = typeof e?.message === 'string' ? e.message : '';
    if (!email || !msg) continue;
    let set = out.get(email);
    if (!set) out.set(email, (set = new Set()));
    set.add(msg);
  }
  return out;
}
