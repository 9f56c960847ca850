/**
 * encryption-miss-rate — "attachments to outside parties are encrypted" (KPIS.md, A.5.14, A.8.24).
 *
 * Mail is the largest evidence there is, so the KPI is an accumulator fed one stored message at
 * a time (`add`, then `result`); memory grows with the population's message ids and the misses,
 * not with everything the journal held.
 *
 * Choices where KPIS.md leaves room, each for a reason:
 * - Sender and recipient domains are compared again with the organisation's internal domains at
 *   evaluation (case-insensitive, exact domain), so a changed domain list applies to old evidence.
 * - A message stored twice (two journals, two sources) counts once, by message id.
 * - A message that could not be inspected whole (too large, a MIME limit reached, a boundary never
 *   closed: the collector names why in `notInspectable`) is in the population when it has an
 *   external recipient: attachments may be hidden, so unless its top-level structure proves
 *   protection it is a miss ("not inspectable: …"), never absent and never encrypted.
 * - A message protected as a whole is in the population even without visible attachments.
 */
import type { MailRecord } from '../evidence/records.ts';
import { inWindow, periodAt, type PeriodWindow } from './period.ts';
import { z } from 'zod';
import { defineKpi } from './registry-types.ts';
import { buildResult } from './result.ts';
import { toMillis } from './time.ts';
import type { FailingSubject, KpiContext, KpiResult } from './types.ts';

export class EncryptionMissAccumulator {
  private readonly win: PeriodWindow;
  private readonly internal: Set<string>;
  private readonly zone: string;
  private readonly seen = new Set<string>();
  private population = 0;
  private misses = 0;
  private readonly failing: FailingSubject[] = [];

  constructor(private readonly ctx: KpiContext) {
    this.win = periodAt(ctx.objective.period, ctx.at, ctx.organisation);
    this.internal = new Set(ctx.organisation.internalDomains.map((d) => d.trim().toLowerCase()));
    this.zone = ctx.organisation.timeZone;
  }

  add(m: MailRecord): void {
    if (!inWindow(toMillis(m.date, this.zone), this.win)) return;
    if (!this.internal.has(m.senderDomain.toLowerCase())) return;
    const external = [...new Set(m.externalRecipientDomains.map((d) => d.toLowerCase()))].filter((d) => !this.internal.has(d)).sort();
    if (external.length === 0) return;
    const hidden = !m.protected && (m.tooLarge === true || m.notInspectable !== undefined);
    if (!m.protected && !hidden && m.attachments.length === 0) return;
    if (this.seen.has(m.messageId)) return;
    this.seen.add(m.messageId);
    this.population++;
    if (m.protected) return;
    const plain = m.attachments.filter((a) => !a.encrypted);
    if (!hidden && plain.length === 0) return;
    this.misses++;
    const listed = plain.map((a) => `${a.name ?? '(no name)'} (${a.contentType})`);
    const unencrypted = `${plain.length} unencrypted attachment${plain.length === 1 ? '' : 's'} sent outside: ${listed.join(', ')}`;
    const reason = hidden
      ? `not inspectable: ${m.notInspectable ?? 'too large'}; counted as not encrypted${plain.length ? `; ${unencrypted}` : ''}`
      : unencrypted;
    this.failing.push({
      type: 'message',
      id: m.messageId,
      reason,
      details: {
        date: m.date,
        sender: m.sender,
        externalRecipientDomains: external,
        unencryptedAttachments: listed,
        reasons: plain.map((a) => a.reason),
        tooLarge: m.tooLarge === true,
        notInspectable: hidden ? (m.notInspectable ?? 'too large') : null,
        where: m.where ?? null,
      },
    });
  }

  result(): KpiResult {
    // Oldest first (by instant, whatever offset each date carries), then by message id.
    const ms = (f: FailingSubject) => toMillis(String(f.details.date), this.zone);
    this.failing.sort((a, b) => ms(a) - ms(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return buildResult('encryption-miss-rate', this.ctx, this.win.period, { numerator: this.misses, denominator: this.population, failing: this.failing });
  }
}

/** The KPI over records already in memory (tests, small sources). */
export function encryptionMissRate(records: Iterable<MailRecord>, ctx: KpiContext): KpiResult {
  const acc = new EncryptionMissAccumulator(ctx);
  for (const r of records) acc.add(r);
  return acc.result();
}

export const encryptionMissRateKpi = defineKpi({
  id: 'encryption-miss-rate',
  params: z.strictObject({}),
  unit: 'ratio',
  defaultTarget: 0,
  defaultDirection: 'at_most',
  reads: [{ kind: 'mail', as: 'facts' }],
  texts: {
    en: { name: 'Unencrypted attachments sent outside', definition: 'Outbound messages of the period with an external recipient and an attachment, not protected as a whole, that carry at least one unencrypted attachment.' },
    ja: { name: '添付ファイル暗号化漏れ率', definition: '期間内の社外宛て添付付き送信メールのうち、メール全体が保護されておらず、暗号化されていない添付ファイルを含むものの割合。' },
  },
  async evaluateStream(_bundle, facts, ctx) {
    const acc = new EncryptionMissAccumulator(ctx);
    for await (const row of facts.readFacts('mail')) acc.add(row.data);
    return acc.result();
  },
});
