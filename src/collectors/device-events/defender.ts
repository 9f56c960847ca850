/**
 * Microsoft Defender for Endpoint advanced hunting `DeviceEvents` rows (exported as CSV or JSON)
 * with ActionType `UsbDriveMounted`: Timestamp, DeviceName, the initiating process's account
 * (usually the system: a mount is done by the OS, so often no user), and AdditionalFields, a
 * JSON object (a string in CSV and in the API's rows) with DriveLetter, BusType, ProductName,
 * SerialNumber, Manufacturer, Volume. Other action types are passed over. Pure.
 */
import { parseTimestamp } from '../time.ts';
import { normaliseSerial, personalUser, type DeviceEvent } from './device.ts';

export const DEFENDER_REJECT = {
  time: 'missing or unreadable Timestamp',
  host: 'UsbDriveMounted without DeviceName',
  fields: 'AdditionalFields is not a JSON object',
} as const;

/** The columns a row may carry, by their Defender names. */
export type DefenderRow = Partial<Record<'Timestamp' | 'DeviceName' | 'ActionType' | 'AccountName' | 'AccountUpn' | 'InitiatingProcessAccountName' | 'InitiatingProcessAccountUpn' | 'AdditionalFields', unknown>>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function fields(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function classifyDefenderRow(row: DefenderRow, opts: { zone: string; dateFormat?: string }): DeviceEvent | undefined | { field: string; reason: string } {
  if (str(row.ActionType)?.toLowerCase() !== 'usbdrivemounted') return undefined;
  const ts = str(row.Timestamp);
  const t = ts ? parseTimestamp(ts, { zone: opts.zone, format: opts.dateFormat }) : undefined;
  if (!t?.ok) return { field: 'Timestamp', reason: t ? `Timestamp: ${t.error}` : DEFENDER_REJECT.time };
  const host = str(row.DeviceName);
  if (!host) return { field: 'DeviceName', reason: DEFENDER_REJECT.host };
  const extra = fields(row.AdditionalFields);
  if (!extra) return { field: 'AdditionalFields', reason: DEFENDER_REJECT.fields };
  const user =
    personalUser(row.InitiatingProcessAccountUpn) ?? personalUser(row.AccountUpn) ?? personalUser(row.InitiatingProcessAccountName) ?? personalUser(row.AccountName);
  const serial = normaliseSerial(str(extra.SerialNumber));
  const vendor = str(extra.Manufacturer);
  const product = str(extra.ProductName);
  return {
    time: Date.parse(t.value),
    host: host.toLowerCase(),
    ...(user ? { user } : {}),
    ...(vendor ? { vendor } : {}),
    ...(product ? { product } : {}),
    ...(serial ? { serial } : {}),
    deviceClass: 'UsbDriveMounted',
  };
}
