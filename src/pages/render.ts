/**
 * HTML from the templates in ./templates (Eta, which escapes every `<%= %>` value; `<%~ %>`
 * is used only for SVG rendered by charts.ts and for the layout's own body). Pages link the
 * stylesheet; the report inlines it so the file stands alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { messages, type Language, type Messages } from '../i18n/catalogue.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const eta = new Eta({ views: `${HERE}templates`, autoEscape: true, autoTrim: [false, 'nl'], cache: true });

/** Static files served under /assets/ (and inlined into the report). */
export const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(`${HERE}assets/app.css`, 'utf8') },
};

export interface LayoutData {
  lang: Language;
  org: string;
  title: string;
  asOfText: string;
  nav?: 'register' | 'health';
  /** A self-contained document (the report): stylesheet inlined, no navigation. */
  report?: boolean;
  meta?: { name: string; content: string }[];
}

export function renderPage(template: string, layout: LayoutData, data: object): string {
  const t: Messages = messages(layout.lang);
  const body = eta.render(`./${template}`, { ...data, t, lang: layout.lang });
  return eta.render('./layout', { ...layout, t, body, ...(layout.report ? { inlineCss: ASSETS['app.css']!.body } : {}) });
}

/** A template without the page layout (the PDF footer). */
export function renderFragment(template: string, lang: Language, data: object): string {
  return eta.render(`./${template}`, { ...data, t: messages(lang), lang });
}
