#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '@parcelwatch/config';
import { migrateCommand } from './commands/migrate.command.js';
import { startCommand } from './commands/start.command.js';

const USAGE = `usage: parcelwatch <command> [options]

commands:
  start [--once]        run every service in one process (embedded defaults, or
                        KAFKA_BROKERS / DATABASE_URL / S3_ENDPOINT when set);
                        --once: start, check readiness, print the report and stop
  migrate [--down-all]  apply database migrations (or roll every one back)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { once: { type: 'boolean', default: false } } });
      return startCommand({ once: values.once ?? false });
    }
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { 'down-all': { type: 'boolean', default: false } } });
      return migrateCommand({ downAll: values['down-all'] ?? false });
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
    if (err instanceof ConfigError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`parcelwatch: ${err.message}\n`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
