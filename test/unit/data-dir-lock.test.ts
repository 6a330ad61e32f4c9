import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirInUseError, lockDataDir, processStartTime } from '../../src/database/data-dir-lock';

/** server.pid in a DATA_DIR: which leftovers are taken over, and which mean another server holds it. */
describe('lockDataDir', () => {
  let dir: string;
  const children: ChildProcess[] = [];

  /** A live process: `sleep` (not a server) or `node` (as a server would be). */
  async function live(command: 'sleep' | 'node'): Promise<number> {
    const child = command === 'sleep' ? spawn('sleep', ['60']) : spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    children.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    return child.pid!;
  }

  const pidFile = () => path.join(dir, 'server.pid');
  const inUse = (pid: number) => new DataDirInUseError(`DATA_DIR ${dir} is in use by another server (pid ${pid}); stop it or set another DATA_DIR`);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

  it('writes its pid and start time, and removes the file on release', () => {
    const release = lockDataDir(dir);
    expect(fs.readFileSync(pidFile(), 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}`);
    release();
    expect(fs.existsSync(pidFile())).toBe(false);
  });

  it('a pid file of a process that is gone is taken over', () => {
    fs.writeFileSync(pidFile(), '2147483646 12345');
    lockDataDir(dir)();
  });

  it('a pid file (pid only, as written before) whose pid now names an unrelated live process is taken over', async () => {
    fs.writeFileSync(pidFile(), String(await live('sleep')));
    const release = lockDataDir(dir);
    expect(fs.readFileSync(pidFile(), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    release();
  });

  it('a pid file whose pid is live but started at another time (the pid was reused) is taken over', async () => {
    const pid = await live('node');
    fs.writeFileSync(pidFile(), `${pid} ${Number(processStartTime(pid)) - 1}`);
    lockDataDir(dir)();
  });

  it('a pid file naming a live process with its start time is another server: refused, and the file is kept', async () => {
    const pid = await live('node');
    const held = `${pid} ${processStartTime(pid)}`;
    fs.writeFileSync(pidFile(), held);
    expect(() => lockDataDir(dir)).toThrow(inUse(pid));
    expect(fs.readFileSync(pidFile(), 'utf8')).toBe(held);
  });

  it('a pid file (pid only) naming a live node process is refused too', async () => {
    const pid = await live('node');
    fs.writeFileSync(pidFile(), String(pid));
    expect(() => lockDataDir(dir)).toThrow(inUse(pid));
  });
});
