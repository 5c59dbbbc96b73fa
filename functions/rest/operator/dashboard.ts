// The dashboard: one HTML page, rendered here from the repository view, with one inline style and
// one inline script that fetches the operator API every few seconds and renders again. Nothing is
// loaded from elsewhere (it works offline, and the page's CSP forbids it), there is no build step,
// and the layout is one column of cards; on a phone's width each table row becomes a small block
// of "column: value" lines, so no figure is hidden behind a sideways scroll. `renderView` is the one renderer:
// the server calls it for the first paint, and its source text is the script's renderer, so the
// two can never differ. It must therefore stay self-contained (its helpers are nested in it) and
// plain (no imports, no closures over module scope).
import type { RepositoryView } from './repository-view.ts';

/** Seconds between the page's refreshes. */
export const REFRESH_SECONDS = 3;

export function renderView(view: RepositoryView): string {
  const esc = (v: unknown): string =>
    String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
  const bytes = (n: number | null): string =>
    n === null ? '—' : n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
  const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
  const ms = (x: number | null): string => (x === null ? '—' : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
  // The largest |Δ| over an arm's outputs as the shadow, e.g. " · max |Δ| 0.0213" (NaN on one side only: ∞).
  const maxError = (outputs: Record<string, { readonly maxAbsError: number }>): string => {
    const worst = Math.max(-1, ...Object.values(outputs).map((o) => o.maxAbsError));
    return worst < 0 ? '' : ` · max |Δ| ${worst === Infinity ? '∞' : esc(Number(worst.toPrecision(3)))}`;
  };
  const table = (head: string[], rows: string[][]): string =>
    `<div class="scroll"><table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows
      .map((r) => `<tr>${r.map((c, i) => `<td data-label="${head[i]}">${c}</td>`).join('')}</tr>`)
      .join('')}</table></div>`;
  const cards = view.models.map((m) => {
    const labels = m.labels.length
      ? `<p class="labels">${m.labels
          .map((l) => `<span class="chip">${esc(l.name)} → v${esc(l.version)}${l.resolves !== l.version ? ` <em>(serves ${l.resolves === null ? 'nothing yet' : `v${esc(l.resolves)}`})</em>` : ''}</span>`)
          .join(' ')}</p>`
      : '';
    const versions = table(
      ['Version', 'State', 'Size', 'Labels', 'Error'],
      m.versions.map((v) => [
        `v${esc(v.version)}`, `<span class="state ${esc(v.state)}">${esc(v.state)}</span>`, bytes(v.bytes), esc(v.labels.join(', ')), esc(v.error),
      ]),
    );
    let routing = '';
    if (m.routing) {
      const r = m.routing;
      const notes = [r.sticky && `sticky by ${esc(r.sticky)}`, r.override && `override header ${esc(r.override)}`,
        r.shadow && `shadow ${esc(r.shadow.arm)} at ${pct(r.shadow.sample)}`, r.fallback && `fallback ${esc(r.fallback)}`].filter(Boolean);
      routing = `<h3>Routing</h3>${notes.length ? `<p class="note">${notes.join(' · ')}</p>` : ''}${table(
        ['Arm', 'Serves', 'Weight', 'Share', 'Requests', 'Error rate', 'p50', 'p99', 'Shadow agreement'],
        r.arms.map((a) => [
          `<b>${esc(a.name)}</b>${a.falling_back ? ' <span class="warn">falling back</span>' : ''}`,
          esc(a.target), esc(a.weight),
          `<progress class="bar" max="1" value="${esc(a.share)}"></progress> ${pct(a.share)}`,
          esc(a.requests), pct(a.error_rate), ms(a.p50_ms), ms(a.p99_ms),
          a.shadow.compared ? `${pct(a.shadow.agreement)} of ${esc(a.shadow.compared)}${maxError(a.shadow.outputs)}` : '—',
        ]),
      )}`;
    }
    return `<section class="card" data-model="${esc(m.name)}"><h2>${esc(m.name)}</h2>${labels}${versions}${routing}</section>`;
  });
  const errors = view.load_errors.length
    ? `<section class="card"><h2>Recent load errors</h2>${table(
        ['Time', 'Model', 'Version', 'Code', 'Error'],
        view.load_errors.map((e) => [esc(e.time.slice(11, 19)), esc(e.model), `v${esc(e.version)}`, esc(e.code), esc(e.error)]),
      )}</section>`
    : '';
  const when = esc(view.time.slice(11, 19));
  const count = view.models.length === 1 ? '1 model' : `${view.models.length} models`;
  return `<p class="meta">${count} · updated ${when} UTC · figures over the last ${Math.round(view.window_seconds / 60)} min, this instance</p>${cards.join('')}${errors}`;
}

const STYLE = `
body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2125}
header{background:#1d2125;color:#fff;padding:.6em 1em}header h1{font-size:1.1em;margin:0}
main{max-width:70em;margin:0 auto;padding:.5em}
.card{background:#fff;border-radius:8px;padding:.6em 1em;margin:.6em 0;box-shadow:0 1px 2px #0002}
.card h2{font-size:1.1em;margin:.2em 0}.card h3{font-size:1em;margin:.8em 0 .2em}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #e4e6ea;white-space:nowrap}
.chip{display:inline-block;background:#e8f0fe;border-radius:1em;padding:0 .6em;margin:0 .2em .2em 0}
.state{font-weight:600}.state.AVAILABLE{color:#137333}.state.LOADING{color:#b06000}.state.END,.state.START{color:#5f6368}
.warn{color:#c5221f;font-weight:600}.meta,.note{color:#5f6368;font-size:.9em;margin:.3em 0}
.bar{display:inline-block;width:4em;height:.6em;vertical-align:middle;accent-color:#1a73e8}
#status{float:right;font-size:.8em;color:#aaa}
@media (max-width:40em){table,tbody,tr,td{display:block}tr:first-child{display:none}
tr{border-bottom:1px solid #e4e6ea;padding:.3em 0}td{border:none;padding:.05em 0;white-space:normal}
td::before{content:attr(data-label) ": ";color:#5f6368}}`;

/** The page's one script: the renderer's own source, with a no-op for the name-keeping helper a bundler may insert. */
function pageScript(apiPath: string): string {
  return `var __name=function(f){return f};var renderView=${renderView.toString()};
var api=${JSON.stringify(apiPath)};
async function refresh(){
  var status=document.getElementById('status');
  try{var r=await fetch(api,{cache:'no-store',credentials:'same-origin'});
    if(!r.ok)throw new Error('HTTP '+r.status);
    document.getElementById('view').innerHTML=renderView(await r.json());status.textContent='live';
  }catch(e){status.textContent='not updating: '+e.message}
}
setInterval(refresh,${REFRESH_SECONDS * 1000});`;
}

const policies = new Map<string, Promise<string>>();

/**
 * The page's Content-Security-Policy: its one inline script and style pinned by their sha256 (of
 * the exact text served), nothing else allowed but fetching the API from the page's own origin.
 * Computed once per API path (Web Crypto's digest is asynchronous, and not every runtime allows it
 * while a module loads, so on first use) and kept.
 */
export function dashboardPolicy(apiPath: string): Promise<string> {
  let policy = policies.get(apiPath);
  if (policy === undefined) {
    policy = Promise.all([sha256(pageScript(apiPath)), sha256(STYLE)]).then(([script, style]) =>
      `default-src 'none'; script-src '${script}'; style-src '${style}'; connect-src 'self'; img-src data:; ` +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    policies.set(apiPath, policy);
  }
  return policy;
}

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

export function dashboardPage(view: RepositoryView, options: { readonly apiPath: string }): string {
  const script = pageScript(options.apiPath);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>edgeserve dashboard</title><style>${STYLE}</style></head>
<body><header><span id="status">live</span><h1>edgeserve</h1></header>
<main id="view">${renderView(view)}</main>
<script>${script}</script></body></html>`;
}
