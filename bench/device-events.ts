/**
 * Device-events benchmark (not a test; issue 14): removable-storage connections read by
 *   - isms-kpi's device-events collector (plan + read + parse + the Linux tracker + device-day
 *     aggregates), format `ecs-json` on Winlogbeat Security lines and `linux-kernel` on kernel
 *     syslog lines,
 *   - the peer on the same file: for ECS, node readline + JSON.parse of every line (the floor of
 *     any reader that builds each line's object); for kernel lines, node readline + one regex
 *     test per line (is it a USB line?), nothing kept,
 * each in its own process (peak RSS is that row's alone), at two sizes: `--lines` and 4× that.
 *
 * The inputs are generated deterministically from one fixed population: `--hosts` hosts, `--users`
 * people and `--devices` USB sticks and disks (each with a serial, an owner and 1–3 days of the
 * 30 on which it is plugged in; now and then into a colleague's PC, or at boot with no one logged
 * on). The larger file is the same organisation's 30 days at 4× the event rate, so it holds more
 * connections of the same devices: device-days (host, user, device, day) stay about the same, and
 * peak RSS should too — memory grows with devices, people and days, never with lines.
 *
 *   - Windows: Winlogbeat 8 Security events as ECS JSON lines, about 96 % of them other events
 *     the collector must pass over (4624, 4634, 4672, 4688, 5379, 4798, 4625, and 6416 of a mouse
 *     or a monitor); a connection is event 6416 for the USB device (class USB, `USB\Class_08`) and
 *     for its DiskDrive, a second apart as in config/example-data/devices/winlogbeat-6416.ndjson,
 *     and for one in three the WPD volume too; 1 line in 20,000 cut short (rejected).
 *   - Linux: a central kern.log of every host (half RFC 3164 times, half rsyslog's ISO times), the
 *     kernel's lines of a connection (new device, idVendor/idProduct, strings, Product,
 *     Manufacturer, SerialNumber, usb-storage, scsi/sd lines, later the disconnect) interleaved
 *     with other hosts' lines: UFW, AppArmor audit, EXT4, NIC, TCP, and keyboards and receivers
 *     (USB devices that are not storage).
 *
 * The generator knows which device-days its connections make; the collector's device-days (their
 * keys) and its count of rejected lines must be the same: the benchmark says so and exits non-zero
 * otherwise, or when the collector finds no device-day at all (the generator is then wrong).
 * Nothing is asserted about speed.
 *
 *   npx tsx bench/device-events.ts [--lines 1000000] [--hosts 2000] [--users 3000] [--devices 5000] [--input ecs-json|linux-kernel]
 *
 * Wall and CPU seconds are measured inside each process around the reading (start-up excluded).
 * CPU seconds (user + system) are the per-core figure on a machine shared with other work.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, utimesSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deviceDayKey } from '../src/collectors/device-events/aggregate.ts';
import { deviceEventsCollector } from '../src/collectors/device-events/collector.ts';
import type { DeviceDayRecord } from '../src/collectors/device-events/records.ts';
import { deviceEventsSourceSchema } from '../src/collectors/device-events/source.ts';
import type { CollectContext } from '../src/collectors/types.ts';
import { configSchema } from '../src/config/schema.ts';
import type { Config } from '../src/config/types.ts';
import type { Keyed } from '../src/evidence/records.ts';
import { createMemoryStore } from '../src/evidence/memory-store.ts';
import { numberArg, stringArg } from './args.ts';
import { cpuSince, lastJson, printTable, readlineJsonParse, timedChild } from './measure.ts';

const self = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const ZONE = 'Asia/Tokyo';
const DAY_MS = 86_400_000;
/** Asia/Tokyo is UTC+9 all year (no DST), so the generator can date lines without Luxon. */
const TOKYO_MS = 9 * 3_600_000;
const DAYS = 30;
/** 2026-10-01T00:00 in Tokyo. */
const START = Date.UTC(2026, 9, 1) - TOKYO_MS;
const SPAN = DAYS * DAY_MS;

class Rng {
  constructor(private seed: number) {}
  int(n: number): number {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    return (this.seed >>> 8) % n;
  }
}

const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);
/** `YYYY-MM-DD` in Tokyo. */
const tokyoDay = (t: number) => new Date(t + TOKYO_MS).toISOString().slice(0, 10);

// ---------------------------------------------------------------- the population

interface Model { vid: string; pid: string; mfr: string; product: string; ven: string; prod: string; rev: string; gb: number }

const MODELS: readonly Model[] = [
  { vid: '0781', pid: '5567', mfr: 'SanDisk', product: 'Cruzer Blade', ven: 'SANDISK', prod: 'CRUZER_BLADE', rev: '1.00', gb: 32 },
  { vid: '0781', pid: '5583', mfr: 'SanDisk', product: 'Ultra Fit', ven: 'SANDISK', prod: 'ULTRA_FIT', rev: '1.00', gb: 64 },
  { vid: '0951', pid: '1666', mfr: 'Kingston', product: 'DataTraveler 3.0', ven: 'KINGSTON', prod: 'DATATRAVELER_3.0', rev: 'PMAP', gb: 32 },
  { vid: '058f', pid: '6387', mfr: 'Generic', product: 'Flash Disk', ven: 'GENERIC', prod: 'FLASH_DISK', rev: '8.07', gb: 16 },
  { vid: '04e8', pid: '61f5', mfr: 'Samsung', product: 'Portable SSD T5', ven: 'SAMSUNG', prod: 'PORTABLE_SSD_T5', rev: '0', gb: 500 },
  { vid: '1058', pid: '25a2', mfr: 'Western Digital', product: 'Elements 25A2', ven: 'WD', prod: 'ELEMENTS_25A2', rev: '1014', gb: 1000 },
  { vid: '0930', pid: '6545', mfr: 'TOSHIBA', product: 'TransMemory', ven: 'TOSHIBA', prod: 'TRANSMEMORY', rev: 'PMAP', gb: 16 },
  { vid: '8564', pid: '1000', mfr: 'JetFlash', product: 'Mass Storage Device', ven: 'JETFLASH', prod: 'TRANSCEND_32GB', rev: '1100', gb: 32 },
  { vid: '154b', pid: '00ed', mfr: 'PNY', product: 'USB 3.0 FD', ven: 'PNY', prod: 'USB_3.0_FD', rev: 'PMAP', gb: 128 },
];

