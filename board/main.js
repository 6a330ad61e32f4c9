// The status board: which snapshot every project runs on, what is building,
// failed or expired, live. Read-only; it speaks the public GraphQL API only.
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { currentToken, loadFeatures, onUnauthenticated, token } from './api.js';
import { BoardPage } from './board-page.js';
import { createLive } from './live.js';
import { ProjectPage } from './project-page.js';
import { SnapshotPage } from './snapshot-page.js';
import { ErrorBox, html, LiveNotice, navigate } from './ui.js';

function parseRoute() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(location.search);
  let match;
  if ((match = /^\/board\/projects\/([^/]+)\/snapshots\/([^/]+)$/.exec(path))) {
    return { page: 'snapshot', slug: decodeURIComponent(match[1]), id: decodeURIComponent(match[2]) };
  }
  if ((match = /^\/board\/projects\/([^/]+)$/.exec(path))) {
    const first = Number(params.get('first'));
    return { page: 'project', slug: decodeURIComponent(match[1]), after: params.get('after'), first: [20, 50, 100].includes(first) ? first : 20 };
  }
  if (path === '/' || path === '/board') return { page: 'board', filter: params.get('q') ?? '' };
  return { page: 'missing' };
}

/** Re-renders every `ms` so that ages ("3 min ago") stay true. */
function useNow(ms) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function TokenForm({ message, onToken, onCancel, hasToken }) {
  const input = useRef(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (event) => {
    event.preventDefault();
    const value = input.current.value.trim();
    if (value) onToken(value);
  };
  return html`<section class="token" aria-labelledby="token-heading">
    <h2 id="token-heading">A token to read with</h2>
    ${message ? html`<p class="error" role="alert">${message}</p>` : null}
    <p>Paste an API token (any role can read). It is kept for this tab only and sent to this server only.</p>
    <form onSubmit=${submit}>
      <label for="token-input">Token</label>
      <input id="token-input" ref=${input} type="password" autocomplete="off" spellcheck="false" required minlength="16" />
      <button type="submit">Use this token</button>
      ${hasToken ? html`<button type="button" onClick=${() => onToken(null)}>Forget the token</button>` : null}
      ${onCancel ? html`<button type="button" onClick=${onCancel}>Cancel</button>` : null}
    </form>
  </section>`;
}

function App() {
  const [route, setRoute] = useState(parseRoute);
  const [features, setFeatures] = useState(null);
  const [featuresError, setFeaturesError] = useState(null);
  const [auth, setAuth] = useState({ asking: false, message: null });
  const [session, setSession] = useState(0); // grows with each new token: reconnect and read again
  const [live, setLive] = useState(null);
  const [liveState, setLiveState] = useState(null);
  const now = useNow(15_000);
  const navigated = useRef(false);

  useEffect(() => {
    // A new page moves the focus to its heading; a replaced address (the filter as one types) does not.
    const onRoute = (event) => {
      navigated.current = !event.detail?.replace;
      setRoute(parseRoute());
    };
    addEventListener('popstate', onRoute);
    addEventListener('board:navigate', onRoute);
    // Links inside the board change the page without reloading it.
    const onClick = (event) => {
      const link = event.target.closest?.('a[href]');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (link.target || link.hasAttribute('download')) return;
      const url = new URL(link.href);
      if (url.origin !== location.origin || !(url.pathname === '/' || url.pathname === '/board' || url.pathname.startsWith('/board/'))) return;
      event.preventDefault();
      if (url.href !== location.href) navigate(url.pathname + url.search);
    };
    document.addEventListener('click', onClick);
    const stop = onUnauthenticated((message) => setAuth({ asking: true, message: currentToken() ? `The server refused the token: ${message}` : message }));
    return () => {
      removeEventListener('popstate', onRoute);
      removeEventListener('board:navigate', onRoute);
      document.removeEventListener('click', onClick);
      stop();
    };
  }, []);

  // What the schema offers, then the live connection; both again with a new token.
  useEffect(() => {
    let cancelled = false;
    setFeaturesError(null);
    loadFeatures().then(
      (found) => !cancelled && setFeatures(found),
      (err) => !cancelled && setFeaturesError(err),
    );
    const connection = createLive({
      getToken: currentToken,
      onRefused: (message) =>
        setAuth({ asking: true, message: currentToken() ? `The server refused the token: ${message}` : 'This server needs a token to read.' }),
    });
    setLive(connection);
    setLiveState(connection.state);
    const stop = connection.onState(setLiveState);
    return () => {
      cancelled = true;
      stop();
      connection.dispose();
    };
  }, [session]);

  // After a change of page, the new page's heading takes the focus (keyboard and screen-reader users start there).
  useEffect(() => {
    if (!navigated.current) return;
    navigated.current = false;
    scrollTo(0, 0);
    document.getElementById('page-heading')?.focus();
  }, [route]);

  const applyToken = useCallback((value) => {
    token.set(value);
    setAuth({ asking: false, message: null });
    setFeatures(null);
    setSession((n) => n + 1);
  }, []);

  let page = null;
  if (featuresError && featuresError.code !== 'UNAUTHENTICATED') {
    page = html`<${ErrorBox} error=${featuresError} retry=${() => setSession((n) => n + 1)} />`;
  } else if (features && live && !auth.asking) {
    const props = { features, live, now, key: `${session}` };
    if (route.page === 'board') page = html`<${BoardPage} ...${props} filter=${route.filter} />`;
    else if (route.page === 'project') page = html`<${ProjectPage} ...${props} key=${`${session}/${route.slug}`} slug=${route.slug} after=${route.after} first=${route.first} />`;
    else if (route.page === 'snapshot') page = html`<${SnapshotPage} ...${props} key=${`${session}/${route.id}`} slug=${route.slug} id=${route.id} />`;
    else page = html`<h1 id="page-heading" tabindex="-1">No such page</h1><p><a href="/board">Back to the board</a></p>`;
  } else if (!auth.asking) {
    page = html`<p class="loading">Loading…</p>`;
  }

  const hasToken = Boolean(currentToken());
  return html`
    <a class="skip" href="#main">Skip to the content</a>
    <header class="top">
      <a class="brand" href="/board">Snapshot board</a>
      <nav aria-label="Elsewhere">
        <a href="/graphql">GraphQL playground</a>
        <button type="button" class="linkish" onClick=${() => setAuth({ asking: true, message: null })} aria-label=${hasToken ? 'A token is set: change or forget it' : 'Read with a token'}>
          ${hasToken ? 'Token set' : 'Use a token'}
        </button>
      </nav>
      ${liveState ? html`<${LiveNotice} state=${liveState} now=${now} />` : null}
    </header>
    <main id="main">
      ${auth.asking ? html`<${TokenForm} message=${auth.message} onToken=${applyToken} hasToken=${hasToken} onCancel=${features ? () => setAuth({ asking: false, message: null }) : null} />` : null}
      ${page}
    </main>`;
}

const root = document.getElementById('board');
root.textContent = '';
render(html`<${App} />`, root);
