#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '@parcelwatch/config';
import { carriersDetect, carriersMap, UnreadablePayloadError, UsageError } from './commands/carriers.command.js';
import { migrateCommand } from './commands/migrate.command.js';
import { proofsAppealCommand, proofsVerifyCommand } from './commands/proofs.command.js';
import { reportStuckCommand } from './commands/report.command.js';
import { benchCommand } from './commands/bench.command.js';
import { CsvFileError, importCommand } from './commands/import.command.js';
import { DEFAULT_DEMO_SHIPMENTS, startCommand } from './commands/start.command.js';
import { DEMO_DAYS } from './demo/demo-workload.js';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys.command.js';
import { MERCHANT_FLAG_OPTIONS, merchantsCreateCommand, merchantsListCommand, merchantsUpdateCommand } from './commands/merchants.command.js';
import { compensationsRetryCommand } from './commands/compensations.command.js';
import { dlqListCommand, dlqReplayCommand, dlqShowCommand } from './commands/dlq.command.js';
import { buyersEraseCommand } from './commands/buyers.command.js';
import { linksIssueCommand, linksRevokeCommand } from './commands/links.command.js';
import { wismoCommand } from './commands/wismo.command.js';
import { checkpointsArchiveCommand, checkpointsPartitionsCommand, checkpointsRestoreCommand } from './commands/checkpoints.command.js';

