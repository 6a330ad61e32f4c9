// The board: every project with its current snapshot, what is building, what
// failed in the last day, what expired; filtered by slug; live.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { boardLiveQuery, boardMoreQuery, boardQuery, boardRowQuery, gql } from './api.js';
import { Age, ageText, ErrorBox, html, Icon, navigate, projectHref, Revision, Status, STATUS_WORDS, Tag } from './ui.js';

const DAY_MS = 24 * 3600 * 1000;
/** Snapshots read per project at first; more only while they are younger than a day. */
const FIRST = 12;
const MAX_SCANNED = 1000;
const STRIP = 12;

const building = (s) => s.status === 'PENDING';
const newestFirst = (a, b) => Date.parse(b.dateCreated) - Date.parse(a.dateCreated) || (a.id < b.id ? 1 : -1);

function toRow(p) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    current: p.currentSnapshot,
    who: p.currentHistory?.nodes[0] ?? null,
    expired: p.expired ? p.expired.totalCount : null,
    snapshots: p.snapshots.nodes,
    more: p.snapshots.pageInfo.hasNextPage ? p.snapshots.pageInfo.endCursor : null,
  };
}

/** The counts of a row, from the snapshots read so far (all those of the last day, and at least the newest 12). */
export function rowCounts(row, now) {
  let buildingCount = 0;
  let failed = 0;
  for (const s of row.snapshots) {
    if (building(s)) buildingCount++;
    if (s.status === 'FAILED' && now - Date.parse(s.dateCreated) < DAY_MS) failed++;
  }
  return { building: buildingCount, failed, scanned: row.snapshots.length, complete: !row.more };
}

function Count({ n, icon, kind, label, partial }) {
  if (n === null || n === undefined) return html`<span class="muted">—</span>`;
  const title = partial ? `${label} among the newest ${partial} snapshots` : label;
  if (n === 0) return html`<span class="count zero" title=${title}>0</span>`;
  return html`<span class=${`count ${kind}`} title=${title}><${Icon} name=${icon} />${n}</span>`;
}

function Strip({ snapshots, now }) {
  const shown = snapshots.slice(0, STRIP);
  if (shown.length === 0) return html`<span class="muted">no snapshots</span>`;
  const tally = {};
  for (const s of shown) tally[s.status] = (tally[s.status] ?? 0) + 1;
  const label = `Newest ${shown.length}, newest first: ` + Object.entries(tally).map(([status, n]) => `${n} ${STATUS_WORDS[status] ?? status}`).join(', ');
  return html`<span class="strip" role="img" aria-label=${label}>
    ${shown.map((s) => html`<span class=${`chip s-${s.status.toLowerCase()}`} title=${`${STATUS_WORDS[s.status] ?? s.status}, ${ageText(s.dateCreated, now)} old`}><${Icon} name=${s.status} /></span>`)}
  </span>`;
}

