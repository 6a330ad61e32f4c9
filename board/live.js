// Live updates: one graphql-ws connection to /graphql (the page's own server),
// reconnecting by itself with backoff. Its state is shown on every page, so
// that data is never stale without saying so.

const PONG_TIMEOUT_MS = 5000;

/**
 * The connection. `state.status` is one of: `connecting` (first try),
 * `live`, `reconnecting` (lost; trying again), `refused` (the token was
 * refused: no retry until a new one is given).
 */
export function createLive({ getToken, onRefused }) {
  const listeners = new Set();
  const resumeListeners = new Set();
  let state = { status: 'connecting', since: Date.now(), lastEventAt: null, attempts: 0 };
  let everConnected = false;
  let socket = null;
  let pongTimer = null;
  const set = (patch) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
  };

  const client = globalThis.graphqlWs.createClient({
    url: new URL('/graphql', location.href).toString().replace(/^http/, 'ws'),
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    // A refused token (4401) is not retried; anything else is, network drops above all.
    shouldRetry: (event) => !(event && (event.code === 4401 || event.code === 4403)),
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(8000, 400 * 2 ** retries) * (0.75 + Math.random() / 2))),
    connectionParams: () => {
      const bearer = getToken();
      return bearer ? { Authorization: `Bearer ${bearer}` } : {};
    },
    onNonLazyError: () => undefined,
    on: {
      connecting: (isRetry) => {
        if (state.status !== 'refused') set({ status: everConnected || isRetry ? 'reconnecting' : 'connecting', attempts: state.attempts + (isRetry ? 1 : 0) });
      },
      connected: (opened) => {
        socket = opened;
        const resumed = everConnected;
        everConnected = true;
        set({ status: 'live', since: Date.now(), attempts: 0 });
        // Whatever changed while the connection was down sent no event: read again.
        if (resumed) for (const listener of resumeListeners) listener();
      },
      closed: (event) => {
        socket = null;
        clearTimeout(pongTimer);
        if (event && event.code === 4401) {
          set({ status: 'refused', since: Date.now() });
          onRefused(event.reason || 'The token was refused.');
        } else if (state.status === 'live' || state.status === 'connecting') {
          set({ status: 'reconnecting', since: Date.now() });
        }
      },
      // A connection that went silent (no pong) is as good as down: close it, and reconnect.
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => {
          if (socket && socket.readyState === WebSocket.OPEN) socket.close(4408, 'No pong');
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  return {
    get state() {
      return state;
    },
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Called after a lost connection is back (the caller reads its data again). */
    onResume(listener) {
      resumeListeners.add(listener);
      return () => resumeListeners.delete(listener);
    },
    /** Subscribes; calls `onData` with each event's data. Returns the unsubscribe function. */
    subscribe(query, variables, onData) {
      return client.subscribe(
        { query, variables },
        {
          next: (result) => {
            if (result.data) {
              set({ lastEventAt: Date.now() });
              onData(result.data);
            }
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    },
    dispose() {
      clearTimeout(pongTimer);
      listeners.clear();
      resumeListeners.clear();
      client.dispose();
    },
  };
}
