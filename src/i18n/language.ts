/** The languages people read isms-kpi in (`organisation.language`). */
export type Language = 'en' | 'ja';
export const LANGUAGES: readonly Language[] = ['en', 'ja'];

/**
 * One area's texts in every language. `ja` must have exactly the keys of `en` (the type says
 * so, and test/i18n checks it at run time too), so a missing translation fails the build.
 */
export interface Texts<T> {
  en: T;
  ja: NoInfer<T>;
}

/** Define an area's texts: `defineTexts({ en: {...}, ja: {...} })`. */
export function defineTexts<T extends object>(texts: Texts<T>): Texts<T> {
  return texts;
}