function SetBy({ who, now }) {
  if (!who) return html`<span class="muted">—</span>`;
  return html`<span class="setby">
    <span class="actor">${who.actor}</span>
    ${who.kind === 'ROLLBACK' ? html` <${Tag} icon="ROLLBACK" kind="rollback">rollback<//>` : null}
    ${who.kind === 'CLEARED' ? html` <${Tag} icon="CLEARED">cleared<//>` : null}
    ${who.downgrade ? html` <${Tag} icon="DOWNGRADE" kind="downgrade">downgrade<//>` : null}
    <span class="muted"> · <${Age} iso=${who.at} now=${now} /></span>
  </span>`;
}

export function BoardPage({ features, live, now, filter }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const rowsRef = useRef(null);
  rowsRef.current = rows;
  const timers = useRef(new Map());
  const filterInput = useRef(null);

  /** Runs `fn` once, `ms` after the last call with this key. */
  const debounce = (key, ms, fn) => {
    clearTimeout(timers.current.get(key));
    timers.current.set(key, setTimeout(() => {
      timers.current.delete(key);
      fn();
    }, ms));
  };

  const load = async () => {
    try {
      const data = await gql(boardQuery(features), { first: FIRST });
      const loaded = data.projects.map(toRow);
      setRows(loaded);
      setError(null);
      await deepen(loaded);
    } catch (err) {
      setError(err);
    }
  };

  /** Reads further back for projects whose snapshots of the last day are not all read yet. */
  const deepen = async (loaded) => {
    for (const row of loaded) {
      let { more, snapshots } = row;
      while (more && snapshots.length < MAX_SCANNED && Date.now() - Date.parse(snapshots[snapshots.length - 1].dateCreated) < DAY_MS) {
        const data = await gql(boardMoreQuery, { project: row.id, after: more });
        if (!data.project) break;
        const page = data.project.snapshots;
        snapshots = [...snapshots, ...page.nodes.filter((n) => !snapshots.some((s) => s.id === n.id))];
        more = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        const update = { snapshots, more };
        setRows((rs) => rs && rs.map((r) => (r.id === row.id ? { ...r, ...update } : r)));
      }
    }
  };

  const refreshRow = (projectId) =>
    debounce(`row:${projectId}`, 250, async () => {
      try {
        const data = await gql(boardRowQuery(features), { project: projectId });
        const p = data.project;
        if (!p) return debounce('reload', 300, load);
        setRows((rs) => rs && rs.map((r) => (r.id === p.id ? { ...r, current: p.currentSnapshot, who: p.currentHistory?.nodes[0] ?? null, expired: p.expired ? p.expired.totalCount : r.expired } : r)));
      } catch (err) {
        setError(err);
      }
    });

  const onEvent = ({ snapshotChanged: s }) => {
    const row = rowsRef.current?.find((r) => r.id === s.project.id);
    if (!row) {
      // A project the board has not seen yet (or the board is still loading).
      if (rowsRef.current) debounce('reload', 300, load);
      return;
    }
    const wasCurrent = row.current?.id === s.id;
    setRows((rs) =>
      rs.map((r) => {
        if (r.id !== s.project.id) return r;
        const snap = { id: s.id, status: s.status, dateCreated: s.dateCreated };
        const snapshots = r.snapshots.some((x) => x.id === s.id) ? r.snapshots.map((x) => (x.id === s.id ? snap : x)) : [snap, ...r.snapshots].sort(newestFirst);
        let current = r.current;
        if (s.isCurrent) current = { id: s.id, status: s.status, revision: s.revision, dateCreated: s.dateCreated, expiredAt: s.expiredAt ?? null };
        else if (current?.id === s.id) current = null;
        return { ...r, snapshots, current };
      }),
    );
    // Who moved the current snapshot, and what expired, are read again from the API.
    const expired = features.retention && Boolean(s.expiredAt);
    if ((features.promotion && s.isCurrent !== wasCurrent) || expired || (!s.isCurrent && wasCurrent)) refreshRow(s.project.id);
  };

  useEffect(() => {
    load();
    const stopEvents = live.subscribe(boardLiveQuery(features), {}, onEvent);
    const stopResume = live.onResume(load);
    const onKey = (event) => {
      if (event.key === '/' && !['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)) {
        event.preventDefault();
        filterInput.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    document.title = 'Snapshot board';
    return () => {
      stopEvents();
      stopResume();
      document.removeEventListener('keydown', onKey);
      for (const timer of timers.current.values()) clearTimeout(timer);
    };
  }, []);

  const needle = filter.trim().toLowerCase();
  const shown = useMemo(() => (rows ?? []).filter((r) => !needle || r.slug.includes(needle)), [rows, needle]);
  const totals = useMemo(() => {
    const t = { building: 0, failed: 0, expired: 0 };
    for (const r of shown) {
      const c = rowCounts(r, now);
      t.building += c.building;
      t.failed += c.failed;
      t.expired += r.expired ?? 0;
    }
    return t;
  }, [shown, now]);

  const setFilter = (event) => {
    const q = event.target.value;
    const params = new URLSearchParams(location.search);
    if (q) params.set('q', q);
    else params.delete('q');
    const search = params.toString();
    navigate(`${location.pathname}${search ? `?${search}` : ''}`, { replace: true });
  };

  return html`
    <h1 id="page-heading" tabindex="-1">Projects</h1>
    <${ErrorBox} error=${error} retry=${load} />
    ${rows === null && !error ? html`<p class="loading">Loading the projects…</p>` : null}
    ${rows !== null
      ? html`
        <p class="summary" data-summary>
          <span><strong>${shown.length}</strong> ${shown.length === 1 ? 'project' : 'projects'}${needle ? ` of ${rows.length}` : ''}</span>
          <span><${Icon} name="PENDING" /> <strong>${totals.building}</strong> building</span>
          <span><${Icon} name="FAILED" /> <strong>${totals.failed}</strong> failed in the last day</span>
          ${features.retention ? html`<span><${Icon} name="EXPIRED" /> <strong>${totals.expired}</strong> expired</span>` : null}
        </p>
        <div class="filter">
          <label for="filter">Filter by slug</label>
          <input id="filter" ref=${filterInput} type="search" value=${filter} onInput=${setFilter} placeholder="e.g. shop" autocomplete="off" spellcheck="false" aria-describedby="filter-help" />
          <span id="filter-help" class="muted">Press / to filter</span>
        </div>
        ${shown.length === 0 ? html`<p class="empty">${rows.length === 0 ? 'No projects yet.' : `No project's slug contains “${filter}”.`}</p>` : html`
        <div class="table-wrap">
        <table class="projects">
          <caption class="sr-only">Every project: its current snapshot, how many of its snapshots are building, failed in the last day${features.retention ? ', expired' : ''}, and its newest snapshots</caption>
          <thead><tr>
            <th scope="col">Project</th>
            <th scope="col">Current snapshot</th>
            <th scope="col">Age</th>
            ${features.promotion ? html`<th scope="col">Set by</th>` : null}
            <th scope="col" class="num">Building</th>
            <th scope="col" class="num">Failed, last day</th>
            ${features.retention ? html`<th scope="col" class="num">Expired</th>` : null}
            <th scope="col">Newest snapshots</th>
          </tr></thead>
          <tbody>
            ${shown.map((r) => {
              const c = rowCounts(r, now);
              const partial = c.complete ? null : c.scanned;
              return html`<tr key=${r.id} data-project=${r.slug}>
                <th scope="row" data-label="Project"><a href=${projectHref(r.slug)}>${r.slug}</a>${r.name && r.name !== r.slug ? html`<span class="name">${r.name}</span>` : null}</th>
                <td data-col="current" data-label="Current" data-snapshot=${r.current?.id ?? ''}>
                  ${r.current ? html`<${Status} status=${r.current.status} /> <${Revision} revision=${r.current.revision} id=${r.current.id} />${r.current.expiredAt ? html` <${Tag} icon="EXPIRED">expired<//>` : null}` : html`<span class="muted">none set</span>`}
                </td>
                <td data-col="age" data-label="Age">${r.current ? html`<${Age} iso=${r.current.dateCreated} now=${now} suffix="" />` : html`<span class="muted">—</span>`}</td>
                ${features.promotion ? html`<td data-col="set-by" data-label="Set by"><${SetBy} who=${r.who} now=${now} /></td>` : null}
                <td data-col="building" data-label="Building" class="num"><${Count} n=${c.building} icon="PENDING" kind="s-pending" label="Snapshots PENDING (building)" partial=${partial} /></td>
                <td data-col="failed" data-label="Failed, last day" class="num"><${Count} n=${c.failed} icon="FAILED" kind="s-failed" label="Snapshots created in the last 24 hours that FAILED" /></td>
                ${features.retention ? html`<td data-col="expired" data-label="Expired" class="num"><${Count} n=${r.expired} icon="EXPIRED" kind="s-expired" label="Expired snapshots" /></td>` : null}
                <td data-col="recent" data-label="Newest"><${Strip} snapshots=${r.snapshots} now=${now} /></td>
              </tr>`;
            })}
          </tbody>
        </table>
        </div>`}`
      : null}`;
}
