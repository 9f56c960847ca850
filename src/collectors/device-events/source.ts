/**
 * The `device-events` source kind: connections of removable storage (USB sticks, disks,
 * phones as storage) → device-days per host, user and device, from Winlogbeat's event 6416 in
 * ECS JSON lines, Microsoft Defender for Endpoint `DeviceEvents` exports (UsbDriveMounted; CSV
 * or JSON) or Linux kernel / syslog lines. Accumulating: each run reads what is new.
 */
import { z } from 'zod';
import { commonSourceFields, dateFormatField, pathField } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';
export type { DeviceDayRecord } from './records.ts';

export const deviceEventsSourceSchema = z
  .strictObject({
    ...commonSourceFields,
    kind: z.literal('device-events'),
    format: z.enum(['ecs-json', 'defender-csv', 'defender-json', 'linux-kernel']),
    /** Glob(s) of the files; rotated `.1`, `.2.gz` siblings of line formats are found by the glob. */
    paths: z.array(pathField).min(1).optional(),
    /** One file or glob (the same as `paths` with one entry). */
    path: pathField.optional(),
    /** For Defender exports whose Timestamp is not ISO-8601. */
    dateFormat: dateFormatField,
  })
  .superRefine((s, ctx) => {
    if (s.paths !== undefined && s.path !== undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'give the files as `path` (one file or glob) or `paths` (a list), not both' });
    if (s.paths === undefined && s.path === undefined) ctx.addIssue({ code: 'custom', path: ['paths'], message: 'no files: give `path` (one file or glob) or `paths` (a list)' });
  })
  .transform((s) => ({ ...s, paths: s.paths ?? [s.path!] }));
export type DeviceEventsSourceConfig = z.output<typeof deviceEventsSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'device-events': DeviceEventsSourceConfig;
  }
}

export const deviceEventsSourceKind = defineSourceKind({
  kind: 'device-events',
  summary: 'removable-storage connections (Winlogbeat 6416 ECS lines, Defender DeviceEvents CSV/JSON, Linux kernel lines): device-days',
  config: deviceEventsSourceSchema,
  records: 'device-day',
  semantics: 'accumulating',
  load: async () => (await import('./collector.ts')).deviceEventsCollector,
});
