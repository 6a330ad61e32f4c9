import net from 'node:net';

/**
 * A TCP relay between the server and its database, to play a database
 * outage: `stop()` drops every connection and refuses new ones (as a stopped
 * PostgreSQL does); `start()` serves again on the same port (it came back).
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy for the host and port of a postgres:// URL; `url` gives the same URL through the proxy. */
  static forUrl(databaseUrl: string): TcpProxy & { url(): string } {
    const target = new URL(databaseUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432)) as TcpProxy & { url(): string };
    proxy.url = () => {
      const through = new URL(databaseUrl);
      through.hostname = '127.0.0.1';
      through.port = String(proxy.port);
      return through.toString();
    };
    return proxy;
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Drops every open connection and stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
