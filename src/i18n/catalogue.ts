/**
 * The one message catalogue: every text a person reads (CLI tables, pages, reports, failing
 * subjects' reasons, alerts), by area, in every language. An area is one file of this folder
 * exporting `defineTexts({ en, ja })`, registered by one line below; KPI texts live with each
 * KPI's definition. Dates are formatted by the callers in the organisation's zone.
 */
import { accessReviewTexts } from './access-review.ts';
import { apiCheckTexts } from './api-check.ts';
import { cliTexts } from './cli.ts';
import { collectionTexts } from './collection.ts';
import { commonTexts } from './common.ts';
import { pagesTexts } from './pages.ts';
import { reasonGroupTexts, reasonTexts } from './reasons.ts';
import { reportTexts } from './report.ts';
import type { Language, Texts } from './language.ts';

export type { Language } from './language.ts';
export { LANGUAGES } from './language.ts';

/** Every area, by name (one line per area). */
export const CATALOGUE = {
  common: commonTexts,
  apiCheck: apiCheckTexts,
  cli: cliTexts,
  collection: collectionTexts,
  reasons: reasonTexts,
  reasonGroups: reasonGroupTexts,
  pages: pagesTexts,
  report: reportTexts,
  accessReview: accessReviewTexts,
} satisfies Record<string, Texts<object>>;

export type Catalogue = typeof CATALOGUE;
export type Messages = { [A in keyof Catalogue]: Catalogue[A]['en'] };

/** The texts of one language: `messages('ja').common.status.met` → `達成`. */
export function messages(lang: Language): Messages {
  const out = {} as Record<string, unknown>;
  for (const [area, texts] of Object.entries(CATALOGUE)) out[area] = (texts as Texts<object>)[lang];
  return out as Messages;
}
