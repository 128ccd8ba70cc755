// jest globalSetup of jest.integration.config.js: real Kafka, PostgreSQL and S3 (see suite-setup.ts).
// Jest require()s this file with its transform but without moduleNameMapper, so relative `./x.js`
// imports and `@parcelwatch/*` sources would not resolve from here: tsx loads the real module as
// native ESM TypeScript, with tsconfig.runtime.json mapping workspace packages to their sources.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '@jest/types';
import type * as TsxApi from 'tsx/esm/api';
// Type-only: erased at compile time, so the require() caveat below does not apply.
import type * as SuiteSetup from './suite-setup.js';

export default async function globalSetup(_global: Config.GlobalConfig, project: Config.ProjectConfig): Promise<void> {
  // tsx's CommonJS API resolves its loader from the wrong directory, and the transform turns a
  // plain import() into require(): a Function body keeps the native ESM import of tsx's ESM API.
  const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<typeof TsxApi>;
  const { tsImport } = await nativeImport('tsx/esm/api');
  const dir = path.join(project.rootDir, 'test', 'harness');
  const url = pathToFileURL(path.join(dir, 'suite-setup.ts')).href;
  const mod = (await tsImport(url, { parentURL: url, tsconfig: path.join(dir, 'tsconfig.runtime.json') })) as typeof SuiteSetup;
  await mod.setUpSuite();
}