const GIVEN = ['ren', 'yumi', 'naomi', 'sakura', 'haruto', 'yui', 'sota', 'aoi', 'riku', 'hina', 'kaito', 'mio', 'takumi', 'rin', 'yuto', 'saki', 'daiki', 'mei', 'kenta', 'emi', 'shota', 'nana', 'ryo', 'ayaka', 'kenji', 'mai', 'hiroshi', 'yoko', 'taro', 'hanako'];
const FAMILY = ['okada', 'yamashita', 'mori', 'kimura', 'sato', 'suzuki', 'takahashi', 'tanaka', 'watanabe', 'ito', 'yamamoto', 'nakamura', 'kobayashi', 'kato', 'yoshida', 'yamada', 'sasaki', 'yamaguchi', 'matsumoto', 'inoue'];

interface Device { model: Model; serial: string }
/** A device plugged in on one day: by whom (none when `boot`, the machine account) and where. */
interface Slot { device: number; user: number; host: number; boot: boolean }

export interface Population {
  hosts: number;
  users: string[];
  devices: Device[];
  slotsByDay: Slot[][];
}

export function population(hosts: number, users: number, devices: number): Population {
  const rng = new Rng(20_261_001);
  const names: string[] = [];
  for (let u = 0; u < users; u++) {
    const base = `${GIVEN[u % GIVEN.length]}.${FAMILY[Math.floor(u / GIVEN.length) % FAMILY.length]}`;
    const round = Math.floor(u / (GIVEN.length * FAMILY.length));
    names.push(round === 0 ? base : `${base}${round + 1}`);
  }
  const devs: Device[] = [];
  const slotsByDay: Slot[][] = Array.from({ length: DAYS }, () => []);
  for (let d = 0; d < devices; d++) {
    const model = MODELS[rng.int(MODELS.length)]!;
    const serial = `${model.ven.slice(0, 2)}${d.toString(16).toUpperCase().padStart(5, '0')}${rng.int(1 << 24).toString(16).toUpperCase().padStart(6, '0')}`;
    devs.push({ model, serial });
    const owner = rng.int(users);
    const days = new Set<number>();
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) days.add(rng.int(DAYS));
    for (const day of days) {
      const user = rng.int(10) === 0 ? rng.int(users) : owner;
      const host = rng.int(20) === 0 ? rng.int(hosts) : user % hosts;
      slotsByDay[day]!.push({ device: d, user, host, boot: rng.int(10) === 0 });
    }
  }
  return { hosts, users: names, devices: devs, slotsByDay };
}

// ---------------------------------------------------------------- writing

