/** Incident register CSV → incidents (a snapshot: the register as a whole). */
import { csvRegisterCollector } from '../csv/register.ts';
import { INCIDENT_FIELDS, parseIncidentRow } from './parse.ts';

export const incidentsCollector = csvRegisterCollector({ sourceKind: 'incidents', recordKind: 'incident', fields: INCIDENT_FIELDS, what: 'incident id', parse: parseIncidentRow });
