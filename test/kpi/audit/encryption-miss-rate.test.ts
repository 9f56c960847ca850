/**
 * Audit of encryption-miss-rate against KPIS.md, by hand. Internal domain example.co.jp.
 * T = 2026-11-25 12:00 JST; the month is [2026-11-01 00:00 JST, T].
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { AttachmentInfo, MailRecord } from '../../../src/evidence/records.ts';
import { encryptionMissRate } from '../../../src/kpi/encryption-miss-rate.ts';
import { ctx } from '../helpers.ts';

const T = '2026-11-25T12:00:00+09:00';
const obj = parseObjective({ id: 'o', title: 'o', kpi: 'encryption-miss-rate', target: 0, direction: 'at_most', period: 'month' });
const plain: AttachmentInfo = { name: 'a.pdf', contentType: 'application/pdf', size: 1, encrypted: false, reason: 'plain pdf' };
const encPdf: AttachmentInfo = { name: 'b.pdf', contentType: 'application/pdf', size: 1, encrypted: true, reason: 'pdf: /Encrypt in trailer' };
const encZip: AttachmentInfo = { name: 'c.zip', contentType: 'application/zip', size: 1, encrypted: true, reason: 'zip: all entries encrypted' };
const m = (messageId: string, over: Partial<MailRecord> = {}): MailRecord => ({
  messageId, date: '2026-11-10T10:00:00+09:00', sender: 's@example.co.jp', senderDomain: 'example.co.jp', externalRecipientDomains: ['client.example'], protected: false, attachments: [plain], ...over,
});

describe('encryption-miss-rate (audit)', () => {
  it('population and misses', () => {
    const mails = [
      m('m1', { senderDomain: 'EXAMPLE.CO.JP' }), // sender domain compared case-insensitively: population, miss
      m('m2', { externalRecipientDomains: ['EXAMPLE.CO.JP', 'Client.Example'], attachments: [encZip] }), // population, encrypted
      m('m3', { protected: true, protection: 'S/MIME enveloped-data' }), // protected as a whole: population, not a miss
      m('m4', { notInspectable: 'MIME part limit', attachments: [] }), // could not be inspected: population, miss
      m('m5', { notInspectable: 'MIME part limit', attachments: [], protected: true, protection: 'PGP/MIME' }), // protected: population, not a miss
      m('m6', { attachments: [] }), // no attachment: out
      m('m7', { externalRecipientDomains: ['example.co.jp'] }), // internal recipients only: out
      m('m8', { attachments: [encPdf, plain] }), // one unencrypted attachment: miss
      m('m9', { date: T }), // exactly T: population, miss
      m('m10', { date: '2026-11-25T12:00:00.001+09:00' }), // after T: out
      m('m11', { date: '2026-10-31T23:59:59.999+09:00' }), // last month: out
      m('m8', { where: 'another journal' }), // the same message again: once
    ];
    const r = encryptionMissRate(mails, ctx(obj, T));
    // Population m1 m2 m3 m4 m5 m8 m9 = 7; misses m1 m4 m8 m9 = 4.
    expect([r.numerator, r.denominator]).toEqual([4, 7]);
    expect(r.value).toBeCloseTo(4 / 7, 12);
    expect(r.failing.map((f) => f.id)).toEqual(['m1', 'm4', 'm8', 'm9']);
    expect(r.failing.find((f) => f.id === 'm8')?.details.unencryptedAttachments).toEqual(['a.pdf (application/pdf)']);
    expect(r.failing.find((f) => f.id === 'm2')).toBeUndefined();
  });
  it('no outbound message with an attachment: no_data', () => {
    const r = encryptionMissRate([m('x', { attachments: [] })], ctx(obj, T));
    expect([r.value, r.status]).toEqual([null, 'no_data']);
  });
});
