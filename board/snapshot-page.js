// One snapshot: its images, its status history with reasons, its leases, why
// it is kept and when it expired. Read again whenever an event names it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql, snapshotLiveQuery, snapshotQuery } from './api.js';
import { KEEP_WORDS } from './project-page.js';
import { Age, ErrorBox, html, projectHref, Revision, Status, Tag } from './ui.js';

export function SnapshotPage({ features, live, now, slug, id }) {
  const [snapshot, setSnapshot] = useState(undefined);
  const [error, setError] = useState(null);
  const timer = useRef(null);

  const load = async () => {
    try {
      const data = await gql(snapshotQuery(features), { id });
      setError(null);
      setSnapshot(data.snapshot);
      if (data.snapshot) document.title = `${data.snapshot.revision?.slice(0, 10) ?? id.slice(0, 8)} · ${data.snapshot.project.slug} · Snapshot board`;
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    load();
    const stopEvents = live.subscribe(snapshotLiveQuery, { project: slug }, ({ snapshotChanged }) => {
      if (snapshotChanged.id !== id) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(load, 150);
    });
    const stopResume = live.onResume(load);
    return () => {
      stopEvents();
      stopResume();
      clearTimeout(timer.current);
    };
  }, []);

  const crumbs = html`<nav class="crumbs" aria-label="Where you are"><a href="/board">Projects</a> <span aria-hidden="true">/</span> <a href=${projectHref(slug)}>${slug}</a> <span aria-hidden="true">/</span> <span>snapshot</span></nav>`;
  if (snapshot === null) {
    return html`${crumbs}<h1 id="page-heading" tabindex="-1">No such snapshot</h1><p>No snapshot has the id <code>${id}</code>.</p>`;
  }
  const s = snapshot;
  const usedBy = (planId) => (s ? s.project.plans.filter((p) => p.snapshotPlan?.id === planId).map((p) => p.label) : []);
  return html`
    ${crumbs}
    <h1 id="page-heading" tabindex="-1">Snapshot ${s ? html`<${Revision} revision=${s.revision} id=${s.id} />` : null}</h1>
    <${ErrorBox} error=${error} retry=${load} />
    ${s === undefined && !error ? html`<p class="loading">Loading the snapshot…</p>` : null}
    ${s
      ? html`
      <dl class="facts" data-snapshot=${s.id}>
        <div><dt>Status</dt><dd data-field="status"><${Status} status=${s.status} />${features.promotion && s.statusReason ? html` <q class="reason">${s.statusReason}</q>` : null}</dd></div>
        <div><dt>Current</dt><dd data-field="current">${s.isCurrent ? html`<${Tag} icon="CURRENT" kind="current">current snapshot of ${s.project.slug}<//>` : 'no'}</dd></div>
        <div><dt>Created</dt><dd><${Age} iso=${s.dateCreated} now=${now} /></dd></div>
        <div><dt>Revision</dt><dd><code class="wrap">${s.revision ?? '—'}</code></dd></div>
        <div><dt>Build</dt><dd><code class="wrap">${s.buildId ?? '—'}</code></dd></div>
        <div><dt>Id</dt><dd><code class="wrap">${s.id}</code></dd></div>
        ${features.retention
          ? html`
          <div><dt>Expired</dt><dd data-field="expiredAt">${s.expiredAt ? html`<${Tag} icon="EXPIRED" kind="expired">expired<//> <${Age} iso=${s.expiredAt} now=${now} />` : 'no'}</dd></div>
          <div><dt>Kept because</dt><dd data-field="keptBecause">${s.keptBecause.length ? s.keptBecause.map((k) => html`<span class="tag keep" data-keep=${k}>${KEEP_WORDS[k] ?? k}</span> `) : html`<span class="muted">nothing keeps it</span>`}</dd></div>`
          : null}
      </dl>

      <section aria-labelledby="images-heading">
        <h2 id="images-heading">Images</h2>
        ${s.images.length === 0 ? html`<p class="muted">No images.</p>` : html`
        <div class="table-wrap"><table class="list">
          <thead><tr><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Job</th><th scope="col">Also used by</th></tr></thead>
          <tbody>${s.images.map((i) => html`<tr key=${i.id} data-image=${i.id}><th scope="row">${i.plan.label}</th><td><${Status} status=${i.status} /></td><td><code class="wrap">${i.jobId ?? '—'}</code></td><td>${usedBy(i.plan.id).join(', ') || html`<span class="muted">—</span>`}</td></tr>`)}</tbody>
        </table></div>`}
      </section>

      ${features.promotion
        ? html`<section aria-labelledby="status-heading">
        <h2 id="status-heading">Status history</h2>
        <div class="table-wrap"><table class="list status-history">
          <thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">By</th><th scope="col">Image</th><th scope="col">Reason</th></tr></thead>
          <tbody>${s.statusHistory.map((c, n) => html`<tr key=${n}>
            <td><${Age} iso=${c.at} now=${now} /></td>
            <td><${Status} status=${c.from} /> → <${Status} status=${c.to} /></td>
            <td>${c.actor}</td>
            <td>${c.image ? c.image.plan.label : html`<span class="muted">—</span>`}</td>
            <td>${c.reason ? html`<q class="reason">${c.reason}</q>` : html`<span class="muted">—</span>`}</td>
          </tr>`)}</tbody>
        </table></div>
      </section>`
        : null}

      ${features.retention
        ? html`<section aria-labelledby="leases-heading">
        <h2 id="leases-heading">Leases</h2>
        ${s.leases.length === 0 ? html`<p class="muted">No live leases.</p>` : html`
        <div class="table-wrap"><table class="list leases">
          <thead><tr><th scope="col">Holder</th><th scope="col">Since</th><th scope="col">Expires</th><th scope="col">State</th></tr></thead>
          <tbody>${s.leases.map((l) => html`<tr key=${l.id} data-lease=${l.id}>
            <th scope="row"><code class="wrap">${l.holder}</code></th>
            <td><${Age} iso=${l.dateCreated} now=${now} /></td>
            <td><time datetime=${l.expiresAt} title=${new Date(l.expiresAt).toLocaleString()}>${Date.parse(l.expiresAt) > now ? `in ${ageOf(l.expiresAt, now)}` : 'passed'}</time></td>
            <td>${l.live ? html`<${Tag} icon="LEASED" kind="leased">live<//>` : l.releasedAt ? 'released' : 'expired'}</td>
          </tr>`)}</tbody>
        </table></div>`}
      </section>`
        : null}`
      : null}`;
}

function ageOf(iso, now) {
  const s = Math.max(0, (Date.parse(iso) - now) / 1000);
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}