const USAGE = `usage: parcelwatch <command> [options]

commands:
  start [--no-demo] [--demo-shipments <n>] [--demo-days <n>] [--exit-after-demo]
        [--fresh] [--once]
                        run every service in one process (embedded defaults, or
                        KAFKA_BROKERS / DATABASE_URL / S3_ENDPOINT when set) with a
                        demo workload (${DEFAULT_DEMO_SHIPMENTS} shipments over ${DEMO_DAYS} simulated days) on a
                        database without one, its summary, then serve until Ctrl-C;
                        --exit-after-demo: stop after the summary (exit 1 if the pipeline
                        did not drain); --fresh: wipe ./data first; --once: start, check
                        readiness and stop (no demo)
  migrate [--down-all]  apply database migrations (or roll every one back)
  import <csv> [--allow-rejects]
                        register the shipments of a CSV file (the columns of
                        POST /v1/shipments/import) in the configured database; reports
                        each rejected row with its line and reason; exit 1 on any
                        rejected row unless --allow-rejects
  bench [name]          run a benchmark (bench/run.ts), or all of them
  carriers detect <number>
                        which carrier a tracking number belongs to: ranked
                        candidates [{carrier, confidence, checkDigitValid, format, reason}]
  carriers map --provider <17track|aftership|usps|ups|fedex|dhl|tiktok>
               [--tracking-number <n>] <file>
                        read one raw provider response into the status taxonomy
  proofs verify <shipment>
                        re-read every stored proof object of a shipment and check
                        it against its manifest and the chain (exit 1 on any mismatch)
  proofs appeal <shipment> [--requested-by <id>]
                        write an appeal bundle now and print its proof
  report stuck [--carrier <slug>] [--min-days <n>] [--merchant <id>]
               [--sort days_without_scan|promised_date|last_checkpoint]
               [--format table|csv]
                        stuck parcels (services/api/docs/reports.md), table or CSV
  merchants create --name <name> --support-email <email> --locale <en|es|de|fr|it[-XX]>
                   --time-zone <IANA zone> [--sender-name <name>] [--sender-email <email>]
                   [--quiet-hours <HH:mm-HH:mm|off>] [--shop-id <id> --shop-cipher <cipher>]
                   [--policy-version <version>]
                        onboard a merchant; prints its first admin API key once
  merchants list        every merchant: id, name, locale, zone, quiet hours, shop, policy
  merchants update <id> [the create flags] [--clear sender-name,sender-email,shop,policy-version]
                        change a merchant's profile (audited)
  keys create --name <name> --role <viewer|approver|admin|ingest|bot>
              --merchant <uuid>[,<uuid>...]
                        make an API key; it is printed once, only its hash is kept
  keys list             every key: id, prefix, role, merchants, last use, revoked
  keys revoke <id>      revoke a key (requests with it get 401 at once)
  compensations retry <id>
                        send a failed compensation back to execution (audited); it is
                        paid on the service's next round with the same idempotency key
  dlq list [--topic <t>] [--group <g>] [--reason parse|handler] [--state open|replayed|all]
           [--limit <n>] [--before <id>]
                        dead letters, newest first (both buses keep them in the database)
  dlq show <id>         one dead letter: reason, original headers and payload
  dlq replay <id>... | --all-open [--topic <t>] [--group <g>]
                        put them back on their source topic (through the outbox), each
                        marked replayed and audited; exit 1 if any was refused
  buyers erase <id>     erase a buyer's personal data (contacts, unsent messages,
                        stored provider errors, kept mail copies); audited
  wismo <order> --email <email> | --postcode <postcode> [--locale <tag>] [--json]
  wismo --tracking-number <n> [--locale <tag>] [--json]
                        ask the api "where is my order" as a help desk bot does (a bot
                        key in PARCELWATCH_API_KEY, the api at PARCELWATCH_API_URL) and
                        print the answer to send; exit 1 when no order matches
  links revoke <shipment-id>
                        revoke a buyer's tracking page link (its page answers 404); audited
  links issue <shipment-id>
                        a new tracking page link where none is live, printed; audited
  checkpoints partitions
                        the month partitions of checkpoints and their bounds
  checkpoints archive --before <YYYY-MM> [--chunk-rows <n>] [--force]
                        months ending by then to cold storage (blob store,
                        cold/checkpoints/...): detach, export, verify, drop;
                        refused while tracked shipments have checkpoints there
  checkpoints restore <checkpoints_yYYYYmMM>
                        load an archived month back and attach it
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: {
          once: { type: 'boolean', default: false },
          'no-demo': { type: 'boolean', default: false },
          'demo-shipments': { type: 'string' },
          'demo-days': { type: 'string' },
          'exit-after-demo': { type: 'boolean', default: false },
          fresh: { type: 'boolean', default: false },
        },
      });
      const shipments = values['demo-shipments'] === undefined ? DEFAULT_DEMO_SHIPMENTS : Number(values['demo-shipments']);
      if (!Number.isInteger(shipments) || shipments < 1 || shipments > 100_000) throw new UsageError(`--demo-shipments takes a whole number from 1 to 100000, got '${values['demo-shipments'] ?? ''}'`);
      const days = values['demo-days'] === undefined ? DEMO_DAYS : Number(values['demo-days']);
      if (!Number.isInteger(days) || days < 1 || days > 120) throw new UsageError(`--demo-days takes a whole number from 1 to 120, got '${values['demo-days'] ?? ''}'`);
      if (values['no-demo'] && values['exit-after-demo']) throw new UsageError('--exit-after-demo needs the demo; drop --no-demo');
      return startCommand({ once: values.once ?? false, demo: !values['no-demo'], demoShipments: shipments, demoDays: days, exitAfterDemo: values['exit-after-demo'] ?? false, fresh: values.fresh ?? false });
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'allow-rejects': { type: 'boolean', default: false } } });
      if (positionals.length !== 1) throw new UsageError('import takes one CSV file: parcelwatch import <file.csv>');
      return importCommand({ file: positionals[0]!, allowRejects: values['allow-rejects'] ?? false });
    }
    case 'bench': {
      if (rest.length > 1) throw new UsageError('bench takes at most one benchmark name');
      return benchCommand(rest[0]);
    }
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { 'down-all': { type: 'boolean', default: false } } });
      return migrateCommand({ downAll: values['down-all'] ?? false });
    }
    case 'carriers': {
      const [sub, ...args] = rest;
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { provider: { type: 'string' }, 'tracking-number': { type: 'string' } },
      });
      if (sub === 'detect') process.stdout.write(`${carriersDetect(positionals[0])}\n`);
      else if (sub === 'map') {
        const output = await carriersMap({ provider: values.provider, file: positionals[0], trackingNumber: values['tracking-number'] });
        process.stdout.write(`${output}\n`);
      } else throw new UsageError(`unknown carriers command '${sub ?? ''}': use detect or map`);
      return 0;
    }
    case 'proofs': {
      const [sub, ...args] = rest;
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'requested-by': { type: 'string' } } });
      if (positionals.length > 1) throw new UsageError(`proofs ${sub ?? ''} takes one shipment id`);
      if (sub === 'verify') return proofsVerifyCommand(positionals[0]);
      if (sub === 'appeal') return proofsAppealCommand(positionals[0], values['requested-by'] ?? null);
      throw new UsageError(`unknown proofs command '${sub ?? ''}': use verify or appeal`);
    }
    case 'report': {
      const [sub, ...args] = rest;
      const { values } = parseArgs({
        args,
        options: { carrier: { type: 'string' }, 'min-days': { type: 'string' }, merchant: { type: 'string' }, sort: { type: 'string' }, format: { type: 'string' } },
      });
      if (sub !== 'stuck') throw new UsageError(`unknown report '${sub ?? ''}': use stuck`);
      return reportStuckCommand({ carrier: values.carrier, minDays: values['min-days'], merchant: values.merchant, sort: values.sort, format: values.format });
    }
    case 'merchants': {
      const [sub, ...args] = rest;
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MERCHANT_FLAG_OPTIONS });
      if (sub === 'create') {
        if (positionals.length > 0) throw new UsageError(`merchants create takes flags only; got '${positionals.join(' ')}'`);
        return merchantsCreateCommand(values);
      }
      if (sub === 'list') return merchantsListCommand();
      if (sub === 'update') {
        if (positionals.length !== 1) throw new UsageError('merchants update takes one merchant id');
        return merchantsUpdateCommand(positionals[0], values);
      }
      throw new UsageError(`unknown merchants command '${sub ?? ''}': use create, list or update`);
    }
    case 'keys': {
      const [sub, ...args] = rest;
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { name: { type: 'string' }, role: { type: 'string' }, merchant: { type: 'string' } },
      });
      if (sub === 'create') return keysCreateCommand({ name: values.name, role: values.role, merchants: values.merchant });
      if (sub === 'list') return keysListCommand();
      if (sub === 'revoke') return keysRevokeCommand(positionals[0]);
      throw new UsageError(`unknown keys command '${sub ?? ''}': use create, list or revoke`);
    }
    case 'compensations': {
      const [sub, ...args] = rest;
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      if (sub === 'retry') {
        if (positionals.length !== 1) throw new UsageError('compensations retry takes one compensation id');
        return compensationsRetryCommand(positionals[0]);
      }
      throw new UsageError(`unknown compensations command '${sub ?? ''}': use retry`);
    }
    case 'dlq': {
      const [sub, ...args] = rest;
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          topic: { type: 'string' },
          group: { type: 'string' },
          reason: { type: 'string' },
          state: { type: 'string' },
          limit: { type: 'string' },
          before: { type: 'string' },
          'all-open': { type: 'boolean', default: false },
        },
      });
      if (sub === 'list') return dlqListCommand(values);
      if (sub === 'show') return dlqShowCommand(positionals[0]);
      if (sub === 'replay') return dlqReplayCommand({ ids: positionals, allOpen: values['all-open'] ?? false, ...(values.topic !== undefined ? { topic: values.topic } : {}), ...(values.group !== undefined ? { group: values.group } : {}) });
      throw new UsageError(`unknown dlq command '${sub ?? ''}': use list, show or replay`);
    }
    case 'buyers': {
      const [sub, ...args] = rest;
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      if (sub === 'erase') {
        if (positionals.length !== 1) throw new UsageError('buyers erase takes one buyer id');
        return buyersEraseCommand(positionals[0]);
      }
      throw new UsageError(`unknown buyers command '${sub ?? ''}': use erase`);
    }
    case 'wismo': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { email: { type: 'string' }, postcode: { type: 'string' }, 'tracking-number': { type: 'string' }, locale: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      if (positionals.length > 1) throw new UsageError('wismo takes one order number');
      return wismoCommand({
        ...(positionals[0] !== undefined ? { order: positionals[0] } : {}),
        ...(values.email !== undefined ? { email: values.email } : {}),
        ...(values.postcode !== undefined ? { postcode: values.postcode } : {}),
        ...(values['tracking-number'] !== undefined ? { trackingNumber: values['tracking-number'] } : {}),
        ...(values.locale !== undefined ? { locale: values.locale } : {}),
        json: values.json ?? false,
      });
    }
    case 'links': {
      const [sub, ...args] = rest;
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new UsageError(`links ${sub ?? ''} takes one shipment id`);
      if (sub === 'revoke') return linksRevokeCommand(positionals[0]);
      if (sub === 'issue') return linksIssueCommand(positionals[0]);
      throw new UsageError(`unknown links command '${sub ?? ''}': use revoke or issue`);
    }
    case 'checkpoints': {
      const [sub, ...args] = rest;
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { before: { type: 'string' }, 'chunk-rows': { type: 'string' }, force: { type: 'boolean', default: false } },
      });
      if (sub === 'partitions') return checkpointsPartitionsCommand();
      if (sub === 'archive') return checkpointsArchiveCommand({ before: values.before, chunkRows: values['chunk-rows'], force: values.force ?? false });
      if (sub === 'restore') return checkpointsRestoreCommand(positionals[0]);
      throw new UsageError(`unknown checkpoints command '${sub ?? ''}': use partitions, archive or restore`);
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`parcelwatch: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UnreadablePayloadError || err instanceof CsvFileError) {
      process.stderr.write(`parcelwatch: ${err.message}\n`);
      process.exit(1);
    }
    if (err instanceof UsageError || err instanceof ConfigError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`parcelwatch: ${err.message}\n`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
