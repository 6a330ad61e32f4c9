import fs from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {}

/**
 * When process `pid` started (/proc/<pid>/stat's 22nd field, in clock ticks
 * since boot): with the pid, it names one process, even after the pid is
 * reused. Null where there is no /proc (or no such process).
 */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (command) state ppid ...": the command may hold spaces and parentheses; fields 3.. follow the last ")".
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process a pid file names still runs: the same pid with the same start time (where /proc tells). */
function holderRuns(pid: number, recordedStart: string | undefined): boolean {
  if (!isRunning(pid)) return false;
  const start = processStartTime(pid);
  if (start === null) return true; // no /proc: the pid alone
  if (recordedStart) return start === recordedStart;
  // A pid file without a start time (older servers wrote none): a live process that is not node has reused the pid.
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/**
 * Claims `dir` for this process with a pid file (`<pid> <start time>`), so
 * that a second server on the same embedded database is refused instead of
 * corrupting it. A pid file left by a process that is gone is taken over, as
 * is one whose pid now names another process (a pid reused after a crash).
 * Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'server.pid');
  const mine = `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim();
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const [pidText, recordedStart] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && holderRuns(pid, recordedStart)) {
        throw new DataDirInUseError(
          `DATA_DIR ${dir} is in use by another server (pid ${pid}); stop it or set another DATA_DIR`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === mine) fs.rmSync(file);
    } catch {
      // already gone
    }
  };
}
