/**
 * A failing subject's reason: its code and parameters for the message catalogue, and the
 * English text kept in `reason` (what scripts read). One source for both, so they never differ.
 */
import { reasonTexts, type ReasonCode, type ReasonParams } from '../i18n/reasons.ts';
import type { FailingSubject } from './types.ts';

export function reason<C extends ReasonCode>(code: C, ...args: ReasonParams<C> extends Record<string, never> ? [] : [ReasonParams<C>]): Pick<FailingSubject, 'reason' | 'reasonCode' | 'reasonParams'> {
  const params = (args[0] ?? {}) as NonNullable<FailingSubject['reasonParams']>;
  const text = (reasonTexts.en[code] as (p: unknown) => string)(params);
  return args.length > 0 ? { reason: text, reasonCode: code, reasonParams: params } : { reason: text, reasonCode: code };
}
