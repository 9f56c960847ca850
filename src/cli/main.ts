#!/usr/bin/env node
/**
 * isms-kpi command line. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or invalid config.
 *
 * Start-up is part of the interface: this file imports only commander (and the tiny error
 * module). Each command's module is
 * imported when that command runs (`lazy(() => import(…))`), so `--help` and `--version` load
 * nothing else and `validate` loads only the config loader. A new command is one file under
 * commands/ and one block below.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, IsmsError } from '../errors.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('isms-kpi')
  .description('Measures ISMS objectives (ISO/IEC 27001 6.2, 9.1) from the evidence itself')
  .version(version, '-V, --version', 'print the version')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const withConfig = (c: Command) =>
  c
    .option('-c, --config <file>', 'config file', 'isms-kpi.yaml')
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']));
const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table');

let exitCode = 0;
/** A command's action, imported only when the command runs; its result is the exit code. */
const lazy =
  <A extends unknown[]>(load: () => Promise<(...args: A) => Promise<number>>) =>
  async (...args: A): Promise<void> => {
    exitCode = await (await load())(...args);
  };

withConfig(program.command('validate').description('check the config file; exit 2 with file, line and field on errors'))
  .action(lazy(async () => (await import('./commands/validate.ts')).validateCommand));

withConfig(program.command('schema').description('print the JSON Schema of the config file (for editors); the same for every file, so -c is not read'))
  .action(lazy(async () => (await import('./commands/schema.ts')).schemaCommand));

withConfig(program.command('collect [source...]').description('collect the given sources (default: all enabled) once'))
  .option('--observed-at <iso>', 'load the export as evidence of this instant (backfill of historical exports)')
  .action(lazy(async () => (await import('./commands/collect.ts')).collectCommand));

withConfig(program.command('evaluate [objective...]').description('evaluate every objective (or the ones named)'))
  .option('--at <iso>', 'evaluate as of this instant (default now)')
  .option('--kpi <kpi...>', 'only the objectives measuring these KPIs')
  .addOption(formatOption())
  .action(lazy(async () => (await import('./commands/evaluate.ts')).evaluateCommand));

withConfig(program.command('evidence <objective>').description('the failing subjects of one objective, worst first, to act on'))
  .option('--at <iso>', 'evaluate as of this instant (default now)')
  .addOption(new Option('--group-by <field>', 'count the failing subjects per owner, department or reason').choices(['owner', 'department', 'reason']))
  .addOption(formatOption())
  .action(lazy(async () => (await import('./commands/evidence.ts')).evidenceCommand));

withConfig(program.command('run').description('scheduler + workers + /metrics in one process'))
  .option('--host <host>', 'listen address (default from config, 127.0.0.1)')
  .option('--port <port>', 'listen port (default from config, 9464)')
  .option('--no-initial-collect', 'do not collect every source at start')
  .option('--shutdown-timeout <ms>', 'how long SIGTERM or Ctrl-C waits for the active job', '30000')
  .option('--concurrency <n>', 'with REDIS_URL: jobs this process\'s workers run at once', '1')
  .action(lazy(async () => {
    const { runCommand } = await import('./commands/run.ts');
    return (o: Parameters<typeof runCommand>[0]) => runCommand(o);
  }));

withConfig(program.command('worker').description('a BullMQ worker (needs REDIS_URL); run as many as you need'))
  .option('--concurrency <n>', 'jobs this process runs at once', '1')
  .option('--shutdown-timeout <ms>', 'how long SIGTERM waits for the active job before handing it back', '30000')
  .option('--shards-only', 'take only shards of sharded sources: needs the source files and Redis, not the data directory (so it can run on another host)')
  .action(lazy(async () => (await import('./commands/queue.ts')).workerCommand));

withConfig(program.command('scheduler').description('owns the sources\' schedules and enqueues collections (needs REDIS_URL)'))
  .action(lazy(async () => (await import('./commands/queue.ts')).schedulerCommand));

withConfig(program.command('jobs').description('recent failed jobs with their errors'))
  .option('--limit <n>', 'how many', '20')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(lazy(async () => (await import('./commands/queue.ts')).jobsCommand));

const store = program.command('store').description('the evidence store: schema migration, checks, retention, export and import');
withConfig(store.command('migrate').description('apply the missing schema steps (also done at the start of every command)'))
  .action(lazy(async () => (await import('./commands/store.ts')).storeMigrateCommand));
withConfig(store.command('check').description('integrity check, schema version, row counts per table and source; exit 1 on a problem'))
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(lazy(async () => (await import('./commands/store.ts')).storeCheckCommand));
withConfig(store.command('prune').description('remove history older than storage.retention that no evaluation inside it reads'))
  .option('--now <iso>', 'prune as of this instant (default now)')
  .action(lazy(async () => (await import('./commands/store.ts')).storePruneCommand));
withConfig(store.command('export').description('write the whole store as a portable archive (JSON lines; gzip if the file ends in .gz)'))
  .option('-o, --output <file>', 'archive to write (- for stdout)', '-')
  .action(lazy(async () => (await import('./commands/store.ts')).storeExportCommand));
withConfig(store.command('import <file>').description('read an archive into the configured store, which must be empty (one transaction)'))
  .action(lazy(async () => (await import('./commands/store.ts')).storeImportCommand));

withConfig(program.command('rules').description('write the Prometheus rule file for the configured objectives and sources'))
  .option('-o, --output <file>', 'rule file to write (- for stdout)', '-')
  .action(lazy(async () => (await import('./commands/generate.ts')).rulesCommand));

withConfig(program.command('dashboards').description('write Grafana dashboards and provisioning files'))
  .option('-o, --output <dir>', 'output folder (dashboards/ and provisioning/ below it)', 'grafana')
  .option('--prometheus-url <url>', 'the Prometheus the provisioned datasource points at')
  .option('--dashboards-path <path>', 'where Grafana reads the dashboard JSON files')
  .action(lazy(async () => (await import('./commands/generate.ts')).dashboardsCommand));

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof ConfigError || (err instanceof IsmsError && err.code === 'USAGE')) {
    process.stderr.write(`isms-kpi: ${(err as Error).message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`isms-kpi: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
