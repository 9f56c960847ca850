/** The record kind `device-day` of the device-events source kind (apart from source.ts, so the parsers can name it). */

/**
 * Removable storage connected on one host, by one user (or none), on one day in the
 * organisation's zone: the first and last connection seen. Key: day, host, user, device.
 * Merges associatively and idempotently (first takes the min, last the max), so a file read
 * again never changes it.
 *
 * The serial is evidence (the failing subject's details), never a metric label.
 */
export interface DeviceDayRecord {
  /** `YYYY-MM-DD` in the organisation's zone. */
  day: string;
  /** The host as the event names it, lower-cased (`pc-0012`, `pc-0012.example.co.jp`). */
  host: string;
  /** The log-in name the event gives (`taro.yamada`, `taro.yamada@example.co.jp`); absent when it gives none or only the system. */
  user?: string;
  /** The device's identity: `s:<SERIAL>` when it has a serial, else `vp:<vendor>:<product>`. */
  device: string;
  /** USB vendor and product ids, 4 lower-case hex digits (`0781`, `5567`), where the event gives them. */
  vendorId?: string;
  productId?: string;
  /** Vendor and product names (`SanDisk`, `Cruzer Blade`; Windows' `SANDISK`, `CRUZER_BLADE`). */
  vendor?: string;
  product?: string;
  /** The device's serial number, upper-cased; absent when it has none (Windows then makes one up, which is dropped). */
  serial?: string;
  /** What reported it: `DiskDrive`, `WPD`, `USB` (event 6416), `UsbDriveMounted` (Defender), `usb-storage` (Linux). */
  deviceClass?: string;
  /** First and last connection that day, ISO-8601 with the organisation's offset. */
  firstAt: string;
  lastAt: string;
  /** The file the first connection was read from. */
  where?: string;
}

declare module '../../evidence/records.ts' {
  interface RecordKinds {
    'device-day': DeviceDayRecord;
  }
}
