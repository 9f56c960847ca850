/**
 * Review of encryption-miss-rate against KPIS.md: edge cases the first audit does not pin.
 * Asia/Tokyo, fiscal year from April. T = 2026-11-25 12:00 JST. Expected values by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { AttachmentInfo, MailRecord } from '../../../src/evidence/records.ts';
import { emptyBundle } from '../../../src/kpi/bundle.ts';
import { encryptionMissRate, encryptionMissRateKpi } from '../../../src/kpi/encryption-miss-rate.ts';
import { sqliteFactory } from '../../evidence/helpers/stores.ts';
import { ctx, TOKYO } from '../helpers.ts';

const T = '2026-11-25T12:00:00+09:00';
const obj = (period: string, over: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'encryption-miss-rate', target: 0, direction: 'at_most', period, ...over });
const plain: AttachmentInfo = { name: 'a.pdf', contentType: 'application/pdf', size: 1, encrypted: false, reason: 'plain pdf' };
const plainXlsx: AttachmentInfo = { name: 'b.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 1, encrypted: false, reason: 'zip: entry not encrypted' };
const encZip: AttachmentInfo = { name: 'c.zip', contentType: 'application/zip', size: 1, encrypted: true, reason: 'zip: all entries encrypted' };
const m = (messageId: string, over: Partial<MailRecord> = {}): MailRecord => ({
  messageId, date: '2026-11-10T10:00:00+09:00', sender: 's@example.co.jp', senderDomain: 'example.co.jp', externalRecipientDomains: ['client.example'], protected: false, attachments: [plain], ...over,
});

describe('encryption-miss-rate (review)', () => {
  it('rolling 30 days is (T − 30 d, T]: the start instant itself is out, T is in', () => {
    // T − 30 days = 2026-10-26 12:00 JST.
    const mails = [
      m('start', { date: '2026-10-26T12:00:00+09:00' }), // = T − 30 d: out (open start)
      m('after-start', { date: '2026-10-26T12:00:00.001+09:00' }), // in, miss
      m('at-T', { date: '2026-11-25T03:00:00Z' }), // = T: in, miss
      m('enc', { date: '2026-11-01T00:00:00+09:00', attachments: [encZip] }), // in, not a miss
    ];
    const r = encryptionMissRate(mails, ctx(obj('rolling 30 days'), T));
    // Population after-start, at-T, enc = 3; misses after-start, at-T = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.value).toBeCloseTo(2 / 3, 12);
    expect(r.failing.map((f) => f.id)).toEqual(['after-start', 'at-T']);
  });

  it('fiscal quarter (April start): October–December in Tokyo, not in UTC', () => {
    // T in November → quarter [2026-10-01 00:00 JST, T]; 10-01 00:00 JST = 09-30 15:00 Z.
    const mails = [
      m('q-start', { date: '2026-09-30T15:00:00Z' }), // = 10-01 00:00 JST: in, miss
      m('q-before', { date: '2026-09-30T14:59:59.999Z' }), // 09-30 23:59:59.999 JST: out
      m('no-zone-in', { date: '2026-10-01T00:30:00' }), // no zone: read in Tokyo → in, miss
      m('no-zone-out', { date: '2026-09-30T23:30:00' }), // no zone: Tokyo 09-30 → out (in UTC it would be 10-01 08:30 JST)
    ];
    const r = encryptionMissRate(mails, ctx(obj('quarter'), T));
    // Population q-start, no-zone-in = 2, both misses.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 2, 1]);
    expect(r.period.from).toBe('2026-10-01T00:00:00.000+09:00');
  });

  it('internal domains compare case-insensitively, whichever side carries the case; every internal domain counts', () => {
    const org = { ...TOKYO, internalDomains: ['Example.CO.JP', 'group.example'] };
    const mails = [
      m('m1', { senderDomain: 'example.co.jp', externalRecipientDomains: ['GROUP.example'] }), // recipient internal (2nd domain): out
      m('m2', { senderDomain: 'Group.Example', externalRecipientDomains: ['Client.Example', 'client.example', 'EXAMPLE.co.jp'] }), // internal sender, one external domain: in, miss
      m('m3', { senderDomain: 'partner.example', externalRecipientDomains: ['client.example'] }), // sender outside: out
      m('m4', { externalRecipientDomains: ['b.example', 'A.example'] }), // in, miss
    ];
    const r = encryptionMissRate(mails, ctx(obj('month'), T, { org }));
    // Population m2, m4 = 2; misses 2.
    expect([r.numerator, r.denominator]).toEqual([2, 2]);
    const by = new Map(r.failing.map((f) => [f.id, f]));
    // The failing subject lists the external recipient domains (each once, internal ones left out).
    expect(by.get('m2')!.details.externalRecipientDomains).toEqual(['client.example']);
    expect(by.get('m4')!.details.externalRecipientDomains).toEqual(['a.example', 'b.example']);
  });

  it('protected as a whole: in the population and never a miss, whatever attachments seem to be there', () => {
    const mails = [
      m('smime', { protected: true, protection: 'S/MIME enveloped-data', attachments: [plain] }), // in, protected
      m('pgp', { protected: true, protection: 'PGP/MIME', attachments: [] }), // in, protected
      m('pgp-internal', { protected: true, protection: 'PGP/MIME', externalRecipientDomains: [] }), // no external recipient: out
      m('mixed', { attachments: [encZip, plain, plainXlsx] }), // in, miss: two unencrypted attachments
      m('all-enc', { attachments: [encZip, { ...encZip, name: 'd.pdf', contentType: 'application/pdf' }] }), // in, not a miss
    ];
    const r = encryptionMissRate(mails, ctx(obj('month', { warning: 0.25 }), T));
    // Population smime, pgp, mixed, all-enc = 4; miss mixed = 1 → 0.25; target 0, warning 0.25 → at_risk.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([1, 4, 0.25, 'at_risk']);
    const f = r.failing[0]!;
    expect(f.id).toBe('mixed');
    expect(f.details.unencryptedAttachments).toEqual(['a.pdf (application/pdf)', `b.xlsx (${plainXlsx.contentType})`]);
    expect([f.details.date, f.details.sender]).toEqual(['2026-11-10T10:00:00+09:00', 's@example.co.jp']);
  });

  it('a message stored twice is one message; a miss rate with no miss is met', () => {
    const mails = [m('dup', { attachments: [encZip] }), m('dup', { attachments: [encZip], where: 'journal 2' }), m('other', { attachments: [encZip] })];
    const r = encryptionMissRate(mails, ctx(obj('month'), T));
    // Population dup, other = 2; misses 0 → 0 ≤ 0 → met.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 2, 0, 'met']);
  });

  it('evidence observed after T is not read (store)', async () => {
    const handle = await sqliteFactory.create();
    try {
      const store = handle.store;
      await store.writeFacts({ source: 'journal', kind: 'mail', observedAt: new Date('2026-11-20T00:00:00Z'), facts: [m('early')].map((d) => ({ key: d.messageId, data: d })) });
      // Dated before T, but collected after T: not evidence at T.
      await store.writeFacts({ source: 'journal', kind: 'mail', observedAt: new Date('2026-11-25T03:00:00.001Z'), facts: [m('late', { attachments: [encZip] })].map((d) => ({ key: d.messageId, data: d })) });
      const c = ctx(obj('month'), T);
      const r = await encryptionMissRateKpi.evaluateStream!(emptyBundle(), { readFacts: (kind) => store.readFacts(kind, c.at) }, c);
      // Only 'early': population 1, miss 1.
      expect([r.numerator, r.denominator]).toEqual([1, 1]);
      // At a later instant both are evidence: population 2, miss 1.
      const c2 = ctx(obj('month'), '2026-11-26T12:00:00+09:00');
      const r2 = await encryptionMissRateKpi.evaluateStream!(emptyBundle(), { readFacts: (kind) => store.readFacts(kind, c2.at) }, c2);
      expect([r2.numerator, r2.denominator]).toEqual([1, 2]);
    } finally {
      await handle.cleanup();
    }
  });
});
