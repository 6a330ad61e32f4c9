import { Duplex } from 'node:stream';

/** One end of an in-memory connection: what is written to it is read from its peer. */
class PipeEnd extends Duplex {
  peer!: PipeEnd;

  constructor() {
    // As a TCP socket: when the peer ends, this end ends too.
    super({ allowHalfOpen: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // As a TCP reset: the peer goes too, with the same error, so that its reader hears why.
    if (!this.peer.destroyed) this.peer.destroy(error ?? undefined);
    callback(error);
  }
}

/**
 * Refuses a connection before anything reads its server end: the client's end
 * is destroyed with `error` (node-postgres hears it as it would a refused TCP
 * connection); the server end, which nothing listens to yet, stays quiet.
 */
export function refuseConnection(serverEnd: Duplex, error: Error): void {
  serverEnd.on('error', () => undefined);
  serverEnd.destroy(error);
}

/**
 * The client's end of an in-memory connection, with the few `net.Socket`
 * methods node-postgres calls on the `stream` it is given. `connect()` hands
 * the other end to `accept`, in this process: there is no port or file to
 * reach it by.
 */
export class MemorySocket extends PipeEnd {
  constructor(private readonly accept: (serverEnd: Duplex) => void) {
    super();
    const serverEnd = new PipeEnd();
    this.peer = serverEnd;
    serverEnd.peer = this;
  }

  connect(): this {
    process.nextTick(() => {
      if (this.destroyed) return;
      this.accept(this.peer);
      if (!this.destroyed) this.emit('connect');
    });
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
