/** Removable-media approvals register (CSV) → approvals (a snapshot: the register as a whole). */
import { csvRegisterCollector } from '../csv/register.ts';
import { APPROVAL_FIELDS, parseApprovalRow } from './parse.ts';

export const mediaApprovalsCollector = csvRegisterCollector({ sourceKind: 'removable-media-approvals', recordKind: 'media-approval', fields: APPROVAL_FIELDS, what: 'approval id', parse: parseApprovalRow });
