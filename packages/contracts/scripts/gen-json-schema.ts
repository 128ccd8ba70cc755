// Writes packages/contracts/json-schema/*.json from the zod schemas; removes files of event
// types that no longer exist. test/json-schema.test.ts fails when this was not run.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonSchemaFiles } from '../src/json-schema.js';

const outDir = path.join(import.meta.dirname, '..', 'json-schema');

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const files = jsonSchemaFiles();
  for (const existing of await readdir(outDir)) {
    if (existing.endsWith('.json') && !files.has(existing)) await rm(path.join(outDir, existing));
  }
  for (const [name, text] of files) await writeFile(path.join(outDir, name), text);
  process.stdout.write(`wrote ${files.size} files to ${path.relative(process.cwd(), outDir)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
