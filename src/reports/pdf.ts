/**
 * The PDF is the same HTML printed by headless Chromium (the system's, through playwright-core):
 * A4, backgrounds kept (status colours), page numbers in the footer. Japanese is set in the
 * system's CJK font (Debian fonts-noto-cjk), named first in the stylesheet. The provenance is
 * written into the PDF's document information (pdf-lib) so `report --verify` can read it.
 */
import { PDFDocument } from 'pdf-lib';
import type { Language } from '../i18n/catalogue.ts';
import { renderFragment } from '../pages/render.ts';
import { launchChromium } from './chromium.ts';
import type { Provenance } from './model.ts';

/** The keyword (document information /Keywords) that carries the provenance, base64url JSON. */
export const PDF_PROVENANCE_KEYWORD = 'isms-kpi-provenance:';

/** Chromium's footer, from a template like the pages' own, so the organisation's name is escaped. */
function footer(lang: Language, org: string): string {
  return renderFragment('pdf-footer', lang, { org });
}

export async function htmlToPdf(html: string, opts: { lang: Language; org: string; title: string; provenance: Provenance; executablePath?: string }): Promise<Uint8Array> {
  const chromium = await launchChromium({ locale: opts.lang === 'ja' ? 'ja-JP' : 'en-US', ...(opts.executablePath ? { executablePath: opts.executablePath } : {}) });
  let bytes: Buffer;
  try {
    const page = await chromium.context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    bytes = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: footer(opts.lang, opts.org),
      margin: { top: '16mm', bottom: '18mm', left: '14mm', right: '14mm' },
    });
  } finally {
    await chromium.close();
  }
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  doc.setTitle(opts.title);
  doc.setAuthor(opts.org);
  doc.setCreator('isms-kpi');
  doc.setProducer('isms-kpi (Chromium, pdf-lib)');
  doc.setCreationDate(new Date(opts.provenance.at));
  doc.setModificationDate(new Date(opts.provenance.at));
  doc.setKeywords(['isms-kpi', `${PDF_PROVENANCE_KEYWORD}${Buffer.from(JSON.stringify(opts.provenance)).toString('base64url')}`]);
  return doc.save({ useObjectStreams: false });
}

/** The provenance a PDF written by htmlToPdf carries, or undefined. */
export async function pdfProvenance(bytes: Uint8Array): Promise<Provenance | undefined> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const token = (doc.getKeywords() ?? '').split(/\s+/).find((k) => k.startsWith(PDF_PROVENANCE_KEYWORD));
  if (!token) return undefined;
  return JSON.parse(Buffer.from(token.slice(PDF_PROVENANCE_KEYWORD.length), 'base64url').toString('utf8')) as Provenance;
}
