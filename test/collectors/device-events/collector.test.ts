/**
 * The device-events collector on the hand-written fixtures of each format, and across runs:
 * only new lines are read, a Linux device whose lines straddle two runs is one connection, an
 * export read again (rewritten, or grown) changes no device-day, a file in another format fails
 * alone.
 */
import { appendFileSync, copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceEventsCollector } from '../../../src/collectors/device-events/collector.ts';
import type { DeviceDayRecord } from '../../../src/collectors/device-events/records.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import type { SourceOf } from '../../../src/config/schema.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { Keyed } from '../../../src/evidence/records.ts';
import type { EvidenceStore, Rejection } from '../../../src/evidence/store.ts';
import { testConfig, testContext } from '../access-log/context.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/devices');
let dir: string;
let store: EvidenceStore;
let run = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'device-events-'));
  store = createMemoryStore();
  run = 0;
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function source(format: SourceOf<'device-events'>['format'], paths: string[]): SourceOf<'device-events'> {
  return { id: 'usb', kind: 'device-events', format, paths, encoding: 'auto', enabled: true };
}

/** One collection as the job runner does it: collect, then write the facts and checkpoints together. */
async function collect(src: SourceOf<'device-events'>): Promise<{ facts: DeviceDayRecord[]; rejections: Rejection[]; out: FactsOutput<'device-day'> }> {
  const ctx = testContext(testConfig(dir), store, new Date(Date.UTC(2026, 10, 19, 0, run++)));
  const out = (await deviceEventsCollector.collect(src, ctx)) as FactsOutput<'device-day'>;
  const facts = [...(out.facts as Iterable<Keyed<'device-day'>>)];
  await store.writeFacts({ source: src.id, kind: 'device-day', observedAt: ctx.observedAt, facts, merge: out.merge, checkpoints: out.checkpoints });
  return { facts: facts.map((f) => f.data), rejections: ctx.rejections, out };
}

async function stored(): Promise<DeviceDayRecord[]> {
  const out: DeviceDayRecord[] = [];
  for await (const row of store.readFacts('device-day', new Date('2100-01-01T00:00:00Z'))) out.push(row.data);
  return out.sort((a, b) => (a.firstAt < b.firstAt ? -1 : a.firstAt > b.firstAt ? 1 : a.host < b.host ? -1 : 1));
}

const copy = (name: string): string => {
  const to = join(dir, name);
  copyFileSync(join(FIXTURES, name), to);
  return to;
};

describe('each format', () => {
  it('ecs-json: the three events of one plug are one device-day; rejections with file and line', async () => {
    const file = copy('winlogbeat-6416.ndjson');
    const { rejections } = await collect(source('ecs-json', [file]));
    expect(await stored()).toEqual([
      // 01:00:00Z–01:00:02Z = 10:00:00–10:00:02 JST; ids from the USB event, names from DiskDrive's.
      {
        day: '2026-10-05', host: 'pc-0012.example.co.jp', device: 's:4C530001230405117063', firstAt: '2026-10-05T10:00:00.000+09:00', lastAt: '2026-10-05T10:00:02.000+09:00',
        vendorId: '0781', productId: '5567', vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: '4C530001230405117063', deviceClass: 'USB', where: file,
      },
      { day: '2026-10-05', host: 'pc-0050', user: 'jiro.sato', device: 's:60A44C3FACC9E3A0B9A1D0C4', firstAt: '2026-10-05T12:00:00.000+09:00', lastAt: '2026-10-05T12:00:00.000+09:00', vendorId: '0951', productId: '1666', serial: '60A44C3FACC9E3A0B9A1D0C4', deviceClass: 'USB', where: file },
      // 23:30Z on 10-05 is 08:30 on 10-06 in Tokyo.
      { day: '2026-10-06', host: 'pc-0034', user: 'hanako.suzuki', device: 'vp:generic:flash disk', firstAt: '2026-10-06T08:30:00.000+09:00', lastAt: '2026-10-06T08:30:00.000+09:00', vendor: 'GENERIC', product: 'FLASH_DISK', deviceClass: 'DiskDrive', where: file },
    ]);
    expect(rejections).toEqual([
      { file, line: 7, reason: 'not a JSON object' },
      { file, line: 8, reason: 'event 6416 without host.name' },
      { file, line: 10, reason: 'missing or unparseable @timestamp' },
    ]);
  });

  it('defender-csv: UsbDriveMounted rows; a device used across midnight in Tokyo is two device-days', async () => {
    const file = copy('defender-usb.csv');
    const { rejections } = await collect(source('defender-csv', [file]));
    const kingston = { user: 'jiro@example.co.jp', device: 's:AA00112233', vendor: 'Kingston', product: 'DataTraveler 3.0', serial: 'AA00112233', deviceClass: 'UsbDriveMounted', where: file, host: 'pc-0077' };
    expect(await stored()).toEqual([
      { day: '2026-10-06', host: 'pc-0034.example.co.jp', device: 's:4C530001230405117063', firstAt: '2026-10-06T09:30:00.000+09:00', lastAt: '2026-10-06T09:30:00.000+09:00', vendor: 'SanDisk', product: 'Cruzer Blade', serial: '4C530001230405117063', deviceClass: 'UsbDriveMounted', where: file },
      // 14:50Z = 23:50 JST on 10-06; 15:10Z and 15:40Z = 00:10 and 00:40 JST on 10-07.
      { ...kingston, day: '2026-10-06', firstAt: '2026-10-06T23:50:00.000+09:00', lastAt: '2026-10-06T23:50:00.000+09:00' },
      { ...kingston, day: '2026-10-07', firstAt: '2026-10-07T00:10:00.000+09:00', lastAt: '2026-10-07T00:40:00.000+09:00' },
    ]);
    expect(rejections.map((r) => [r.line, r.field])).toEqual([[7, 'AdditionalFields'], [8, 'Timestamp']]);
  });

  it('defender-json: the API\'s Results, AdditionalFields as an object or a string', async () => {
    const file = copy('defender-usb.json');
    const { rejections } = await collect(source('defender-json', [file]));
    expect((await stored()).map((r) => [r.day, r.host, r.user ?? null, r.device, r.firstAt])).toEqual([
      ['2026-10-08', 'pc-0090', null, 's:4C530001230405117063', '2026-10-08T11:00:00.000+09:00'],
      ['2026-10-08', 'pc-0090', 'saburo@example.co.jp', 's:070B7D8C1B6E1F46', '2026-10-08T11:05:00.000+09:00'],
    ]);
    expect(rejections).toEqual([{ file, line: 4, reason: 'not a JSON object' }]);
  });

  it('linux-kernel: a connection is a device that got a storage driver, dated by its found line', async () => {
    const file = copy('kern-usb.log');
    utimesSync(file, new Date('2026-11-19T00:00:00Z'), new Date('2026-11-19T00:00:00Z'));
    const { rejections } = await collect(source('linux-kernel', [file]));
    expect((await stored()).map((r) => [r.day, r.host, r.device, r.firstAt, r.vendorId, r.productId, r.vendor ?? null, r.product ?? null])).toEqual([
      ['2026-10-07', 'dev01', 's:4C530001230405117063', '2026-10-07T09:00:00.000+09:00', '0781', '5567', 'SanDisk', 'Cruzer Blade'],
      ['2026-10-07', 'dev02', 's:60A44C3FACC9E3A0B9A1D0C4', '2026-10-07T10:00:00.000+09:00', '0951', '1666', null, null],
      // Found 23:59:30, its storage driver at 00:00:05 the next day: the connection is of 10-07.
      ['2026-10-07', 'dev03', 's:4C530001230405117063', '2026-10-07T23:59:30.000+09:00', '0781', '5567', null, null],
    ]);
    expect(rejections.map((r) => [r.line, r.reason.slice(0, 40)])).toEqual([
      [20, 'a kernel USB line without a wall-clock t'],
      [21, 'unparseable time'],
    ]);
  });
});

