// A project's page: its newest snapshots (rows, newest first, a page as the
// API gives it) by its plans (columns), updated in place as events arrive;
// and the history of its current snapshot.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql, historyQuery, projectLiveQuery, projectQuery } from './api.js';
import { Age, ErrorBox, html, Icon, projectHref, Revision, snapshotHref, Status, Tag } from './ui.js';

const newestFirst = (a, b) => Date.parse(b.dateCreated) - Date.parse(a.dateCreated) || (a.id < b.id ? 1 : -1);
const KIND_WORDS = { SET: 'set', CLEARED: 'cleared', ROLLBACK: 'rollback' };
const KEEP_WORDS = { CURRENT: 'current', LEASED: 'leased', NEWEST_ACTIVE: 'newest active', RECENT: 'recent', HISTORY: 'was current' };
export { KEEP_WORDS };

/** The plan whose image a plan's column shows: its snapshot plan's when it borrows. */
const sourcePlan = (plan) => plan.snapshotPlan?.id ?? plan.id;

export function Legend({ retention }) {
  return html`<ul class="legend" aria-label="Legend">
    ${['ACTIVE', 'PENDING', 'UNKNOWN', 'FAILED', 'INVALIDATED'].map((s) => html`<li><${Status} status=${s} /></li>`)}
    <li><${Tag} icon="CURRENT" kind="current">current<//></li>
    <li><span class="legend-borrowed"><${Icon} name="BORROWED" /> another plan's image</span></li>
    ${retention ? html`<li><${Tag} icon="EXPIRED" kind="expired">expired<//></li><li><${Tag} icon="LEASED" kind="leased">leased<//></li>` : null}
  </ul>`;
}

function Cell({ plan, snapshot, plans, flash }) {
  const source = sourcePlan(plan);
  const image = snapshot.images.find((i) => i.plan.id === source);
  const borrowed = source !== plan.id;
  const lender = borrowed ? plans.find((p) => p.id === source) : null;
  const title = `${plan.label}: ${image ? image.status.toLowerCase() : 'no image'}${borrowed ? ` (the image of ${lender?.label ?? 'another plan'})` : ''}`;
  return html`<td class=${`cell${borrowed ? ' borrowed' : ''}${flash ? ' flash' : ''}`} data-plan=${plan.id} data-status=${image ? image.status : 'NONE'} title=${title}>
    ${image ? html`<${Status} status=${image.status} compact />` : html`<span class="status s-none compact"><${Icon} name="NONE" /><span class="word">no image</span></span>`}
    ${borrowed ? html`<span class="sr-only"> (${lender?.label ?? 'another plan'}'s image)</span>` : null}
  </td>`;
}

function Timeline({ slug, history, now, loadOlder }) {
  const end = (snapshot) =>
    snapshot ? html`<a href=${snapshotHref(slug, snapshot.id)}><${Revision} revision=${snapshot.revision} id=${snapshot.id} /></a>` : html`<span class="muted">none</span>`;
  if (!history) return null;
  return html`<section class="history" aria-labelledby="history-heading">
    <h2 id="history-heading">Current snapshot history</h2>
    ${history.nodes.length === 0 ? html`<p class="muted">The current snapshot has never been set.</p>` : html`
    <ol class="timeline">
      ${history.nodes.map((c) => html`<li key=${c.id} data-version=${c.version} data-kind=${c.kind} class=${`change k-${c.kind.toLowerCase()}${c.downgrade ? ' downgrade' : ''}`}>
        <span class="ver">v${c.version}</span>
        <${Tag} icon=${c.kind} kind=${`kind-${c.kind.toLowerCase()}`}>${KIND_WORDS[c.kind] ?? c.kind}<//>
        ${c.downgrade ? html`<${Tag} icon="DOWNGRADE" kind="downgrade">downgrade<//>` : null}
        <span class="move">
          ${end(c.from)}
          <span aria-label="to"> → </span>
          ${end(c.to)}
        </span>
        <span class="by">by <strong>${c.actor}</strong></span>
        <span class="muted"><${Age} iso=${c.at} now=${now} /></span>
        ${c.reason ? html`<q class="reason">${c.reason}</q>` : null}
      </li>`)}
    </ol>`}
    ${history.pageInfo.hasNextPage ? html`<button type="button" onClick=${loadOlder}>Older changes</button>` : null}
  </section>`;
}

export function ProjectPage({ features, live, now, slug, after, first }) {
  const [state, setState] = useState(null);
  const [history, setHistory] = useState(null);
  const [error, setError] = useState(null);
  const stateRef = useRef(null);
  stateRef.current = state;
  const historyTimer = useRef(null);
  const reloadTimer = useRef(null);
  const params = new URLSearchParams(location.search);
  const pageNumber = Math.max(1, Number(params.get('page')) || 1);

  const load = async () => {
    try {
      const data = await gql(projectQuery(features), { slug, first, after: after ?? null });
      setError(null);
      const p = data.project;
      if (!p) return setState({ missing: true });
      setState({
        project: p,
        plans: p.plans,
        rows: p.snapshots.nodes,
        pageInfo: p.snapshots.pageInfo,
        totalCount: p.snapshots.totalCount,
        currentId: p.currentSnapshot?.id ?? null,
        currentVersion: p.currentVersion ?? null,
        flash: {},
      });
      if (p.currentHistory) setHistory(p.currentHistory);
      document.title = `${p.slug} · Snapshot board`;
    } catch (err) {
      setError(err);
    }
  };

  const refreshHistory = () => {
    clearTimeout(historyTimer.current);
    historyTimer.current = setTimeout(async () => {
      try {
        const data = await gql(historyQuery, { slug });
        if (!data.project) return;
        setHistory(data.project.currentHistory);
        setState((st) => st && { ...st, currentVersion: data.project.currentVersion, currentId: data.project.currentSnapshot?.id ?? null });
      } catch (err) {
        setError(err);
      }
    }, 200);
  };

  const loadOlderHistory = async () => {
    try {
      const data = await gql(historyQuery, { slug, after: history.pageInfo.endCursor });
      const older = data.project.currentHistory;
      setHistory((h) => ({ ...older, nodes: [...h.nodes, ...older.nodes.filter((n) => !h.nodes.some((m) => m.id === n.id))] }));
    } catch (err) {
      setError(err);
    }
  };

  const onEvent = ({ snapshotChanged: s }) => {
    const st = stateRef.current;
    if (!st || st.missing) return;
    const moved = s.isCurrent ? st.currentId !== s.id : st.currentId === s.id;
    const known = st.rows.some((r) => r.id === s.id);
    // An image of a plan the page does not know yet (made since it was read): read the page again.
    if (s.images.some((i) => !st.plans.some((p) => p.id === i.plan.id))) {
      clearTimeout(reloadTimer.current);
      reloadTimer.current = setTimeout(load, 300);
      return;
    }
    setState((prev) => {
      let rows = prev.rows;
      if (known) rows = rows.map((r) => (r.id === s.id ? s : r));
      // A new snapshot goes on top of the first page; later pages keep what they showed.
      else if (!after) rows = [s, ...rows].sort(newestFirst);
      if (s.isCurrent) rows = rows.map((r) => (r.id !== s.id && r.isCurrent ? { ...r, isCurrent: false } : r));
      const currentId = s.isCurrent ? s.id : prev.currentId === s.id ? null : prev.currentId;
      return { ...prev, rows, currentId, totalCount: prev.totalCount + (known ? 0 : 1), flash: { ...prev.flash, [s.id]: Date.now() } };
    });
    if (features.promotion && moved) refreshHistory();
  };

  useEffect(() => {
    load();
    const stopEvents = live.subscribe(projectLiveQuery(features), { project: slug }, onEvent);
    const stopResume = live.onResume(() => {
      load();
    });
    return () => {
      stopEvents();
      stopResume();
      clearTimeout(historyTimer.current);
      clearTimeout(reloadTimer.current);
    };
  }, [after, first]);

  const pageHref = (extra) => {
    const next = new URLSearchParams();
    if (first !== 20) next.set('first', String(first));
    for (const [key, value] of Object.entries(extra)) if (value !== null) next.set(key, value);
    const search = next.toString();
    return `${projectHref(slug)}${search ? `?${search}` : ''}`;
  };

  if (state?.missing) {
    return html`<nav class="crumbs" aria-label="Where you are"><a href="/board">Projects</a></nav>
      <h1 id="page-heading" tabindex="-1">No project “${slug}”</h1>
      <p>No project has this slug. <a href="/board">Back to the board</a>.</p>`;
  }
  const p = state?.project;
  const current = state && state.rows.find((r) => r.id === state.currentId);
  return html`
    <nav class="crumbs" aria-label="Where you are"><a href="/board">Projects</a> <span aria-hidden="true">/</span> <span>${slug}</span></nav>
    <h1 id="page-heading" tabindex="-1">${p ? p.name : slug} <span class="slug">${slug}</span></h1>
    <${ErrorBox} error=${error} retry=${load} />
    ${!state && !error ? html`<p class="loading">Loading the project…</p>` : null}
    ${state
      ? html`
      <dl class="facts">
        <div><dt>Current snapshot</dt><dd data-current=${state.currentId ?? ''}>${state.currentId
          ? html`<a href=${snapshotHref(slug, state.currentId)}>${current ? html`<${Status} status=${current.status} /> <${Revision} revision=${current.revision} id=${current.id} />` : html`<code>#${state.currentId.slice(0, 8)}</code>`}</a>`
          : html`<span class="muted">none set</span>`}</dd></div>
        ${features.promotion ? html`<div><dt>Version</dt><dd>${state.currentVersion}</dd></div>` : null}
        <div><dt>Snapshots</dt><dd>${state.totalCount}</dd></div>
        ${features.retention && p.retention ? html`<div><dt>Keeps</dt><dd>the newest ${p.retention.keepActive} active, those younger than ${p.retention.keepDays} days, the last ${p.retention.keepHistory} current</dd></div>` : null}
      </dl>
      <${Legend} retention=${features.retention} />
      ${state.plans.length === 0 && state.rows.length === 0 ? html`<p class="empty">No plans and no snapshots yet.</p>` : html`
      <div class="table-wrap grid-wrap" tabindex="0" role="region" aria-label="Snapshots by plan">
      <table class="grid">
        <caption class="sr-only">Snapshots of ${slug}, newest first, with the status of each plan's image</caption>
        <thead><tr>
          <th scope="col">Snapshot</th>
          <th scope="col">Status</th>
          <th scope="col">Age</th>
          ${state.plans.map((plan) => html`<th scope="col" key=${plan.id} data-plan=${plan.id} class=${plan.status === 'INACTIVE' ? 'inactive' : ''}>
            <span class="plan">${plan.label}</span>
            ${plan.snapshotPlan ? html`<span class="borrow"><${Icon} name="BORROWED" /> uses ${plan.snapshotPlan.label}</span>` : null}
            ${plan.status === 'INACTIVE' ? html`<span class="inactive-word">inactive</span>` : null}
          </th>`)}
        </tr></thead>
        <tbody>
          ${state.rows.map((s) => {
            const flash = state.flash[s.id] && now - state.flash[s.id] < 60_000;
            const isCurrent = s.id === state.currentId;
            return html`<tr key=${s.id} data-snapshot=${s.id} data-status=${s.status} data-current=${isCurrent ? 'true' : 'false'} class=${`${isCurrent ? 'current' : ''}${s.expiredAt ? ' expired' : ''}`}>
              <th scope="row">
                <a href=${snapshotHref(slug, s.id)}><${Revision} revision=${s.revision} id=${s.id} /></a>
                ${isCurrent ? html` <${Tag} icon="CURRENT" kind="current">current<//>` : null}
                ${s.expiredAt ? html` <${Tag} icon="EXPIRED" kind="expired">expired<//>` : null}
                ${s.leases && s.leases.length ? html` <${Tag} icon="LEASED" kind="leased">${s.leases.length === 1 ? 'leased' : `${s.leases.length} leases`}<//>` : null}
              </th>
              <td data-col="status" class=${flash ? 'flash' : ''} title=${s.statusReason ? `Reason: ${s.statusReason}` : undefined}><${Status} status=${s.status} compact /></td>
              <td data-col="age"><${Age} iso=${s.dateCreated} now=${now} suffix="" /></td>
              ${state.plans.map((plan) => html`<${Cell} key=${plan.id} plan=${plan} snapshot=${s} plans=${state.plans} flash=${flash} />`)}
            </tr>`;
          })}
        </tbody>
      </table>
      </div>`}
      <nav class="pager" aria-label="Pages of snapshots">
        <span>Page ${pageNumber}: ${state.rows.length} of ${state.totalCount} snapshots, newest first.</span>
        ${after ? html`<a href=${pageHref({})}>Newest</a>` : null}
        ${state.pageInfo.hasNextPage ? html`<a href=${pageHref({ after: state.pageInfo.endCursor, page: String(pageNumber + 1) })} rel="next">Older</a>` : null}
        <span class="per-page">Per page:
          ${[20, 50, 100].map((n) => (n === first ? html` <strong aria-current="true">${n}</strong>` : html` <a href=${`${projectHref(slug)}${n === 20 ? '' : `?first=${n}`}`}>${n}</a>`))}
        </span>
      </nav>
      ${features.promotion ? html`<${Timeline} slug=${slug} history=${history} now=${now} loadOlder=${loadOlderHistory} />` : null}`
      : null}`;
}
