import { EventEmitter } from 'node:events';
import pino from 'pino';
import { exitOnSignals } from '../../src/shutdown';

class FakeProcess extends EventEmitter {
  exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

const logger = pino({ level: 'silent' });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('exitOnSignals', () => {
  it('on SIGTERM: stops once, then exits 0; later signals do not stop again', async () => {
    const proc = new FakeProcess();
    let stops = 0;
    let finish: () => void = () => undefined;
    exitOnSignals(() => new Promise<void>((resolve) => ((stops += 1), (finish = resolve))), logger, { hardLimitMs: 10_000, process: proc });
    proc.emit('SIGTERM');
    proc.emit('SIGTERM');
    proc.emit('SIGINT');
    await tick();
    expect({ stops, exits: proc.exits }).toEqual({ stops: 1, exits: [] });
    finish();
    await tick();
    expect(proc.exits).toEqual([0]);
  });

  it('exits 1 when stopping fails', async () => {
    const proc = new FakeProcess();
    exitOnSignals(() => Promise.reject(new Error('pool would not close')), logger, { hardLimitMs: 10_000, process: proc });
    proc.emit('SIGINT');
    await tick();
    expect(proc.exits).toEqual([1]);
  });

  it('exits 1 when stopping outlasts the hard limit', async () => {
    const proc = new FakeProcess();
    exitOnSignals(() => new Promise<void>(() => undefined), logger, { hardLimitMs: 50, process: proc });
    proc.emit('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(proc.exits).toEqual([1]);
  });
});
