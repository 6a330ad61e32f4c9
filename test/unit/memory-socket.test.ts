import { MemorySocket, refuseConnection } from '../../src/database/memory-socket';

/** The in-memory connections node-postgres reaches the embedded database by. */
describe('MemorySocket', () => {
  it('carries what one end writes to the other, in order', async () => {
    const received: string[] = [];
    const socket = new MemorySocket((serverEnd) => {
      serverEnd.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    });
    await new Promise<void>((resolve) => socket.connect().once('connect', resolve));
    socket.write('a');
    socket.write('b');
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual(['a', 'b']);
    socket.destroy();
  });

  it('a refused connection: the client end gets the error (ECONNREFUSED), nothing is thrown from the server end, no connect', async () => {
    const refusal = Object.assign(new Error('too many connections to the embedded database'), { code: 'ECONNREFUSED' });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const socket = new MemorySocket((serverEnd) => refuseConnection(serverEnd, refusal));
      let connected = false;
      socket.on('connect', () => (connected = true));
      const error = await new Promise<Error & { code?: string }>((resolve) => socket.connect().once('error', resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect({ message: error.message, code: error.code, connected, destroyed: socket.destroyed }).toEqual({
        message: 'too many connections to the embedded database',
        code: 'ECONNREFUSED',
        connected: false,
        destroyed: true,
      });
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('a server end destroyed with an error destroys the client end with it, as a reset would', async () => {
    let server: import('node:stream').Duplex | undefined;
    const socket = new MemorySocket((serverEnd) => {
      serverEnd.on('error', () => undefined);
      server = serverEnd;
    });
    await new Promise<void>((resolve) => socket.connect().once('connect', resolve));
    const error = new Promise<Error>((resolve) => socket.once('error', resolve));
    server!.destroy(new Error('reset'));
    expect((await error).message).toBe('reset');
  });
});
