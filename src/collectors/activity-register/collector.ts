/** Activity register CSV → performances (a snapshot: the register as a whole). */
import { csvRegisterCollector } from '../csv/register.ts';
import { ACTIVITY_FIELDS, parseActivityRow } from './parse.ts';

export const activityRegisterCollector = csvRegisterCollector({ sourceKind: 'activity-register', recordKind: 'activity', fields: ACTIVITY_FIELDS, what: 'performance (activity, time, performer)', parse: parseActivityRow });