describe('across runs', () => {
  it('only new complete lines are read; a device whose lines straddle two runs is one connection', async () => {
    const all = readFileSync(join(FIXTURES, 'kern-usb.log'), 'utf8').split('\n');
    const file = join(dir, 'kern.log');
    // Up to dev02's SerialNumber line (line 15), and half of the next line, not yet ended.
    writeFileSync(file, `${all.slice(0, 15).join('\n')}\n${all[15]!.slice(0, 20)}`);
    utimesSync(file, new Date('2026-11-19T00:00:00Z'), new Date('2026-11-19T00:00:00Z'));
    const src = source('linux-kernel', [join(dir, '*.log')]);
    const first = await collect(src);
    expect(first.facts.map((f) => f.host)).toEqual(['dev01']);
    // The rest of the unfinished line, and the rest of the file.
    appendFileSync(file, `${all[15]!.slice(20)}\n${all.slice(16).join('\n')}`);
    utimesSync(file, new Date('2026-11-19T00:00:00Z'), new Date('2026-11-19T00:00:00Z'));
    const second = await collect(src);
    expect(second.facts.map((f) => f.host)).toEqual(['dev02', 'dev03']);
    expect(second.rejections.map((r) => r.line)).toEqual([20, 21]);
    const third = await collect(src);
    expect([third.facts.length, third.rejections.length]).toEqual([0, 0]);
    expect((await stored()).map((r) => r.host)).toEqual(['dev01', 'dev02', 'dev03']);
  });

  it('an export read again, grown or rewritten, changes no device-day', async () => {
    const file = copy('defender-usb.csv');
    await collect(source('defender-csv', [file]));
    const before = await stored();
    // Unchanged: not read at all.
    expect((await collect(source('defender-csv', [file]))).facts).toEqual([]);
    // Grown by one row: read whole again; the known rows merge into the same records.
    appendFileSync(file, '2026-10-09T01:00:00.000Z,x,PC-0099,UsbDriveMounted,,taro@example.co.jp,"{""SerialNumber"":""NEW1""}"\n');
    const again = await collect(source('defender-csv', [file]));
    expect(again.facts).toHaveLength(4);
    const after = await stored();
    expect(after.filter((r) => r.host !== 'pc-0099')).toEqual(before);
    expect(after.map((r) => r.device)).toContain('s:NEW1');
  });

  it('a file in another format fails alone; the run names it and the other file counts', async () => {
    const good = copy('winlogbeat-6416.ndjson');
    const bad = join(dir, 'access.ndjson');
    writeFileSync(bad, Array.from({ length: 30 }, (_, i) => `192.0.2.1 - u${i} [01/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1\n`).join(''));
    const { out } = await collect(source('ecs-json', [join(dir, '*.ndjson')]));
    expect(out.failedFiles).toEqual([{ file: bad, error: '30 of 30 lines are not ecs-json lines; is the source\'s format right?' }]);
    expect((await stored()).every((r) => r.where === good)).toBe(true);
    // Only the bad file: the source fails.
    await rm(good);
    await expect(collect(source('ecs-json', [bad]))).rejects.toThrow(/30 of 30 lines are not ecs-json lines/);
  });
});
