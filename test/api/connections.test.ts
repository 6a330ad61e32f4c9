import net from 'node:net';
import { createProject } from '../helpers/factories';
import { subscribe } from '../helpers/subscriber';
import { startTestServer, type TestServer, useServers } from '../helpers/test-server';

/**
 * Connections cannot pile up: a socket that sends nothing, or stays idle
 * after its response, is closed by the server; connections beyond
 * HTTP_MAX_CONNECTIONS are closed at once. Small values here, through the
 * configuration; a subscription lives on past all of them.
 */
const suite = useServers(1, {
  HTTP_HEADERS_TIMEOUT_MS: '300',
  HTTP_REQUEST_TIMEOUT_MS: '600',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
});

interface Outcome {
  /** Whether the server closed the socket within the wait. */
  closed: boolean;
  /** What it sent before closing. */
  received: string;
}

function connect(server: TestServer): Promise<net.Socket> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Waits up to `ms` for the server to close `socket`; then closes it from this side. */
function outcome(socket: net.Socket, ms: number): Promise<Outcome> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received });
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    });
    socket.on('error', () => undefined);
  });
}

const statusLine = (received: string): string => received.split('\r\n')[0] ?? '';

describe('idle connections', () => {
  it('a socket that sends nothing is answered 408 and closed after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const socket = await connect(suite.server);
    const result = await outcome(socket, 4_000);
    expect({ closed: result.closed, status: statusLine(result.received) }).toEqual({ closed: true, status: 'HTTP/1.1 408 Request Timeout' });
  });

  it('a request whose headers never end is closed after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const socket = await connect(suite.server);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const result = await outcome(socket, 4_000);
    expect({ closed: result.closed, status: statusLine(result.received) }).toEqual({ closed: true, status: 'HTTP/1.1 408 Request Timeout' });
  });

  it('a keep-alive connection left idle after its response is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = await connect(suite.server);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const result = await outcome(socket, 3_000);
    expect({ closed: result.closed, status: statusLine(result.received) }).toEqual({ closed: true, status: 'HTTP/1.1 200 OK' });
  });

  it('a subscription stays open past the headers, request and keep-alive timeouts, and still receives', async () => {
    const project = await createProject(suite.server);
    const subscriber = await subscribe(suite.server, { project: project.id }, undefined, `subscription($project: ID) { snapshotChanged(project: $project) { id } }`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(subscriber.received).toEqual([]);
    } finally {
      await subscriber.close();
    }
  });
});

describe('HTTP_MAX_CONNECTIONS', () => {
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startTestServer(suite.db.url, { HTTP_MAX_CONNECTIONS: '3' });
  });
  afterAll(() => capped?.close());

  it('a connection beyond the cap is closed at once, unanswered; one fits again when another has gone', async () => {
    const held = await Promise.all([1, 2, 3].map(() => connect(capped)));
    const extra = await connect(capped);
    extra.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await outcome(extra, 3_000)).toEqual({ closed: true, received: '' });

    held[0]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await connect(capped);
    again.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const result = await outcome(again, 3_000);
    expect(statusLine(result.received)).toBe('HTTP/1.1 200 OK');
    for (const socket of held) socket.destroy();
  });
});
