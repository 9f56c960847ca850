/** Helpers for tests in real headless Chromium (Debian's, through playwright-core). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Console errors and uncaught page errors, collected from now on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page. axe is evaluated through the
 * DevTools protocol, which the page's Content-Security-Policy (no script) does not govern.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run())) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
}

/**
 * Each PDF page rendered by poppler's pdftoppm (grey, 30 dpi) and the share of the pixels of its
 * body (above the bottom margin, where the page number is) that are not white: a page with only
 * its number is 0.
 */
export function inkPerPage(pdf: string): number[] {
  const out: number[] = [];
  const pages = Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1] ?? 0);
  for (let page = 1; page <= pages; page++) {
    const pgm = execFileSync('pdftoppm', ['-gray', '-r', '30', '-f', String(page), '-l', String(page), pdf], { maxBuffer: 1 << 26 });
    // Binary PGM: "P5\n<w> <h>\n<max>\n" then w×h bytes.
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
    if (!header) throw new Error(`pdftoppm gave no PGM for page ${page}`);
    const width = Number(header[1]);
    const height = Number(header[2]);
    // The A4 page is 297 mm high; the footer lives in the bottom 18 mm margin.
    const bodyRows = Math.floor((height * (297 - 18)) / 297);
    const pixels = pgm.subarray(header[0].length, header[0].length + width * bodyRows);
    let ink = 0;
    for (const p of pixels) if (p < 200) ink++;
    out.push(ink / pixels.length);
  }
  return out;
}

/** The text poppler's pdftotext reads from a PDF (Chromium's glyphs carry their Unicode). */
export function pdfText(pdf: string): string {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

/**
 * The fonts Chromium actually drew an element's text with (DevTools' CSS.getPlatformFontsForNode),
 * with how many glyphs each: Japanese drawn in a CJK font, not in boxes of a fallback.
 */
export async function fontsUsed(page: Page, selector: string): Promise<{ familyName: string; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => ({ familyName: f.familyName, glyphCount: f.glyphCount }));
  } finally {
    await cdp.detach();
  }
}
