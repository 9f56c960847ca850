/**
 * Device-days and their approvals, shared by unapproved-removable-media-count and
 * removable-media-approval-rate (KPIS.md, A.7.10, A.8.12).
 *
 * One person using one device on one day (organisation's zone) is one device-day. The person
 * is the connection's user (through the identity keys, aliases and default domain); without a
 * user, the host's owner from the asset inventory at that instant; without either, the host
 * itself ("listed against the host"). The same device on two hosts of one person the same day
 * is one device-day (both hosts are listed); the same device connected by two people is two.
 * A connection reported without a user (Windows 6416 names the system) takes the user another
 * report gives for the same host, device and day (Defender's logged-on account), when there is
 * exactly one.
 * A device is its serial when it has one, else vendor and product; what any report says of a
 * serial's vendor and product ids or names holds for every device-day of that serial.
 *
 * A device-day is approved when an approval of that person covers the device at the day's
 * first connection: its validity from the start of `validFrom` (a date) or exactly then (an
 * instant) through the end of `validTo` (a date) or exactly then (an instant; an approval
 * expiring at 10:00 covers a connection at 10:00, not one at 10:00:01). A device-day in the
 * period is one whose first connection lies in the period.
 */
import type { RecordKinds } from '../evidence/records.ts';
import type { FactRow } from '../evidence/store.ts';
import { currentOf, type EvidenceBundle } from './bundle.ts';
import { hostOwnersFromAssets, NO_HOST_OWNERS, type AssetLike, type HostOwners } from './host-owners.ts';
import { identityIndexFor, type IdentityIndex } from './identity.ts';
import { normText } from './params.ts';
import { inWindow, periodAt, type PeriodWindow } from './period.ts';
import type { EvidenceRead, FactStream } from './registry-types.ts';
import { reason as reasonOf } from './reason.ts';
import { buildResult } from './result.ts';
import { dayAfterStart, dayStart, isoInZone, toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

/** What the KPIs read; the host owners come from an asset inventory (its `asset` records), when there is one. */
export const REMOVABLE_MEDIA_READS: readonly EvidenceRead[] = [
  { kind: 'person', as: 'history' },
  { kind: 'media-approval', as: 'current' },
  { kind: 'asset', as: 'current' },
  { kind: 'device-day', as: 'facts' },
];

/** The host owners in the bundle: the asset inventory's records, else none. */
export function hostOwnersOf(bundle: EvidenceBundle, zone: string): HostOwners {
  const assets: AssetLike[] = currentOf(bundle, 'asset');
  return assets.length > 0 ? hostOwnersFromAssets(assets, zone) : NO_HOST_OWNERS;
}

type DeviceDayRecord = RecordKinds['device-day'];
type MediaApprovalRecord = RecordKinds['media-approval'];
type ApprovedDevice = MediaApprovalRecord['device'];

interface DeviceDay {
  subjectKey: string;
  subject: string;
  attributedTo: 'user' | 'host-owner' | 'host';
  day: string;
  device: string;
  firstMs: number;
  lastMs: number;
  hosts: Set<string>;
  users: Set<string>;
  vendorId?: string;
  productId?: string;
  vendor?: string;
  product?: string;
  serial?: string;
}

const names = (v: string | undefined): string | undefined => (v === undefined ? undefined : normText(v).replace(/[\s_]+/g, ' '));

/** Whether an approved device description covers a device-day's device. */
export function coversDevice(a: ApprovedDevice, d: Pick<DeviceDay, 'vendorId' | 'productId' | 'vendor' | 'product' | 'serial'>): boolean {
  if (a.any) return true;
  if (a.serial !== undefined && a.serial !== d.serial) return false;
  if (a.vendor === undefined || a.product === undefined) return a.serial !== undefined;
  const part = (want: string, id: string | undefined, name: string | undefined) => {
    const w = want.trim().toLowerCase();
    return (/^[0-9a-f]{4}$/.test(w) && id === w) || (name !== undefined && names(name) === names(want));
  };
  return part(a.vendor, d.vendorId, d.vendor) && part(a.product, d.productId, d.product);
}

/** Whether an approval is valid at `ms` (see the file's comment). */
export function validAt(a: Pick<MediaApprovalRecord, 'validFrom' | 'validTo'>, ms: number, zone: string): boolean {
  const from = a.validFrom.length === 10 ? dayStart(a.validFrom, zone) : toMillis(a.validFrom, zone);
  if (!(ms >= from)) return false;
  if (a.validTo === undefined) return true;
  return a.validTo.length === 10 ? ms < dayAfterStart(a.validTo, zone) : ms <= toMillis(a.validTo, zone);
}

interface Judged {
  day: DeviceDay;
  approvedBy?: string;
  reason?: Pick<FailingSubject, 'reason' | 'reasonCode' | 'reasonParams'>;
}

export interface DeviceDayCounts {
  approved: number;
  total: number;
  unapproved: FailingSubject[];
  win: PeriodWindow;
}

/** Read the device-days of the period (streamed) and judge each against the approvals. */
export async function judgeDeviceDays(bundle: EvidenceBundle, facts: Pick<FactStream, 'readFacts'>, ctx: KpiContext, owners?: HostOwners): Promise<DeviceDayCounts> {
  const zone = ctx.organisation.timeZone;
  const T = ctx.at.getTime();
  const win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
  const index = identityIndexFor(bundle.people, ctx.identity, ctx.organisation);
  const hostOwners = owners ?? hostOwnersOf(bundle, zone);
  const days = await collectDeviceDays(facts.readFacts('device-day'), index, hostOwners, zone, T);

  const approvals = new Map<string, MediaApprovalRecord[]>();
  for (const a of currentOf(bundle, 'media-approval')) {
    const k = personKey(a.person, index);
    approvals.set(k, [...(approvals.get(k) ?? []), a]);
  }
  let approved = 0;
  let total = 0;
  const unapproved: FailingSubject[] = [];
  const judged: Judged[] = [];
  for (const day of days.values()) {
    if (!inWindow(day.firstMs, win)) continue;
    total++;
    const mine = day.attributedTo === 'host' ? [] : (approvals.get(day.subjectKey) ?? []);
    const forDevice = mine.filter((a) => coversDevice(a.device, day));
    const valid = forDevice.find((a) => validAt(a, day.firstMs, zone));
    if (valid) {
      approved++;
      continue;
    }
    const reason =
      day.attributedTo === 'host' ? reasonOf('mediaNoOwner')
      : forDevice.length > 0 ? reasonOf('mediaApprovalNotValid', { approvals: forDevice.map((a) => a.approvalId), validity: forDevice.map((a) => `${a.validFrom} … ${a.validTo ?? ''}`.trim()) })
      : mine.length > 0 ? reasonOf('mediaOtherDevices', { approvals: mine.map((a) => a.approvalId) })
      : reasonOf('mediaNoApproval');
    judged.push({ day, reason });
  }
  judged.sort((a, b) => a.day.firstMs - b.day.firstMs || (a.day.subject < b.day.subject ? -1 : 1));
  const iso = (ms: number) => isoInZone(ms, zone);
  for (const { day, reason } of judged) {
    unapproved.push({
      type: 'device',
      id: day.subject,
      ...reason!,
      details: {
        day: day.day,
        device: describeDevice(day),
        serial: day.serial ?? null,
        firstAt: iso(day.firstMs),
        lastAt: iso(day.lastMs),
        hosts: [...day.hosts].sort(),
        users: [...day.users].sort(),
        attributedTo: day.attributedTo,
      },
    });
  }
  return { approved, total, unapproved, win };
}

function describeDevice(d: Pick<DeviceDay, 'vendorId' | 'productId' | 'vendor' | 'product'>): string {
  const ids = d.vendorId && d.productId ? `${d.vendorId}:${d.productId}` : undefined;
  const name = [d.vendor, d.product].filter(Boolean).join(' ');
  return [name || undefined, ids].filter(Boolean).join(' ') || 'unknown device';
}

function personKey(identifier: string, index: IdentityIndex): string {
  const p = index.resolve(identifier);
  return p ? `p:${p.id}` : `u:${index.canonical(identifier)}`;
}

async function collectDeviceDays(rows: AsyncIterable<FactRow<'device-day'>>, index: IdentityIndex, owners: HostOwners, zone: string, T: number): Promise<Map<string, DeviceDay>> {
  const facts: { r: DeviceDayRecord; firstMs: number; lastMs: number }[] = [];
  // The user another source (or event) gives for the same host, device and day: Windows reports
  // a plug as the system, Defender may name who was logged on.
  const userOf = new Map<string, string | null>();
  // What any report says of a serial's vendor and product: Defender names a stick, Windows' USB
  // event and the kernel give its ids; an approval by ids then covers the Defender device-day too.
  const known = new Map<string, Pick<DeviceDay, 'vendorId' | 'productId' | 'vendor' | 'product'>>();
  for await (const { data: r } of rows) {
    if (r.serial) {
      const k = known.get(r.serial) ?? {};
      for (const f of ['vendorId', 'productId', 'vendor', 'product'] as const) if (k[f] === undefined && r[f] !== undefined) k[f] = r[f];
      known.set(r.serial, k);
    }
    const firstMs = toMillis(r.firstAt, zone);
    if (Number.isNaN(firstMs) || firstMs > T) continue;
    facts.push({ r, firstMs, lastMs: Math.min(toMillis(r.lastAt, zone), T) });
    if (r.user) {
      const k = `${r.host}\u0000${r.device}\u0000${r.day}`;
      const seen = userOf.get(k);
      userOf.set(k, seen === undefined || seen === r.user ? r.user : null);
    }
  }
  const out = new Map<string, DeviceDay>();
  for (const { r, firstMs, lastMs } of facts) {
    const borrowed = r.user ? undefined : userOf.get(`${r.host}\u0000${r.device}\u0000${r.day}`);
    const who = attribute(borrowed ? { ...r, user: borrowed } : r, firstMs, index, owners);
    const key = `${who.subjectKey}\u0000${r.device}\u0000${r.day}`;
    let d = out.get(key);
    if (!d) {
      d = { ...who, day: r.day, device: r.device, firstMs, lastMs, hosts: new Set(), users: new Set() };
      out.set(key, d);
    }
    d.firstMs = Math.min(d.firstMs, firstMs);
    d.lastMs = Math.max(d.lastMs, lastMs);
    d.hosts.add(r.host);
    if (r.user) d.users.add(r.user);
    for (const f of ['vendorId', 'productId', 'vendor', 'product', 'serial'] as const) if (d[f] === undefined && r[f] !== undefined) d[f] = r[f];
  }
  for (const d of out.values()) {
    const k = d.serial ? known.get(d.serial) : undefined;
    if (k) for (const f of ['vendorId', 'productId', 'vendor', 'product'] as const) if (d[f] === undefined && k[f] !== undefined) d[f] = k[f];
  }
  return out;
}

function attribute(r: DeviceDayRecord, atMs: number, index: IdentityIndex, owners: HostOwners): Pick<DeviceDay, 'subjectKey' | 'subject' | 'attributedTo'> {
  if (r.user) {
    const p = index.resolve(r.user);
    return p ? { subjectKey: `p:${p.id}`, subject: p.id, attributedTo: 'user' } : { subjectKey: `u:${index.canonical(r.user)}`, subject: index.canonical(r.user), attributedTo: 'user' };
  }
  const owner = owners.ownerOf(r.host, atMs);
  if (owner) {
    const p = index.resolve(owner);
    return p ? { subjectKey: `p:${p.id}`, subject: p.id, attributedTo: 'host-owner' } : { subjectKey: `u:${index.canonical(owner)}`, subject: index.canonical(owner), attributedTo: 'host-owner' };
  }
  return { subjectKey: `h:${r.host}`, subject: `host ${r.host}`, attributedTo: 'host' };
}

/**
 * unapproved-removable-media-count: the unapproved device-days. No device-days is a count of 0
 * when a device-event source was collected inside the period (its logs, read up to then, showed
 * no removable storage in it), and no_data when none was by T (logs last read before the
 * period say nothing of it).
 */
export async function unapprovedRemovableMediaCount(bundle: EvidenceBundle, facts: Pick<FactStream, 'readFacts'>, ctx: KpiContext, owners?: HostOwners): Promise<KpiResult> {
  const c = await judgeDeviceDays(bundle, facts, ctx, owners);
  const n = c.total - c.approved;
  return buildResult('unapproved-removable-media-count', ctx, c.win.period, { numerator: n, denominator: c.total, failing: c.unapproved, value: c.total > 0 || collectedIn(bundle.collectedAt?.['device-day'], c.win) ? n : null });
}

function collectedIn(at: number | undefined, win: PeriodWindow): boolean {
  return at !== undefined && inWindow(at, win);
}

/** removable-media-approval-rate: approved device-days / all device-days of the period. */
export async function removableMediaApprovalRate(bundle: EvidenceBundle, facts: Pick<FactStream, 'readFacts'>, ctx: KpiContext, owners?: HostOwners): Promise<KpiResult> {
  const c = await judgeDeviceDays(bundle, facts, ctx, owners);
  return buildResult('removable-media-approval-rate', ctx, c.win.period, { numerator: c.approved, denominator: c.total, failing: c.unapproved });
}