class LineWriter {
  private readonly out: WriteStream;
  private chunk: string[] = [];
  bytes = 0;
  n = 0;
  constructor(file: string) {
    this.out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  }
  push(line: string): boolean {
    this.chunk.push(line);
    this.n++;
    return this.chunk.length >= 20_000;
  }
  async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const text = `${this.chunk.join('\n')}\n`;
    this.chunk = [];
    this.bytes += Buffer.byteLength(text);
    if (!this.out.write(text)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** What a generated file must give: its device-days' keys and how many lines are rejected. */
export interface Generated {
  bytes: number;
  lines: number;
  connections: number;
  expected: Set<string>;
  rejects: number;
}

function slotOf(pop: Population, t: number, rng: Rng): Slot | undefined {
  const day = Math.min(DAYS - 1, Math.max(0, Math.floor((t - START) / DAY_MS)));
  const slots = pop.slotsByDay[day]!;
  return slots.length > 0 ? slots[rng.int(slots.length)] : undefined;
}

const winHost = (h: number) => `pc-${pad(h + 1, 4)}`;
const SID = 'S-1-5-21-3623811015-3361044348-30300820';

/** The Winlogbeat 8 envelope of a Security event, up to and excluding `event_data`. */
function winHead(at: string, h: number, code: number, action: string, category: string, type: string, outcome: string, task: string, record: number): string {
  const host = winHost(h);
  return `{"@timestamp":"${at}","agent":{"type":"winlogbeat","version":"8.15.0","name":"${host}","id":"5d1f3c2a-7b9e-4f60-8a11-${pad(h, 12)}"},"ecs":{"version":"8.0.0"},"host":{"name":"${host}.example.co.jp","hostname":"${host}","os":{"family":"windows","name":"Windows 11 Pro","kernel":"10.0.22631.4317","build":"22631.4317","platform":"windows","type":"windows","version":"10.0"},"architecture":"x86_64"},"log":{"level":"information"},"event":{"code":"${code}","provider":"Microsoft-Windows-Security-Auditing","kind":"event","created":"${at}","action":"${action}","category":["${category}"],"type":["${type}"],"outcome":"${outcome}"},"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","provider_guid":"{54849625-5478-4994-a5ba-3e3b0328c30d}","event_id":"${code}","task":"${task}","opcode":"Info","keywords":["Audit ${outcome === 'failure' ? 'Failure' : 'Success'}"],"record_id":${record},"computer_name":"${host}.example.co.jp","process":{"pid":${780 + (h % 40)},"thread":{"id":${1000 + (record % 9000)}}},"api":"wineventlog"`;
}

const COMPATIBLE = 'USB\\\\Class_08&SubClass_06&Prot_50\\r\\nUSB\\\\Class_08&SubClass_06\\r\\nUSB\\\\Class_08';

/** The 6416 lines of one storage connection (USB device, DiskDrive, maybe the WPD volume). */
function win6416(at: string, h: number, subject: string, record: number, d: Device, cls: 'USB' | 'DiskDrive' | 'WPD'): string {
  const m = d.model;
  const data = cls === 'USB'
    ? `"DeviceId":"USB\\\\VID_${m.vid.toUpperCase()}&PID_${m.pid.toUpperCase()}\\\\${d.serial}","DeviceDescription":"USB Mass Storage Device","ClassId":"{36fc9e60-c465-11cf-8056-444553540000}","ClassName":"USB","VendorIds":"USB\\\\VID_${m.vid.toUpperCase()}&PID_${m.pid.toUpperCase()}&REV_0100\\r\\nUSB\\\\VID_${m.vid.toUpperCase()}&PID_${m.pid.toUpperCase()}","CompatibleIds":"${COMPATIBLE}","LocationInformation":"Port_#000${1 + (record % 4)}.Hub_#0001"`
    : cls === 'DiskDrive'
      ? `"DeviceId":"USBSTOR\\\\DISK&VEN_${m.ven}&PROD_${m.prod}&REV_${m.rev}\\\\${d.serial}&0","DeviceDescription":"${m.ven} ${m.prod} USB Device","ClassId":"{4d36e967-e325-11ce-bfc1-08002be10318}","ClassName":"DiskDrive","VendorIds":"USBSTOR\\\\Disk${m.ven}_${m.prod}${m.rev}\\r\\nUSBSTOR\\\\Disk${m.ven}_${m.prod}","CompatibleIds":"USBSTOR\\\\Disk\\r\\nUSBSTOR\\\\RAW\\r\\nGenDisk","LocationInformation":"-"`
      : `"DeviceId":"SWD\\\\WPDBUSENUM\\\\_??_USBSTOR#DISK&VEN_${m.ven}&PROD_${m.prod}&REV_${m.rev}#${d.serial}&0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}","DeviceDescription":"E:\\\\","ClassId":"{eec5ad98-8080-425f-922a-dabf3de3f69a}","ClassName":"WPD","VendorIds":"-","CompatibleIds":"wpdbusenum\\\\fs\\r\\nSWD\\\\Generic","LocationInformation":"-"`;
  const userName = subject;
  return `${winHead(at, h, 6416, 'Plug and Play Events', 'configuration', 'info', 'success', 'Plug and Play Events', record)},"event_data":{"SubjectUserSid":"${subject.endsWith('$') ? 'S-1-5-18' : `${SID}-${1100 + (record % 3000)}`}","SubjectUserName":"${subject}","SubjectDomainName":"EXAMPLE","SubjectLogonId":"0x${(record * 2654435761 >>> 0).toString(16)}",${data}}},"user":{"name":"${userName}","domain":"EXAMPLE"}}`;
}

/** Another Security event, one the collector passes over. */
function winOther(kind: number, at: string, h: number, user: string, rng: Rng, record: number): string {
  const host = winHost(h);
  const machine = `${host.toUpperCase()}$`;
  const logonId = `0x${rng.int(1 << 24).toString(16)}`;
  if (kind < 340) {
    const type = [2, 3, 3, 3, 5, 7, 10, 11][rng.int(8)]!;
    const ip = type === 3 || type === 10 ? `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}` : '127.0.0.1';
    return `${winHead(at, h, 4624, 'logged-in', 'authentication', 'start', 'success', 'Logon', record)},"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"${machine}","SubjectDomainName":"EXAMPLE","SubjectLogonId":"0x3e7","TargetUserSid":"${SID}-${1100 + rng.int(3000)}","TargetUserName":"${user}","TargetDomainName":"EXAMPLE","TargetLogonId":"${logonId}","LogonType":"${type}","LogonProcessName":"${type === 3 ? 'NtLmSsp ' : 'User32 '}","AuthenticationPackageName":"${type === 3 ? 'NTLM' : 'Negotiate'}","WorkstationName":"${host.toUpperCase()}","LogonGuid":"{00000000-0000-0000-0000-000000000000}","TransmittedServices":"-","LmPackageName":"-","KeyLength":"0","ProcessId":"0x2c4","ProcessName":"C:\\\\Windows\\\\System32\\\\svchost.exe","IpAddress":"${ip}","IpPort":"0","ImpersonationLevel":"%%1833","RestrictedAdminMode":"-","VirtualAccount":"%%1843","ElevatedToken":"%%1842"},"logon":{"type":"${type}","id":"${logonId}"}},"user":{"name":"${user}","domain":"EXAMPLE"},"source":{"ip":"${ip}","port":0,"domain":"${host.toUpperCase()}"},"process":{"pid":708,"executable":"C:\\\\Windows\\\\System32\\\\svchost.exe","name":"svchost.exe"},"related":{"user":["${user}","${machine}"],"ip":["${ip}"]}}`;
  }
  if (kind < 560) {
    return `${winHead(at, h, 4634, 'logged-out', 'authentication', 'end', 'success', 'Logoff', record)},"event_data":{"TargetUserSid":"${SID}-${1100 + rng.int(3000)}","TargetUserName":"${user}","TargetDomainName":"EXAMPLE","TargetLogonId":"${logonId}","LogonType":"3"},"logon":{"type":"Network","id":"${logonId}"}},"user":{"name":"${user}","domain":"EXAMPLE"},"related":{"user":["${user}"]}}`;
  }
  if (kind < 700) {
    return `${winHead(at, h, 4672, 'logged-in-special', 'iam', 'admin', 'success', 'Special Logon', record)},"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"SYSTEM","SubjectDomainName":"NT AUTHORITY","SubjectLogonId":"0x3e7","PrivilegeList":["SeAssignPrimaryTokenPrivilege","SeTcbPrivilege","SeSecurityPrivilege","SeTakeOwnershipPrivilege","SeLoadDriverPrivilege","SeBackupPrivilege","SeRestorePrivilege","SeDebugPrivilege","SeAuditPrivilege","SeSystemEnvironmentPrivilege","SeImpersonatePrivilege","SeDelegateSessionUserImpersonatePrivilege"]}},"user":{"name":"SYSTEM","domain":"NT AUTHORITY","id":"S-1-5-18"}}`;
  }
  if (kind < 840) {
    const exe = ['C:\\\\Windows\\\\System32\\\\conhost.exe', 'C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\OUTLOOK.EXE', 'C:\\\\Windows\\\\System32\\\\RuntimeBroker.exe', 'C:\\\\Program Files (x86)\\\\Microsoft\\\\Edge\\\\Application\\\\msedge.exe'][rng.int(4)]!;
    return `${winHead(at, h, 4688, 'created-process', 'process', 'start', 'success', 'Process Creation', record)},"event_data":{"SubjectUserSid":"${SID}-${1100 + rng.int(3000)}","SubjectUserName":"${user}","SubjectDomainName":"EXAMPLE","SubjectLogonId":"${logonId}","NewProcessId":"0x${rng.int(1 << 16).toString(16)}","NewProcessName":"${exe}","TokenElevationType":"%%1938","ProcessId":"0x${rng.int(1 << 16).toString(16)}","CommandLine":"","TargetUserSid":"S-1-0-0","TargetUserName":"-","TargetDomainName":"-","TargetLogonId":"0x0","ParentProcessName":"C:\\\\Windows\\\\explorer.exe","MandatoryLabel":"S-1-16-8192"}},"process":{"pid":${rng.int(65536)},"executable":"${exe}","parent":{"executable":"C:\\\\Windows\\\\explorer.exe"}},"user":{"name":"${user}","domain":"EXAMPLE"},"related":{"user":["${user}"]}}`;
  }
  if (kind < 920) {
    return `${winHead(at, h, 5379, 'Credential Manager credentials were read.', 'iam', 'info', 'success', 'User Account Management', record)},"event_data":{"SubjectUserSid":"${SID}-${1100 + rng.int(3000)}","SubjectUserName":"${user}","SubjectDomainName":"EXAMPLE","SubjectLogonId":"${logonId}","TargetName":"MicrosoftAccount:user=02${rng.int(1 << 24).toString(16)}","Type":"0","CountOfCredentialsReturned":"0","ReadOperation":"%%8100","ReturnCode":"3221226021","ProcessCreationTime":"${at}","ClientProcessId":"${rng.int(65536)}"}},"user":{"name":"${user}","domain":"EXAMPLE"}}`;
  }
  if (kind < 970) {
    return `${winHead(at, h, 4798, 'A user\'s local group membership was enumerated.', 'iam', 'user', 'success', 'User Account Management', record)},"event_data":{"TargetUserName":"${user}","TargetDomainName":"${host.toUpperCase()}","TargetSid":"${SID}-${1100 + rng.int(3000)}","SubjectUserSid":"S-1-5-18","SubjectUserName":"${machine}","SubjectDomainName":"EXAMPLE","SubjectLogonId":"0x3e7","CallerProcessId":"0x1a2c","CallerProcessName":"C:\\\\Windows\\\\System32\\\\svchost.exe"}},"user":{"name":"${machine}","domain":"EXAMPLE"}}`;
  }
  if (kind < 990) {
    const ip = `203.0.${rng.int(256)}.${rng.int(256)}`;
    return `${winHead(at, h, 4625, 'logon-failed', 'authentication', 'start', 'failure', 'Logon', record)},"event_data":{"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-","SubjectLogonId":"0x0","TargetUserSid":"S-1-0-0","TargetUserName":"${user}","TargetDomainName":"EXAMPLE","Status":"0xc000006d","FailureReason":"%%2313","SubStatus":"0xc000006a","LogonType":"3","LogonProcessName":"NtLmSsp ","AuthenticationPackageName":"NTLM","WorkstationName":"-","TransmittedServices":"-","LmPackageName":"-","KeyLength":"0","ProcessId":"0x0","ProcessName":"-","IpAddress":"${ip}","IpPort":"0"},"logon":{"type":"Network","failure":{"reason":"Unknown user name or bad password.","status":"This is either due to a bad username or authentication information","sub_status":"User logon with misspelled or bad password"}}},"user":{"name":"${user}","domain":"EXAMPLE"},"source":{"ip":"${ip}","port":0},"related":{"user":["${user}"],"ip":["${ip}"]}}`;
  }
  // Event 6416 of a device that is not storage: a mouse, a keyboard, a monitor.
  const others: [string, string, string][] = [
    ['HID\\\\VID_046D&PID_C077\\\\7&1A2B3C4D&0&0000', 'USB Input Device', 'HIDClass'],
    ['USB\\\\VID_046D&PID_C52B\\\\6&2F1E3D4C&0&2', 'USB Composite Device', 'USB'],
    ['DISPLAY\\\\DELA1E4\\\\5&1F2E3D4C&0&UID4352', 'Generic PnP Monitor', 'Monitor'],
    ['HID\\\\VID_413C&PID_2113&MI_00\\\\8&3A4B5C6D&0&0000', 'HID Keyboard Device', 'Keyboard'],
  ];
  const [id, desc, cls] = others[rng.int(others.length)]!;
  return `${winHead(at, h, 6416, 'Plug and Play Events', 'configuration', 'info', 'success', 'Plug and Play Events', record)},"event_data":{"SubjectUserSid":"S-1-5-18","SubjectUserName":"${machine}","SubjectDomainName":"EXAMPLE","SubjectLogonId":"0x3e7","DeviceId":"${id}","DeviceDescription":"${desc}","ClassId":"{745a17a0-74d3-11d0-b6fe-00a0c90f57da}","ClassName":"${cls}","VendorIds":"-","CompatibleIds":"USB\\\\Class_03&SubClass_01&Prot_02\\r\\nUSB\\\\Class_03","LocationInformation":"-"}},"user":{"name":"${machine}","domain":"EXAMPLE"}}`;
}

/**
 * Winlogbeat Security events as ECS JSON lines, time-ordered over the 30 days: 4 in 100 events
 * are a storage connection (2 or 3 lines of 6416), the rest other events (see the file's comment).
 */
export async function writeWindows(file: string, lines: number, pop: Population): Promise<Generated> {
  const w = new LineWriter(file);
  const rng = new Rng(6416);
  const expected = new Set<string>();
  let connections = 0;
  let rejects = 0;
  let record = 1_000_000;
  const push = async (line: string) => {
    if (w.push(line)) await w.flush();
  };
  while (w.n < lines) {
    const t = START + Math.floor((w.n / lines) * SPAN) + rng.int(1000);
    const kind = rng.int(1000);
    const slot = kind < 40 ? slotOf(pop, t, rng) : undefined;
    if (slot) {
      const d = pop.devices[slot.device]!;
      const subject = slot.boot ? `${winHost(slot.host).toUpperCase()}$` : pop.users[slot.user]!;
      const user = slot.boot ? '' : subject;
      const classes: ('USB' | 'DiskDrive' | 'WPD')[] = rng.int(3) === 0 ? ['USB', 'DiskDrive', 'WPD'] : ['USB', 'DiskDrive'];
      connections++;
      for (let k = 0; k < classes.length && w.n < lines; k++) {
        const at = t + k * 1000;
        await push(win6416(new Date(at).toISOString(), slot.host, subject, record++, d, classes[k]!));
        expected.add(deviceDayKey({ day: tokyoDay(at), host: `${winHost(slot.host)}.example.co.jp`, user, device: `s:${d.serial}` }));
      }
      continue;
    }
    const h = rng.int(pop.hosts);
    let line = winOther(kind < 40 ? rng.int(990) : kind, new Date(t).toISOString(), h, pop.users[rng.int(pop.users.length)]!, rng, record++);
    // A shipper restarted mid-line.
    if (w.n % 20_000 === 19_999) {
      line = line.slice(0, 120);
      rejects++;
    }
    await push(line);
  }
  await w.end();
  return { bytes: w.bytes, lines: w.n, connections, expected, rejects };
}

const linuxHost = (h: number) => `lx-${pad(h + 1, 4)}`;
const PORTS = ['1-1', '1-2', '1-3', '1-4', '2-1', '2-2', '1-1.2', '3-1.4'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface KernelSeq {
  host: number;
  bus: string;
  msgs: string[];
  next: number;
  /** A storage connection: the device, and the index of its `New USB device found` and `usb-storage` lines. */
  serial?: string;
  newAt?: number;
  disconnect?: boolean;
}

function storageSeq(host: number, bus: string, d: Device, rng: Rng): KernelSeq {
  const m = d.model;
  const num = 2 + rng.int(60);
  const scsi = rng.int(12);
  const sd = `sd${'bcdef'[rng.int(5)]}`;
  const blocks = m.gb * 1_953_125;
  return {
    host, bus, next: 0, serial: d.serial,
    msgs: [
      `usb ${bus}: new high-speed USB device number ${num} using xhci_hcd`,
      `usb ${bus}: New USB device found, idVendor=${m.vid}, idProduct=${m.pid}, bcdDevice= 1.00`,
      `usb ${bus}: New USB device strings: Mfr=1, Product=2, SerialNumber=3`,
      `usb ${bus}: Product: ${m.product}`,
      `usb ${bus}: Manufacturer: ${m.mfr}`,
      `usb ${bus}: SerialNumber: ${d.serial}`,
      `usb-storage ${bus}:1.0: USB Mass Storage device detected`,
      `scsi host${scsi}: usb-storage ${bus}:1.0`,
      `scsi ${scsi}:0:0:0: Direct-Access     ${m.ven.slice(0, 8).padEnd(8)} ${m.prod.slice(0, 16).padEnd(16)} ${m.rev.slice(0, 4).padEnd(4)} PQ: 0 ANSI: 6`,
      `sd ${scsi}:0:0:0: Attached scsi generic sg${1 + rng.int(3)} type 0`,
      `sd ${scsi}:0:0:0: [${sd}] ${blocks} 512-byte logical blocks: (${((blocks * 512) / 1e9).toFixed(1)} GB/${((blocks * 512) / 2 ** 30).toFixed(1)} GiB)`,
      `sd ${scsi}:0:0:0: [${sd}] Write Protect is off`,
      `sd ${scsi}:0:0:0: [${sd}] Mode Sense: 43 00 00 00`,
      `sd ${scsi}:0:0:0: [${sd}] Write cache: disabled, read cache: enabled, doesn't support DPO or FUA`,
      ` ${sd}: ${sd}1`,
      `sd ${scsi}:0:0:0: [${sd}] Attached SCSI removable disk`,
    ],
  };
}

function hidSeq(host: number, bus: string, rng: Rng): KernelSeq {
  const num = 2 + rng.int(60);
  const hids: [string, string, string, string, string][] = [
    ['046d', 'c52b', 'Logitech', 'USB Receiver', 'Keyboard'],
    ['413c', '2113', 'Dell', 'Dell KB216 Wired Keyboard', 'Keyboard'],
    ['045e', '07fd', 'Microsoft', 'Nano Transceiver 1.1', 'Mouse'],
  ];
  const [vid, pid, mfr, product, kind] = hids[rng.int(hids.length)]!;
  const port = bus.replace(/^\d+-/, '');
  return {
    host, bus, next: 0,
    msgs: [
      `usb ${bus}: new full-speed USB device number ${num} using xhci_hcd`,
      `usb ${bus}: New USB device found, idVendor=${vid}, idProduct=${pid}, bcdDevice=12.11`,
      `usb ${bus}: New USB device strings: Mfr=1, Product=2, SerialNumber=0`,
      `usb ${bus}: Product: ${product}`,
      `usb ${bus}: Manufacturer: ${mfr}`,
      `input: ${mfr} ${product} as /devices/pci0000:00/0000:00:14.0/usb1/${bus}/${bus}:1.0/0003:${vid.toUpperCase()}:${pid.toUpperCase()}.000${1 + rng.int(9)}/input/input${10 + rng.int(30)}`,
      `hid-generic 0003:${vid.toUpperCase()}:${pid.toUpperCase()}.000${1 + rng.int(9)}: input,hidraw${rng.int(4)}: USB HID v1.11 ${kind} [${mfr} ${product}] on usb-0000:00:14.0-${port}/input0`,
    ],
  };
}

function kernelNoise(rng: Rng): string {
  const k = rng.int(100);
  if (k < 45) {
    const dpt = [23, 22, 445, 3389, 8080, 5900, 1433, 6379][rng.int(8)]!;
    return `[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${[203, 198, 45, 185][rng.int(4)]}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)} DST=10.0.${rng.int(16)}.${rng.int(256)} LEN=${40 + rng.int(20)} TOS=0x00 PREC=0x00 TTL=${40 + rng.int(210)} ID=${rng.int(65536)} PROTO=TCP SPT=${1024 + rng.int(64000)} DPT=${dpt} WINDOW=${[1024, 65535, 29200][rng.int(3)]} RES=0x00 SYN URGP=0`;
  }
  if (k < 70) {
    const denials: [string, string][] = [['snap.firefox.firefox', '/proc/1234/cgroup'], ['/usr/sbin/cupsd', '/etc/ssl/openssl.cnf'], ['docker-default', '/sys/fs/cgroup/cpu.max'], ['/usr/bin/man', '/usr/share/locale/ja/LC_MESSAGES/man-db.mo']];
    const [profile, name] = denials[rng.int(denials.length)]!;
    return `audit: type=1400 audit(${1_790_000_000 + rng.int(3_000_000)}.${pad(rng.int(1000), 3)}:${rng.int(100_000)}): apparmor="DENIED" operation="open" class="file" profile="${profile}" name="${name}" pid=${rng.int(65536)} comm="${profile.split(/[./]/).pop()}" requested_mask="r" denied_mask="r" fsuid=${[0, 1000][rng.int(2)]} ouid=0`;
  }
  if (k < 78) return `EXT4-fs (${['sda1', 'nvme0n1p2', 'dm-0'][rng.int(3)]}): re-mounted ${rng.int(1 << 24).toString(16)}-1b2c-4d5e-8f90-${pad(rng.int(1e6), 12)} r/w. Quota mode: none.`;
  if (k < 84) return `e1000e 0000:00:1f.6 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx`;
  if (k < 90) return `TCP: request_sock_TCP: Possible SYN flooding on port ${[443, 80, 8443][rng.int(3)]}. Sending cookies.  Check SNMP counters.`;
  if (k < 94) return `perf: interrupt took too long (${2500 + rng.int(3000)} > ${2500 + rng.int(500)}), lowering kernel.perf_event_max_sample_rate to ${50_000 + rng.int(30_000)}`;
  if (k < 97) return `nvme nvme0: I/O ${rng.int(1024)} QID ${1 + rng.int(8)} timeout, completion polled`;
  return `IPv6: ADDRCONF(NETDEV_CHANGE): veth${rng.int(1 << 24).toString(16)}: link becomes ready`;
}

/**
 * A central kern.log of every Linux host, time-ordered over the 30 days: USB connections (storage
 * and not) started now and then, their lines interleaved with other hosts' kernel lines, each
 * storage device disconnected some thousands of lines later (see the file's comment).
 */
export async function writeKernel(file: string, lines: number, pop: Population): Promise<Generated> {
  const w = new LineWriter(file);
  const rng = new Rng(2_026_000 + 1);
  const expected = new Set<string>();
  const boot = Array.from({ length: pop.hosts }, () => START - 3_600_000 - rng.int(20 * 86_400) * 1000);
  const active: KernelSeq[] = [];
  const due = new Map<number, KernelSeq[]>();
  const busy = new Set<string>();
  let connections = 0;
  const freePort = (host: number): string | undefined => {
    for (let k = 0; k < 3; k++) {
      const bus = PORTS[rng.int(PORTS.length)]!;
      if (!busy.has(`${host} ${bus}`)) return bus;
    }
    return undefined;
  };
  while (w.n < lines) {
    const t = START + Math.floor((w.n / lines) * SPAN) + rng.int(1000);
    const now = due.get(w.n);
    if (now) {
      due.delete(w.n);
      active.push(...now);
    }
    let seq: KernelSeq | undefined;
    if (active.length > 0 && rng.int(100) < 70) seq = active[rng.int(active.length)];
    else if (rng.int(1000) < 20) {
      const storage = rng.int(100) < 85;
      const slot = storage ? slotOf(pop, t, rng) : undefined;
      const host = slot ? slot.host : rng.int(pop.hosts);
      const bus = freePort(host);
      if (bus !== undefined) {
        seq = slot ? storageSeq(host, bus, pop.devices[slot.device]!, rng) : hidSeq(host, bus, rng);
        busy.add(`${host} ${bus}`);
        active.push(seq);
      }
    }
    let host: number;
    let msg: string;
    if (seq) {
      host = seq.host;
      msg = seq.msgs[seq.next]!;
      if (seq.serial !== undefined && seq.next === 1) seq.newAt = t;
      if (seq.serial !== undefined && seq.next === 6) {
        connections++;
        expected.add(deviceDayKey({ day: tokyoDay(seq.newAt!), host: linuxHost(host), device: `s:${seq.serial}` }));
      }
      if (++seq.next === seq.msgs.length) {
        active.splice(active.indexOf(seq), 1);
        if (seq.disconnect || rng.int(10) === 0) busy.delete(`${seq.host} ${seq.bus}`); // unplugged, or never disconnected in the log
        else {
          const at = w.n + 1 + rng.int(5_000);
          const d: KernelSeq = { host: seq.host, bus: seq.bus, next: 0, disconnect: true, msgs: [`usb ${seq.bus}: USB disconnect, device number ${2 + rng.int(60)}`] };
          due.set(at, [...(due.get(at) ?? []), d]);
        }
      }
    } else {
      host = rng.int(pop.hosts);
      msg = kernelNoise(rng);
    }
    const local = new Date(t + TOKYO_MS).toISOString();
    const up = Math.max(1, t - boot[host]!);
    const stamp = `[${pad(Math.floor(up / 1000), 5, ' ')}.${pad((up % 1000) * 1000 + rng.int(1000), 6)}]`;
    const prefix = host % 2 === 0
      ? `${local.slice(0, 23)}${pad(rng.int(1000), 3)}+09:00 ${linuxHost(host)} kernel: `
      : `${MONTHS[Number(local.slice(5, 7)) - 1]} ${pad(Number(local.slice(8, 10)), 2, ' ')} ${local.slice(11, 19)} ${linuxHost(host)} kernel: `;
    if (w.push(`${prefix}${stamp} ${msg}`)) await w.flush();
  }
  await w.end();
  // RFC 3164 lines have no year: the collector takes the file's modification time's.
  const end = (START + SPAN + 3_600_000) / 1000;
  utimesSync(file, end, end);
  return { bytes: w.bytes, lines: w.n, connections, expected, rejects: 0 };
}

// ---------------------------------------------------------------- the children

interface ChildResult {
  workSeconds: number;
  cpuSeconds: number;
  /** Device-days found (collector) or lines matched (peer). */
  count: number;
  rejects: number;
  /** Hash of the device-days' keys (sorted) and the number of rejected lines; '' for a peer. */
  evidence: string;
  note: string;
}

function evidenceHash(keys: Iterable<string>, rejects: number): string {
  return createHash('sha256').update([...keys].sort().join('\n')).update(`\n--\n${rejects}`).digest('hex').slice(0, 16);
}

function benchConfig(dir: string): Config {
  const parsed = configSchema.parse({ organisation: { name: 'bench', timeZone: ZONE, internalDomains: ['example.co.jp'] }, storage: { dataDir: dir } });
  return { ...parsed, file: join(dir, 'bench.yaml'), baseDir: dir, dataDir: dir, env: { secrets: {} } };
}

async function childIsms(file: string, format: 'ecs-json' | 'linux-kernel'): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-dev-'));
  let rejects = 0;
  const reasons = new Map<string, number>();
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const ctx: CollectContext = {
    config: benchConfig(dir), observedAt: new Date('2026-11-10T00:00:00Z'), store: createMemoryStore(), log: quiet,
    reject: (r) => {
      rejects++;
      reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    },
    progress() {},
  };
  const source = deviceEventsSourceSchema.parse({ id: 'usb', kind: 'device-events', format, paths: [file] });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await deviceEventsCollector.collect(source, ctx);
  const workSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  const records: DeviceDayRecord[] = out.type === 'facts' ? [...(out.facts as Iterable<Keyed<'device-day'>>)].map((f) => f.data) : [];
  rmSync(dir, { recursive: true, force: true });
  const failed = out.type === 'facts' && out.failedFiles?.length ? `; FAILED: ${out.failedFiles.map((f) => f.error).join('; ')}` : '';
  const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
  return {
    workSeconds, cpuSeconds, count: records.length, rejects, evidence: evidenceHash(records.map(deviceDayKey), rejects),
    note: `${records.length.toLocaleString('en-US')} device-days, ${rejects.toLocaleString('en-US')} rejected${why ? ` (${why})` : ''}${failed}`,
  };
}

/** The ECS peer: readline and JSON.parse of every line, nothing kept. */
async function childJson(file: string): Promise<ChildResult> {
  const { workSeconds, cpuSeconds, objects, bad } = await readlineJsonParse(file);
  return { workSeconds, cpuSeconds, count: objects, rejects: bad, evidence: '', note: `${objects.toLocaleString('en-US')} objects, ${bad.toLocaleString('en-US')} not JSON` };
}

/** Is it a kernel USB line (a device's, or its storage driver's)? */
const USB_LINE = / kernel: (?:\[\s*\d+\.\d+\] )?(?:usb|usb-storage|uas) \d+-[\d.]+:/;

/** The kernel-line peer: readline and one regex test per line, nothing kept. */
async function childRegex(file: string): Promise<ChildResult> {
  let usb = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1024 * 1024 }), crlfDelay: Infinity });
  for await (const line of rl) if (USB_LINE.test(line)) usb++;
  return { workSeconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSince(c0), count: usb, rejects: 0, evidence: '', note: `${usb.toLocaleString('en-US')} USB lines` };
}

