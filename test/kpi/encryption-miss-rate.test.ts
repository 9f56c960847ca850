/**
 * encryption-miss-rate per KPIS.md, on hand-made MailRecords; expected population, misses and
 * failing subjects counted by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { AttachmentInfo, MailRecord } from '../../src/evidence/records.ts';
import { STORE_FACTORIES } from '../evidence/helpers/stores.ts';
import { emptyBundle } from '../../src/kpi/bundle.ts';
import { EncryptionMissAccumulator, encryptionMissRate, encryptionMissRateKpi } from '../../src/kpi/encryption-miss-rate.ts';
import { ctx, objective } from './helpers.ts';

const OBJ = objective({ kpi: 'encryption-miss-rate', target: 0, direction: 'at_most', period: 'month' });
const AT = '2026-11-25T03:00:00Z'; // 12:00 in Tokyo; the month is [2026-11-01 00:00 +09:00, T]

const pdf: AttachmentInfo = { name: 'plan.pdf', contentType: 'application/pdf', size: 100, encrypted: false, reason: 'pdf: no /Encrypt in trailer' };
const docx: AttachmentInfo = { name: 'contract.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 200, encrypted: false, reason: 'zip: entry not encrypted (11 file entries)' };
const encZip: AttachmentInfo = { name: 'data.zip', contentType: 'application/zip', size: 300, encrypted: true, reason: 'zip: all 2 file entries encrypted (AES)' };

function mail(id: string, over: Partial<MailRecord> = {}): MailRecord {
  return { messageId: id, date: '2026-11-10T10:00:00+09:00', sender: 'taro@example.co.jp', senderDomain: 'example.co.jp', externalRecipientDomains: ['client.example'], protected: false, attachments: [pdf], ...over };
}

const RECORDS: MailRecord[] = [
  mail('plain'), //                                                         population, miss
  mail('enc', { attachments: [encZip] }), //                                population
  mail('mixed', { attachments: [encZip, docx], externalRecipientDomains: ['b.example', 'a.example'] }), // population, miss (docx only)
  mail('internal', { externalRecipientDomains: [] }), //                     out: no external recipient
  mail('noatt', { attachments: [] }), //                                     out: no attachment
  mail('smime', { protected: true, protection: 'S/MIME enveloped-data', attachments: [] }), // population
  mail('old', { date: '2026-10-31T23:59:59+09:00' }), //                    out: before the month in Tokyo
  mail('edge', { date: '2026-10-31T15:00:00Z' }), //                        = 11-01 00:00 Tokyo: population, miss
  mail('future', { date: '2026-11-25T03:00:01Z' }), //                      out: after T
  mail('plain', { where: 'second journal' }), //                            duplicate id: counted once
  mail('big', { tooLarge: true, attachments: [] }), //                      population, miss (too large)
  mail('bigsmime', { tooLarge: true, protected: true, protection: 'S/MIME enveloped-data', attachments: [] }), // population
  mail('nowinternal', { externalRecipientDomains: ['EXAMPLE.co.jp'] }), //   out: the domain is internal
  mail('inbound', { senderDomain: 'client.example', sender: 'x@client.example' }), // out: sender outside
];
// Population: plain, enc, mixed, smime, edge, big, bigsmime = 7. Misses: plain, mixed, edge, big = 4.

describe('encryption-miss-rate', () => {
  it('counts population and misses by the definition', () => {
    const r = encryptionMissRate(RECORDS, ctx(OBJ, AT));
    expect(r.denominator).toBe(7);
    expect(r.numerator).toBe(4);
    expect(r.value).toBeCloseTo(4 / 7, 12);
    expect(r.status).toBe('missed');
    expect(r.period.from).toBe('2026-11-01T00:00:00.000+09:00');
    // Oldest first, then by id: edge (11-01 00:00 Tokyo), then big, mixed, plain (all 11-10 10:00).
    expect(r.failing.map((f) => f.id)).toEqual(['edge', 'big', 'mixed', 'plain']);
  });

  it('a failing subject names the message, date, sender, external domains and only the unencrypted attachments', () => {
    const r = encryptionMissRate(RECORDS, ctx(OBJ, AT));
    const mixed = r.failing.find((f) => f.id === 'mixed')!;
    expect(mixed).toEqual({
      type: 'message',
      id: 'mixed',
      reason: '1 unencrypted attachment sent outside: contract.docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document)',
      details: {
        date: '2026-11-10T10:00:00+09:00',
        sender: 'taro@example.co.jp',
        externalRecipientDomains: ['a.example', 'b.example'],
        unencryptedAttachments: ['contract.docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document)'],
        reasons: ['zip: entry not encrypted (11 file entries)'],
        tooLarge: false,
        notInspectable: null,
        where: null,
      },
    });
    expect(r.failing.find((f) => f.id === 'big')!.reason).toBe('not inspectable: too large; counted as not encrypted');
  });

  it('all protected or encrypted → 0, met; no message in the population → no_data, never 0', () => {
    const ok = encryptionMissRate([mail('a', { attachments: [encZip] }), mail('b', { protected: true, attachments: [] })], ctx(OBJ, AT));
    expect([ok.value, ok.numerator, ok.denominator, ok.status]).toEqual([0, 0, 2, 'met']);
    const none = encryptionMissRate([mail('c', { externalRecipientDomains: [] })], ctx(OBJ, AT));
    expect([none.value, none.denominator, none.status]).toEqual([null, 0, 'no_data']);
  });

  it('warning threshold: 1 miss in 20 with target 0 and warning 0.1 → at_risk', () => {
    const recs = Array.from({ length: 20 }, (_, i) => mail(`m${i}`, { attachments: [i === 0 ? pdf : encZip] }));
    const r = encryptionMissRate(recs, ctx(objective({ kpi: 'encryption-miss-rate', target: 0, warning: 0.1, direction: 'at_most', period: 'month' }), AT));
    expect([r.value, r.status]).toEqual([0.05, 'at_risk']);
  });

  for (const factory of STORE_FACTORIES) it(`evaluateStream over the ${factory.name} store gives the same result as the accumulator`, async () => {
    const handle = await factory.create();
    const store = handle.store;
    await store.writeFacts({ source: 'journal', kind: 'mail', observedAt: new Date('2026-11-20T00:00:00Z'), facts: RECORDS.slice(0, 9).map((d) => ({ key: d.messageId, data: d })) });
    await store.writeFacts({ source: 'journal2', kind: 'mail', observedAt: new Date('2026-11-20T00:00:00Z'), facts: RECORDS.slice(9).map((d) => ({ key: d.messageId, data: d })) });
    const c = ctx(OBJ, AT);
    const r = await encryptionMissRateKpi.evaluateStream!(emptyBundle(), { readFacts: (kind) => store.readFacts(kind, c.at) }, c);
    expect([r.numerator, r.denominator]).toEqual([4, 7]);
    const acc = new EncryptionMissAccumulator(c);
    for (const m of RECORDS) acc.add(m);
    expect(acc.result().failing.map((f) => f.id).sort()).toEqual(r.failing.map((f) => f.id).sort());
    await handle.cleanup();
  });
});

describe('encryption-miss-rate: messages that could not be inspected whole (issue 12, item 4)', () => {
  const hidden = (id: string, over: Partial<MailRecord>) => mail(id, { attachments: [], notInspectable: 'more than 10000 MIME parts', ...over });
  const recs: MailRecord[] = [
    hidden('parts', {}), //                                                      population, miss (no attachment visible)
    hidden('depth', { notInspectable: 'MIME parts nested deeper than 64 levels', attachments: [encZip] }), // population, miss: the visible one is encrypted, the rest unseen
    hidden('unclosed', { notInspectable: 'a multipart/mixed part whose closing boundary is missing', attachments: [pdf] }), // population, miss
    hidden('smime', { protected: true, protection: 'S/MIME enveloped-data', notInspectable: undefined }), // population, protected
    hidden('internal', { externalRecipientDomains: [] }), //                     out: no external recipient
    hidden('outside-period', { date: '2026-10-01T10:00:00+09:00' }), //          out: before the month
    mail('enc', { attachments: [encZip] }), //                                   population, no miss
  ];
  // Population: parts, depth, unclosed, smime, enc = 5; misses: parts, depth, unclosed = 3.

  it('counts them in the population as misses, never absent and never encrypted', () => {
    const r = encryptionMissRate(recs, ctx(OBJ, AT));
    expect([r.numerator, r.denominator]).toEqual([3, 5]);
    expect(r.failing.map((f) => f.id).sort()).toEqual(['depth', 'parts', 'unclosed']);
  });

  it('names why in the reason, with any unencrypted attachment that was seen', () => {
    const r = encryptionMissRate(recs, ctx(OBJ, AT));
    const by = new Map(r.failing.map((f) => [f.id, f]));
    expect(by.get('parts')!.reason).toBe('not inspectable: more than 10000 MIME parts; counted as not encrypted');
    expect(by.get('depth')!.reason).toBe('not inspectable: MIME parts nested deeper than 64 levels; counted as not encrypted');
    expect(by.get('unclosed')!.reason).toBe('not inspectable: a multipart/mixed part whose closing boundary is missing; counted as not encrypted; 1 unencrypted attachment sent outside: plan.pdf (application/pdf)');
    expect(by.get('unclosed')!.details.notInspectable).toBe('a multipart/mixed part whose closing boundary is missing');
  });
});
