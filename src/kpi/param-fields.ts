/**
 * Param fields several KPIs share, as zod schemas: each KPI's `params` is a strict object built
 * from these and its own fields, so `graceDays: -5`, `slaHours: "abc"` or a misspelt name is
 * refused when the config is loaded, with the field named.
 */
import { z } from 'zod';

/** A whole number of days, 0 ≤ n ≤ 3660 (ten years). */
export const days = (min = 0) => z.number().int().min(min).max(3660);

/** A whole number of hours, 0 ≤ n ≤ 87840 (ten years). */
export const hours = () => z.number().min(0).max(87_840);

/** A list of names; a single name is taken as a list of one. */
export const nameList = z.union([z.string().min(1).transform((s) => [s]), z.array(z.string().min(1))]);

/** `departments`: keep only people (and their accounts) of these departments. */
export const departmentsParam = { departments: nameList.optional() };

/** `groups`: keep only accounts in these IdP groups. */
export const groupsParam = { groups: nameList.optional() };

/** `excludeServiceAccounts`: leave service accounts out of an account population. */
export const excludeServiceAccountsParam = { excludeServiceAccounts: z.boolean().default(false) };