// ---------------------------------------------------------------- the parent

function timed(args: string[]): { peakMb: number; r: ChildResult } {
  const c = timedChild(args, REPO);
  return { peakMb: c.peakMb, r: lastJson<ChildResult>(c.stdout) };
}

interface Row { lines: number; bytes: number; tool: string; r: ChildResult; peakMb: number }

function table(rows: readonly Row[]): void {
  const header = ['lines', 'tool', 'wall s', 'cpu s', 'k lines/cpu-s', 'MB/cpu-s', 'k lines/wall-s', 'peak RSS MB', 'note'];
  const body = rows.map(({ lines, bytes, tool, r, peakMb }) => [
    lines.toLocaleString('en-US'), tool, r.workSeconds.toFixed(2), r.cpuSeconds.toFixed(2), (lines / r.cpuSeconds / 1e3).toFixed(0), (bytes / r.cpuSeconds / 1e6).toFixed(0),
    (lines / r.workSeconds / 1e3).toFixed(0), peakMb.toFixed(0), r.note,
  ]);
  printTable(header, body, [1, header.length - 1]);
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const lines = numberArg('lines', 1_000_000, argv);
  const hosts = numberArg('hosts', 2_000, argv);
  const users = numberArg('users', 3_000, argv);
  const devices = numberArg('devices', 5_000, argv);
  const only = stringArg('input', '', argv);
  const os = await import('node:os');
  const pop = population(hosts, users, devices);
  const slots = pop.slotsByDay.reduce((n, s) => n + s.length, 0);
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-dev-'));
  let ok = true;
  try {
    const inputs = [
      {
        name: 'Windows 6416, ECS JSON lines', format: 'ecs-json' as const, write: writeWindows, peer: 'json', peerTool: 'node readline + JSON.parse',
        what: `Winlogbeat Security events of ${hosts.toLocaleString('en-US')} PCs: 96 % other events (4624, 4634, 4672, 4688, 5379, 4798, 4625, non-storage 6416), connections as 6416 USB + DiskDrive (+ WPD), 1 in 20,000 lines cut short`,
      },
      {
        name: 'Linux kernel lines', format: 'linux-kernel' as const, write: writeKernel, peer: 'regex', peerTool: 'node readline + 1 regex test',
        what: `one kern.log of ${hosts.toLocaleString('en-US')} hosts (half RFC 3164, half ISO times): connections' kernel sequences interleaved with UFW, audit, EXT4, NIC, TCP lines and keyboards`,
      },
    ];
    console.log(`population: ${hosts.toLocaleString('en-US')} hosts, ${users.toLocaleString('en-US')} people, ${devices.toLocaleString('en-US')} devices over ${DAYS} days (${slots.toLocaleString('en-US')} device-days of use); zone ${ZONE}`);
    for (const input of inputs.filter((i) => !only || i.format === only)) {
      const ext = input.format === 'ecs-json' ? 'ndjson' : 'log';
      console.log(`\n== ${input.name}: ${input.what} ==`);
      const rows: Row[] = [];
      for (const n of [lines, lines * 4]) {
        const file = join(dir, `devices.${ext}`);
        const t = performance.now();
        const g = await input.write(file, n, pop);
        console.log(`${n.toLocaleString('en-US')} lines (${(g.bytes / 1e6).toFixed(0)} MB, ${Math.round(g.bytes / g.lines)} bytes a line, ${g.connections.toLocaleString('en-US')} storage connections, ${g.expected.size.toLocaleString('en-US')} device-days expected); generate (not measured) ${((performance.now() - t) / 1000).toFixed(1)} s; cores: ${os.availableParallelism()}, load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
        const isms = timed([self, '--child', input.format, file]);
        const peer = timed([self, '--child', input.peer, file]);
        rows.push({ lines: n, bytes: g.bytes, tool: 'isms-kpi device-events collector', ...isms }, { lines: n, bytes: g.bytes, tool: input.peerTool, ...peer });
        const want = evidenceHash(g.expected, g.rejects);
        const same = isms.r.evidence === want;
        if (isms.r.count === 0) {
          console.log(`  the collector found no device-day in ${n.toLocaleString('en-US')} lines: the generator is wrong`);
          ok = false;
        }
        if (!same) console.log(`  evidence: collector ${isms.r.count} device-days, ${isms.r.rejects} rejected (${isms.r.evidence}); generator ${g.expected.size}, ${g.rejects} (${want}): NOT the same`);
        else console.log(`  evidence (device-days' keys + rejected lines) as the generator made them: identical (${want})`);
        ok &&= same;
        rmSync(file);
      }
      console.log('');
      table(rows);
      const [i1, p1, i4, p4] = rows;
      const perCpu = (a: Row, b: Row) => (b.r.cpuSeconds / a.r.cpuSeconds).toFixed(2);
      console.log(`collector per CPU second: ${perCpu(i1!, p1!)}× the peer at ${lines.toLocaleString('en-US')} lines, ${perCpu(i4!, p4!)}× at ${(lines * 4).toLocaleString('en-US')}`);
      console.log(`peak RSS ${lines.toLocaleString('en-US')} → ${(lines * 4).toLocaleString('en-US')} lines: collector ${i1!.peakMb.toFixed(0)} → ${i4!.peakMb.toFixed(0)} MB (${(i4!.peakMb / i1!.peakMb).toFixed(2)}×, device-days ${i1!.r.count.toLocaleString('en-US')} → ${i4!.r.count.toLocaleString('en-US')}), peer ${p1!.peakMb.toFixed(0)} → ${p4!.peakMb.toFixed(0)} MB`);
    }
    console.log('\ncpu s = user + system inside the process around the reading: the per-core figure on a shared machine; wall s includes waiting for a core.');
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(argv: readonly string[]): Promise<void> {
  const mode = argv[argv.indexOf('--child') + 1];
  const file = argv[argv.indexOf('--child') + 2] ?? '';
  const res = mode === 'ecs-json' || mode === 'linux-kernel' ? await childIsms(file, mode) : mode === 'json' ? await childJson(file) : await childRegex(file);
  console.log(JSON.stringify(res));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const argv = process.argv.slice(2);
  (argv.includes('--child') ? child(argv) : main(argv)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
