// Detached service processes for one test run, and their cleanup.
// Each run owns a directory under infra/local/.cache/runs/<run id>/ holding its data dirs, logs and
// run.json (owner pid + the process groups it started). A watchdog (run-watchdog.sh) stops the
// services as soon as the owner dies without its teardown (jest killed or interrupted); setup reaps
// the directories and databases of runs whose owner died, without touching runs that are still
// alive, because several suites may share this machine.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { localDir, runsDir } from './local-paths.js';

const watchdogScript = path.join(localDir, 'launchers', 'run-watchdog.sh');

export interface RunProcess { name: string; pid: number }
export interface RunDatabases { adminUrl: string; runTag: string }
export interface RunRecord { ownerPid: number; startedAt: string; processes: RunProcess[]; databases?: RunDatabases }
export interface ReapedRun { id: string; databases?: RunDatabases }

export interface LocalRun {
  readonly id: string;
  readonly dir: string;
  /** Spawns a process detached in its own process group, stdout+stderr appended to `logFile`. */
  spawnService(name: string, command: string, args: string[], logFile: string): RunProcess;
  /** Remembers this run's databases, so a later run can drop them if this one crashes. */
  recordDatabases(databases: RunDatabases): void;
  /**
   * Stops one process group started by `spawnService` (SIGTERM, SIGKILL after `graceMs`; or
   * SIGKILL at once), for fault tests that stop a service and start it again. Its files stay.
   */
  stopService(service: RunProcess, options?: { graceMs?: number; signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /** SIGTERM every group, SIGKILL what is left after `graceMs`, then delete the run directory. */
  stop(graceMs?: number): Promise<void>;
}

const recordFile = (dir: string) => path.join(dir, 'run.json');

function writeRecord(dir: string, record: RunRecord): void {
  writeFileSync(recordFile(dir), `${JSON.stringify(record, null, 2)}\n`);
}

function readRecord(dir: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordFile(dir), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A recycled pid must not get us to kill a stranger: the command line must name this run's dir. */
function belongsToRun(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return process.platform !== 'linux' && isAlive(pid);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

async function stopProcesses(dir: string, processes: RunProcess[], graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const ours = processes.filter((p) => isAlive(p.pid) && belongsToRun(p.pid, dir));
  for (const p of ours) signalGroup(p.pid, signal);
  const deadline = Date.now() + graceMs;
  while (ours.some((p) => isAlive(p.pid)) && Date.now() < deadline) await sleep(100);
  for (const p of ours) if (isAlive(p.pid)) signalGroup(p.pid, 'SIGKILL');
  while (ours.some((p) => isAlive(p.pid))) await sleep(50);
}

let runCounter = 0;

export function createLocalRun(): LocalRun {
  // The counter keeps two runs of one process apart (a fault test's private broker beside the suite's).
  runCounter += 1;
  const id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${process.pid}${runCounter > 1 ? `-${runCounter}` : ''}`;
  const dir = path.join(runsDir, id);
  mkdirSync(dir, { recursive: true });
  const record: RunRecord = { ownerPid: process.pid, startedAt: new Date().toISOString(), processes: [] };
  writeRecord(dir, record);

  const spawnGroup = (name: string, command: string, args: string[], logFile: string): RunProcess => {
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(command, args, { cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
      if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
      child.unref();
      const entry = { name, pid: child.pid };
      record.processes.push(entry);
      writeRecord(dir, record);
      return entry;
    } finally {
      closeSync(fd);
    }
  };
  let watched = false;

  return {
    id,
    dir,
    spawnService(name, command, args, logFile) {
      // Teardown does not run when jest is killed or interrupted: the watchdog stops the services then.
      if (!watched) {
        spawnGroup('watchdog', 'bash', [watchdogScript, String(process.pid), dir], path.join(dir, 'watchdog.log'));
        watched = true;
      }
      return spawnGroup(name, command, args, logFile);
    },
    recordDatabases(databases) {
      record.databases = databases;
      writeRecord(dir, record);
    },
    async stopService(service, options = {}) {
      await stopProcesses(dir, [service], options.graceMs ?? 10_000, options.signal ?? 'SIGTERM');
      record.processes = record.processes.filter((p) => p.pid !== service.pid);
      writeRecord(dir, record);
    },
    async stop(graceMs = 10_000) {
      await stopProcesses(dir, record.processes, graceMs);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Kills the processes of earlier runs whose owner is gone and deletes their directories.
 * Returns those runs, with their databases for the caller to drop.
 */
export async function reapDeadRuns(): Promise<ReapedRun[]> {
  if (!existsSync(runsDir)) return [];
  const reaped: ReapedRun[] = [];
  for (const id of readdirSync(runsDir)) {
    const dir = path.join(runsDir, id);
    const record = readRecord(dir);
    if (record && isAlive(record.ownerPid) && record.ownerPid !== process.pid) continue;
    if (record?.ownerPid === process.pid) continue; // an earlier run of this watch-mode process is stopped by its teardown
    await stopProcesses(dir, record?.processes ?? [], 5_000);
    rmSync(dir, { recursive: true, force: true });
    reaped.push(record?.databases ? { id, databases: record.databases } : { id });
  }
  return reaped;
}
