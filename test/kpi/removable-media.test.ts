/**
 * unapproved-removable-media-count and removable-media-approval-rate, by hand. Asia/Tokyo,
 * fiscal year from April; at T = 2026-11-20 12:00 JST the quarter is 2026-10-01 00:00 JST … T.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceDayRecord } from '../../src/collectors/device-events/records.ts';
import type { MediaApprovalRecord } from '../../src/collectors/media-approvals/records.ts';
import type { FactRow } from '../../src/evidence/store.ts';
import { hostOwnersFromAssets, NO_HOST_OWNERS } from '../../src/kpi/host-owners.ts';
import { coversDevice, removableMediaApprovalRate, unapprovedRemovableMediaCount, validAt } from '../../src/kpi/removable-media.ts';
import { reasonGroup, reasonText } from '../../src/i18n/reasons.ts';
import { bundle, ctx, hr, objective } from './helpers.ts';

const T = '2026-11-20T12:00:00+09:00';
const ZONE = 'Asia/Tokyo';
const at = (l: string) => `${l}@example.co.jp`;
const people = ['taro.yamada', 'hanako.suzuki', 'jiro', 'saburo', 'ken'].map((l, i) => hr({ employeeId: `E${i + 1}`, email: at(l) }));

const approvals: MediaApprovalRecord[] = [
  { approvalId: 'A1', person: at('taro.yamada'), device: { serial: 'S1' }, validFrom: '2026-10-01', validTo: '2026-10-31' },
  { approvalId: 'A2', person: 'E2', device: { vendor: '0781', product: '5567' }, validFrom: '2026-04-01', validTo: '2027-03-31' }, // hanako, by employee id
  { approvalId: 'A3', person: at('jiro'), device: { vendor: 'Kingston', product: 'DataTraveler 3.0' }, validFrom: '2026-10-01', validTo: '2026-10-06T23:59:00+09:00' },
  { approvalId: 'A4', person: at('ken'), device: { any: true }, validFrom: '2026-11-01' },
  { approvalId: 'A5', person: 'saburo', device: { serial: 'S9' }, validFrom: '2026-10-01', validTo: '2026-10-31' }, // a bare log-in name
];
const assets = hostOwnersFromAssets([{ assetId: 'PC-0099', owner: at('ken') }, { assetId: 'LAB-01', activeTo: '2026-09-30', owner: at('ken') }], ZONE);

function day(first: string, fields: Partial<DeviceDayRecord> & Pick<DeviceDayRecord, 'host' | 'device'>, last = first): DeviceDayRecord {
  const d = new Date(Date.parse(first) + 9 * 3600_000).toISOString().slice(0, 10);
  return { day: d, firstAt: first, lastAt: last, ...fields };
}
const facts: DeviceDayRecord[] = [
  day('2026-10-31T23:59:59+09:00', { host: 'pc-01', user: 'taro.yamada', device: 's:S1', serial: 'S1' }), // 1 approved: last second of A1
  day('2026-11-01T00:00:00+09:00', { host: 'pc-01', user: 'taro.yamada', device: 's:S1', serial: 'S1' }), // 2 A1 has expired
  day('2026-10-10T10:00:00+09:00', { host: 'dev01', user: at('hanako.suzuki'), device: 's:X1', vendorId: '0781', productId: '5567', serial: 'X1' }), // 3 any serial
  day('2026-10-10T11:00:00+09:00', { host: 'dev02', user: at('hanako.suzuki'), device: 's:X2', vendorId: '0781', productId: '5567', serial: 'X2' }), // 4 another serial, another device-day
  day('2026-10-10T12:00:00+09:00', { host: 'pc-02', user: 'hanako.suzuki', device: 's:X3', vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: 'X3' }), // 5 names, not 0781:5567
  day('2026-10-06T23:50:00+09:00', { host: 'pc-0077', user: at('jiro'), device: 's:K1', vendor: 'Kingston', product: 'DataTraveler 3.0', serial: 'K1' }), // 6 approved
  day('2026-10-06T23:59:00+09:00', { host: 'pc-0077', user: at('jiro'), device: 's:K2', vendor: 'KINGSTON', product: 'DATATRAVELER_3.0', serial: 'K2' }), // 7 exactly A3's end: covered
  // 8: past midnight, A3 has expired. Windows named the system (no user); Defender named jiro: one device-day.
  day('2026-10-07T00:10:00+09:00', { host: 'pc-0077', user: at('jiro'), device: 's:K1', vendor: 'Kingston', product: 'DataTraveler 3.0', serial: 'K1' }, '2026-10-07T00:40:00+09:00'),
  day('2026-10-07T00:05:00+09:00', { host: 'pc-0077', device: 's:K1', vendorId: '0951', productId: '1666', serial: 'K1' }),
  // 9: one device on two hosts the same day: one device-day, both hosts listed.
  day('2026-10-15T09:00:00+09:00', { host: 'pc-0034', user: 'saburo', device: 's:S9', serial: 'S9' }, '2026-10-15T09:30:00+09:00'),
  day('2026-10-15T14:00:00+09:00', { host: 'pc-0050', user: 'EXAMPLE\\saburo', device: 's:S9', serial: 'S9' }),
  day('2026-11-02T10:00:00+09:00', { host: 'pc-0099.example.co.jp', device: 's:S7', serial: 'S7' }), // 10 no user: the host's owner ken (A4)
  day('2026-10-20T10:00:00+09:00', { host: 'lab-01', device: 'vp:?:?' }), // 11 no user, the host's asset retired 09-30: listed against it
  day('2026-10-21T10:00:00+09:00', { host: 'pc-03', user: 'ext.contractor', device: 's:Z1', serial: 'Z1' }), // 12 nobody in HR, no approval
  day('2026-09-30T23:59:59+09:00', { host: 'pc-01', user: 'taro.yamada', device: 's:S1', serial: 'S1' }), // last quarter: out
  day('2026-10-01T00:00:00+09:00', { host: 'pc-01', user: 'taro.yamada', device: 's:S1', serial: 'S1' }), // 13 the quarter's first instant: in, approved
  day('2026-11-20T12:00:01+09:00', { host: 'pc-01', user: 'taro.yamada', device: 's:S9', serial: 'S9' }), // after T: not yet
];

const stream = (records: DeviceDayRecord[]) => ({
  async *readFacts() {
    for (const data of records) yield { source: 'usb', key: data.device, observedAt: T, data } as FactRow<'device-day'>;
  },
});
const count = (records = facts, owners = assets) =>
  unapprovedRemovableMediaCount(bundle({ people, current: { 'media-approval': approvals } }), stream(records) as never, ctx(objective({ kpi: 'unapproved-removable-media-count', target: 0, direction: 'at_most' }), T), owners);
const rate = (records = facts, owners = assets) =>
  removableMediaApprovalRate(bundle({ people, current: { 'media-approval': approvals } }), stream(records) as never, ctx(objective({ kpi: 'removable-media-approval-rate' }), T), owners);

describe('unapproved-removable-media-count', () => {
  it('13 device-days in the quarter, 5 unapproved (2, 5, 8, 11, 12)', async () => {
    const r = await count();
    expect([r.value, r.numerator, r.denominator, r.status]).toEqual([5, 5, 13, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details.day, f.reason])).toEqual([
      [at('jiro'), '2026-10-07', 'approval A3 not valid at the first connection (valid 2026-10-01 … 2026-10-06T23:59:00+09:00)'],
      [at('hanako.suzuki'), '2026-10-10', 'approved for other devices only (A2)'],
      ['host lab-01', '2026-10-20', 'no user, and no owner known for the host'],
      ['ext.contractor@example.co.jp', '2026-10-21', 'no approval'],
      [at('taro.yamada'), '2026-11-01', 'approval A1 not valid at the first connection (valid 2026-10-01 … 2026-10-31)'],
    ]);
    // The midnight device-day's first connection is the system's 00:05 (borrowed user), its last Defender's 00:40.
    expect(r.failing[0]!.details).toMatchObject({ firstAt: '2026-10-07T00:05:00.000+09:00', lastAt: '2026-10-07T00:40:00.000+09:00', hosts: ['pc-0077'], serial: 'K1', device: 'Kingston DataTraveler 3.0 0951:1666' });
  });

  it('the reasons read in Japanese for a Japanese organisation, and group without their figures', async () => {
    const r = await count();
    expect(r.failing.map((f) => reasonText(f, 'ja'))).toEqual([
      '承認 A3 は最初の接続時点で有効期間外（有効期間 2026-10-01 … 2026-10-06T23:59:00+09:00）',
      '別のデバイスの承認のみ（A2）',
      'ユーザー不明、端末の管理者も不明',
      '利用申請の承認なし',
      '承認 A1 は最初の接続時点で有効期間外（有効期間 2026-10-01 … 2026-10-31）',
    ]);
    expect(new Set(r.failing.map((f) => reasonGroup(f, 'en')))).toEqual(new Set(['approval not valid at the first connection', 'approved for other devices only', 'no user, and no owner known for the host', 'no approval']));
  });

  it('without an asset inventory the user-less connection of pc-0099 is listed against the host', async () => {
    const r = await count(facts, NO_HOST_OWNERS);
    expect([r.value, r.denominator]).toEqual([6, 13]);
    expect(r.failing.map((f) => f.id)).toContain('host pc-0099.example.co.jp');
  });

  it('the host owners come from the asset inventory\'s records the KPI reads', async () => {
    const b = bundle({ people, current: { 'media-approval': approvals, asset: [{ assetId: 'PC-0099', owner: at('ken') }] } });
    const r = await unapprovedRemovableMediaCount(b, stream(facts) as never, ctx(objective({ kpi: 'unapproved-removable-media-count', target: 0, direction: 'at_most' }), T));
    // As with `assets` above, except lab-01, which this inventory does not list: still 5.
    expect([r.value, r.denominator]).toEqual([5, 13]);
    expect(r.failing.map((f) => f.id)).not.toContain('host pc-0099.example.co.jp');
  });

  it('no device-days in the period: no_data', async () => {
    const r = await count(facts.filter((f) => f.firstAt < '2026-10-01'));
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });

  it('no device-days in the period from device logs read inside it: 0, met; logs last read before it: no_data', async () => {
    const quiet = (collectedAt: string) =>
      unapprovedRemovableMediaCount(
        { ...bundle({ people, current: { 'media-approval': approvals } }), collectedAt: { 'device-day': Date.parse(collectedAt) } },
        stream(facts.filter((f) => f.firstAt < '2026-10-01')) as never,
        ctx(objective({ kpi: 'unapproved-removable-media-count', target: 0, direction: 'at_most' }), T),
        assets,
      );
    // The quarter begins 2026-10-01 00:00 JST (inclusive).
    const inside = await quiet('2026-10-01T00:00:00+09:00');
    expect([inside.value, inside.denominator, inside.status]).toEqual([0, 0, 'met']);
    const before = await quiet('2026-09-30T23:59:59+09:00');
    expect([before.value, before.status]).toEqual([null, 'no_data']);
  });
});

describe('removable-media-approval-rate', () => {
  it('8 approved of 13; the device used on two hosts is one device-day', async () => {
    const r = await rate();
    expect([r.numerator, r.denominator]).toEqual([8, 13]);
    expect(r.value).toBeCloseTo(8 / 13, 12);
    expect(r.status).toBe('missed');
  });
  it('a serial\'s ids from another report: Defender names the stick, the kernel gave 0781:5567', async () => {
    const only = [day('2026-11-05T10:00:00+09:00', { host: 'pc-02', user: 'hanako.suzuki', device: 's:X9', vendor: 'SanDisk', product: 'Cruzer Blade', serial: 'X9' })];
    expect((await count(only)).value).toBe(1);
    const withIds = [...only, day('2026-09-01T10:00:00+09:00', { host: 'dev01', device: 's:X9', vendorId: '0781', productId: '5567', serial: 'X9' })];
    // The September day is outside the quarter; it only says what X9 is.
    const r = await count(withIds);
    expect([r.value, r.denominator]).toEqual([0, 1]);
  });

  it('the two hosts are both listed when it is unapproved', async () => {
    const twoHosts = facts.filter((f) => f.device === 's:S9' && f.firstAt.startsWith('2026-10-15')).map((f) => ({ ...f, device: 's:S8', serial: 'S8' }));
    const r = await count(twoHosts);
    expect(r.failing.map((f) => [f.id, f.details.hosts, f.details.users])).toEqual([[at('saburo'), ['pc-0034', 'pc-0050'], ['EXAMPLE\\saburo', 'saburo']]]);
  });
});

describe('approval validity and devices', () => {
  it.each([
    // A date runs through its end; an instant is inclusive.
    ['2026-10-31', '2026-10-31T23:59:59.999+09:00', true],
    ['2026-10-31', '2026-11-01T00:00:00+09:00', false],
    ['2026-10-06T23:59:00+09:00', '2026-10-06T23:59:00+09:00', true],
    ['2026-10-06T23:59:00+09:00', '2026-10-06T23:59:00.001+09:00', false],
  ])('valid to %s at %s: %s', (validTo, when, ok) => expect(validAt({ validFrom: '2026-10-01', validTo }, Date.parse(when), ZONE)).toBe(ok));

  it('starts: a date from its midnight in the zone', () => {
    expect(validAt({ validFrom: '2026-10-01' }, Date.parse('2026-09-30T15:00:00Z'), ZONE)).toBe(true); // 10-01 00:00 JST
    expect(validAt({ validFrom: '2026-10-01' }, Date.parse('2026-09-30T14:59:59.999Z'), ZONE)).toBe(false);
  });

  it('vendor:product by ids or names (case, spaces and underscores alike), with or without a serial', () => {
    const dev = { vendorId: '0781', productId: '5567', vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: 'S1' };
    expect(coversDevice({ vendor: '0781', product: '5567' }, dev)).toBe(true);
    expect(coversDevice({ vendor: 'SanDisk', product: 'Cruzer Blade' }, dev)).toBe(true);
    expect(coversDevice({ vendor: '0781', product: '5567', serial: 'S2' }, dev)).toBe(false);
    expect(coversDevice({ serial: 'S1' }, dev)).toBe(true);
    expect(coversDevice({ vendor: '0951', product: '5567' }, dev)).toBe(false);
    expect(coversDevice({ any: true }, {})).toBe(true);
  });

  it('host owners: a name with a domain matches the inventory\'s short name, in service through activeTo', () => {
    expect(assets.ownerOf('PC-0099.example.co.jp', Date.parse(T))).toBe(at('ken'));
    expect(assets.ownerOf('lab-01', Date.parse('2026-09-30T23:59:59+09:00'))).toBe(at('ken'));
    expect(assets.ownerOf('lab-01', Date.parse('2026-10-01T00:00:00+09:00'))).toBeUndefined();
  });
});
