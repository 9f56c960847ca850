#!/usr/bin/env node
/**
 * isms-kpi command line. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or invalid config.
 */
import { Command, CommanderError, Option } from 'commander';
import { configJsonSchema } from '../config/schema.ts';
import { loadConfig } from '../config/load.ts';
import { ConfigError, IsmsError } from '../errors.ts';
import { collectCommand } from './commands/collect.ts';
import { evaluateCommand, evidenceCommand } from './commands/evaluate.ts';
import { dashboardsCommand, rulesCommand } from './commands/generate.ts';
import { jobsCommand, schedulerCommand, workerCommand } from './commands/queue.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';

const program = new Command('isms-kpi')
  .description('Measures ISMS objectives (ISO/IEC 27001 6.2, 9.1) from the evidence itself')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const withConfig = (c: Command) =>
  c
    .option('-c, --config <file>', 'config file', 'isms-kpi.yaml')
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']));
const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table');

let exitCode = 0;
const set = (p: Promise<number>) => p.then((c) => { exitCode = c; });

withConfig(program.command('validate').description('check the config file; exit 2 with file, line and field on errors')).action(async (o) => {
  const c = loadConfig(o.config);
  process.stdout.write(`${c.file}: valid — ${c.sources.length} source(s), ${c.objectives.length} objective(s)\n`);
});

program.command('schema').description('print the JSON Schema of the config file (for editors)').action(() => {
  process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
});

withConfig(program.command('collect [source...]').description('collect the given sources (default: all enabled) once'))
  .option('--observed-at <iso>', 'load the export as evidence of this instant (backfill of historical exports)')
  .action((sources: string[], o) => set(collectCommand(sources, o)));

withConfig(program.command('evaluate').description('evaluate every objective'))
  .option('--at <iso>', 'evaluate as of this instant (default now)')
  .addOption(formatOption())
  .action((o) => set(evaluateCommand(o)));

withConfig(program.command('evidence <objective>').description('the failing subjects of one objective, to act on'))
  .option('--at <iso>', 'evaluate as of this instant (default now)')
  .addOption(formatOption())
  .action((objective: string, o) => set(evidenceCommand(objective, o)));

withConfig(program.command('run').description('scheduler + workers + /metrics in one process'))
  .option('--host <host>', 'listen address (default from config, 127.0.0.1)')
  .option('--port <port>', 'listen port (default from config, 9464)')
  .option('--no-initial-collect', 'do not collect every source at start')
  .option('--shutdown-timeout <ms>', 'how long SIGTERM waits for the active job', '30000')
  .option('--concurrency <n>', 'with REDIS_URL: jobs this process\'s workers run at once', '1')
  .option('--web.config.file <file>', 'TLS and basic auth for /metrics and the pages (Prometheus exporter-toolkit format)')
  .option('--allow-unauthenticated', 'serve the pages (personal data) beyond loopback without authentication (warns at every start)')
  .option('--at <iso>', 'freeze the clock at this instant: collect and evaluate as of it (demos, tests)')
  .action((o) => set(runCommand(o)));

withConfig(program.command('report').description('write the management-review pack for a period, or verify one'))
  .option('--period <period>', 'a month (2026-09), fiscal quarter (2026-Q2), fiscal half (2026-H1) or fiscal year (FY2026)')
  .option('--at <iso>', 'evaluate as of this instant (default: the period\'s end, or now if earlier)')
  .addOption(new Option('--format <format>', 'output format').choices(['html', 'pdf', 'xlsx']).default('html'))
  .option('--out <file>', 'file to write (default isms-kpi-report-<period>.<format>)')
  .option('--verify <file>', 'recompute the evidence digest of a report and say whether its evidence is unchanged')
  .action((o) => set(reportCommand(o)));

withConfig(program.command('worker').description('a BullMQ worker (needs REDIS_URL); run as many as you need'))
  .option('--concurrency <n>', 'jobs this process runs at once', '1')
  .option('--shutdown-timeout <ms>', 'how long SIGTERM waits for the active job before handing it back', '30000')
  .option('--shards-only', 'take only shards of sharded sources: needs the source files and Redis, not the data directory (so it can run on another host)')
  .action((o) => set(workerCommand(o)));

withConfig(program.command('scheduler').description('owns the sources\' schedules and enqueues collections (needs REDIS_URL)'))
  .action((o) => set(schedulerCommand(o)));

withConfig(program.command('jobs').description('recent failed jobs with their errors'))
  .option('--limit <n>', 'how many', '20')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action((o) => set(jobsCommand(o)));

withConfig(program.command('rules').description('write the Prometheus rule file for the configured objectives and sources'))
  .option('-o, --output <file>', 'rule file to write (- for stdout)', '-')
  .action((o) => set(rulesCommand(o)));

withConfig(program.command('dashboards').description('write Grafana dashboards and provisioning files'))
  .option('-o, --output <dir>', 'output folder (dashboards/ and provisioning/ below it)', 'grafana')
  .option('--prometheus-url <url>', 'the Prometheus the provisioned datasource points at')
  .option('--dashboards-path <path>', 'where Grafana reads the dashboard JSON files')
  .action((o) => set(dashboardsCommand(o)));

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof ConfigError || (err instanceof IsmsError && err.code === 'USAGE')) {
    process.stderr.write(`isms-kpi: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`isms-kpi: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
