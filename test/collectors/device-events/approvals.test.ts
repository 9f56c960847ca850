/** The removable-media approvals register: the fixture's rows as records and rejections, by hand. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaApprovalsCollector } from '../../../src/collectors/media-approvals/collector.ts';
import { parseApprovedDevice } from '../../../src/collectors/media-approvals/parse.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/devices');

describe('approved devices', () => {
  it.each([
    ['4c530001230405117063', undefined, { serial: '4C530001230405117063' }],
    ['0781:5567', undefined, { vendor: '0781', product: '5567' }],
    ['0781:5567:*', undefined, { vendor: '0781', product: '5567' }],
    ['SanDisk:Cruzer Blade:4c53', undefined, { vendor: 'SanDisk', product: 'Cruzer Blade', serial: '4C53' }],
    ['*', undefined, { any: true }],
    ['', 'ab12', { serial: 'AB12' }],
    ['0781:5567', 'ab12', { vendor: '0781', product: '5567', serial: 'AB12' }],
  ])('%j (serial column %j)', (cell, serial, expected) => expect(parseApprovedDevice(cell, serial)).toEqual(expected));

  it('refuses what it cannot read', () => {
    expect(parseApprovedDevice('', '')).toMatch(/^no device/);
    expect(parseApprovedDevice('0781:')).toMatch(/not a serial, vendor:product/);
    expect(parseApprovedDevice('a:b:c:d')).toMatch(/not a serial, vendor:product/);
  });
});

describe('removable-media-approvals collector', () => {
  it('Japanese headers, dates as whole days, a time as an instant, no end; bad rows rejected', async () => {
    const { ctx, rejections } = testContext({ baseDir: FIXTURES });
    const records = await collectAll(mediaApprovalsCollector, sourceOf({ kind: 'removable-media-approvals', path: 'approvals.csv' }), ctx);
    expect(records).toEqual([
      { key: 'A-001', data: { approvalId: 'A-001', person: 'taro.yamada@example.co.jp', device: { serial: '4C530001230405117063' }, validFrom: '2026-10-01', validTo: '2026-10-31' } },
      { key: 'A-002', data: { approvalId: 'A-002', person: 'hanako.suzuki@example.co.jp', device: { vendor: '0781', product: '5567' }, validFrom: '2026-04-01', validTo: '2027-03-31' } },
      { key: 'A-003', data: { approvalId: 'A-003', person: 'jiro@example.co.jp', device: { vendor: 'Kingston', product: 'DataTraveler 3.0' }, validFrom: '2026-10-01', validTo: '2026-10-06T23:59:00.000+09:00' } },
      { key: 'A-004', data: { approvalId: 'A-004', person: 'saburo@example.co.jp', device: { any: true }, validFrom: '2026-10-08' } },
    ]);
    const file = join(FIXTURES, 'approvals.csv');
    expect(rejections).toEqual([
      // The rejected values apart from the reasons (they may be personal).
      { file, line: 6, reason: 'duplicate approval id (first on line 5)', value: 'A-004' },
      { file, line: 7, field: 'person', reason: 'no person' },
      { file, line: 8, field: 'device', reason: 'not a serial, vendor:product or vendor:product:serial', value: '0781:' },
      { file, line: 9, field: 'validTo', reason: 'validTo 2026-10-01 is before validFrom 2026-10-31' },
      { file, line: 10, field: 'validFrom', reason: expect.stringMatching(/^validFrom: unreadable date/) as unknown as string, value: 'someday' },
    ]);
  });
});
