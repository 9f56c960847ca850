/** Words every people-facing output shares: statuses, directions, units. */
import type { Status } from '../kpi/types.ts';
import { defineTexts } from './language.ts';

export const commonTexts = defineTexts({
  en: {
    status: { met: 'met', at_risk: 'at risk', missed: 'missed', no_data: 'no data' } satisfies Record<Status, string>,
    direction: { at_least: 'at least', at_most: 'at most' },
    days: (n: number) => (n === 1 ? '1 day' : `${n} days`),
    hours: (n: number) => (n === 1 ? '1 hour' : `${n} hours`),
    none: 'none',
    never: 'never',
  },
  ja: {
    status: { met: '達成', at_risk: '注意', missed: '未達', no_data: 'データなし' },
    direction: { at_least: '以上', at_most: '以下' },
    days: (n: number) => `${n}日`,
    hours: (n: number) => `${n}時間`,
    none: 'なし',
    never: 'なし',
  },
});
