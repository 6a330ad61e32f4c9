// Pieces every page uses: status badges (icon and word, never colour alone),
// ages, the live notice, messages.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

/** Simple shapes, one per status, drawn in the text colour (no font needed). */
const ICONS = {
  ACTIVE: html`<path d="M3 8.5l3.2 3.2L13 4.8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />`,
  PENDING: html`<circle cx="8" cy="8" r="5.6" fill="none" stroke="currentColor" stroke-width="1.8" /><path d="M8 4.6V8l2.4 1.6" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />`,
  UNKNOWN: html`<circle cx="8" cy="8" r="5.6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-dasharray="2.2 2" /><circle cx="8" cy="8" r="1.4" fill="currentColor" />`,
  FAILED: html`<path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />`,
  INVALIDATED: html`<circle cx="8" cy="8" r="5.6" fill="none" stroke="currentColor" stroke-width="1.8" /><path d="M4 12L12 4" fill="none" stroke="currentColor" stroke-width="1.8" />`,
  EXPIRED: html`<path d="M4.5 2.5h7M4.5 13.5h7M5 2.5c0 3.5 6 3.5 6 5.5s-6 2-6 5.5M11 2.5c0 3.5-6 3.5-6 5.5s6 2 6 5.5" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />`,
  CURRENT: html`<path d="M8 1.8l1.9 3.9 4.3.6-3.1 3 .7 4.3L8 11.6l-3.8 2 .7-4.3-3.1-3 4.3-.6z" fill="currentColor" />`,
  LEASED: html`<rect x="3.5" y="7" width="9" height="6.5" rx="1" fill="currentColor" /><path d="M5.5 7V5.2a2.5 2.5 0 015 0V7" fill="none" stroke="currentColor" stroke-width="1.6" />`,
  NONE: html`<path d="M4.5 8h7" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />`,
  ROLLBACK: html`<path d="M6 3.5L2.8 6.7 6 9.9" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" /><path d="M3.2 6.7h6.3a3.6 3.6 0 010 7.2H7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />`,
  DOWNGRADE: html`<path d="M8 2.5v9M4.2 8L8 11.8 11.8 8M3.5 14h9" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />`,
  CLEARED: html`<circle cx="8" cy="8" r="5.6" fill="none" stroke="currentColor" stroke-width="1.8" />`,
  SET: html`<path d="M2.5 8h9M8 4.2L11.8 8 8 11.8" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />`,
  BORROWED: html`<path d="M3 4v4.5h8.5M8.5 5.5l3 3-3 3" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />`,
};

export function Icon({ name, title }) {
  return html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden=${title ? undefined : 'true'} role=${title ? 'img' : undefined} focusable="false">${title ? html`<title>${title}</title>` : null}${ICONS[name] ?? ICONS.NONE}</svg>`;
}

export const STATUS_WORDS = {
  ACTIVE: 'active',
  PENDING: 'pending',
  UNKNOWN: 'unknown',
  FAILED: 'failed',
  INVALIDATED: 'invalidated',
  EXPIRED: 'expired',
};

/** A status as a coloured pill with its icon and its word. `compact` hides the word on narrow screens (it stays for screen readers). */
export function Status({ status, compact = false, expired = false }) {
  const word = STATUS_WORDS[status] ?? status.toLowerCase();
  return html`<span class=${`status s-${status.toLowerCase()}${compact ? ' compact' : ''}`} data-status=${status}>
    <${Icon} name=${status} /><span class="word">${word}</span>${expired ? html`<span class="word">, expired</span>` : null}
  </span>`;
}

export function Tag({ icon, children, kind = '' }) {
  return html`<span class=${`tag ${kind}`}>${icon ? html`<${Icon} name=${icon} />` : null}${children}</span>`;
}

/** "3 h" from an ISO date, with the exact time on hover and for machines. */
export function Age({ iso, now, suffix = ' ago' }) {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime=${iso} title=${new Date(iso).toLocaleString()}>${ageText(iso, now)}${suffix}</time>`;
}

export function ageText(iso, now) {
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

export const shortRevision = (revision) => (revision ? revision.slice(0, 10) : null);
export const shortId = (id) => id.slice(0, 8);

export function Revision({ revision, id }) {
  const short = shortRevision(revision);
  return short ? html`<code class="rev" title=${revision}>${short}</code>` : html`<code class="rev muted" title=${`snapshot ${id}`}>#${shortId(id)}</code>`;
}

/** The connection's state, always on screen: "Live", or a notice that the page is not live. */
export function LiveNotice({ state, now }) {
  if (state.status === 'live') {
    return html`<p class="live ok" role="status" data-live="live"><span class="dot" aria-hidden="true"></span>Live</p>`;
  }
  if (state.status === 'connecting') {
    return html`<p class="live pending" role="status" data-live="connecting">Connecting…</p>`;
  }
  const why =
    state.status === 'refused'
      ? 'The server refused the connection for live updates (a token is needed, or the one given is not valid).'
      : 'The connection to the server is down: reconnecting…';
  const lost = state.status === 'reconnecting' ? html` Lost <${Age} iso=${new Date(state.since).toISOString()} now=${now} />.` : null;
  return html`<div class="live down" role="alert" data-live=${state.status}>
    <strong>Not live.</strong> ${why}${lost} What is shown may be out of date; it is read again once the connection is back.
  </div>`;
}

export function ErrorBox({ error, retry }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><strong>Could not load:</strong> ${error.message}${retry ? html` <button type="button" onClick=${retry}>Try again</button>` : null}</div>`;
}

/** Navigation inside the board without reloading; the server serves every board path. */
export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  dispatchEvent(new CustomEvent('board:navigate', { detail: { replace } }));
}

export const projectHref = (slug) => `/board/projects/${encodeURIComponent(slug)}`;
export const snapshotHref = (slug, id) => `${projectHref(slug)}/snapshots/${encodeURIComponent(id)}`;
