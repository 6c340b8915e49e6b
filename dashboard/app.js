// The distaudit dashboard: one ES module, no build step, no framework, and
// nothing fetched from anywhere but this service.
//
// Routes are in the hash, so the static server needs no rewrite rules, and
// they are the ones the API's `links.dashboard` point at:
//   #/                 recent audits and releases, upload form
//   #/audits/<id>      one audit: live progress, then its report
//   #/releases/<id>    one release: coverage matrix, release findings
//   #/sign-out         forgets the token

const TOKEN_KEY = 'distaudit.token';
const TERMINAL = new Set(['done', 'failed']);
const HOME_REFRESH_MS = 2000;
const POLL_MS = 1000;

const AUDIT_FORMATS = [['json', 'json'], ['sarif', 'sarif'], ['junit', 'xml'], ['markdown', 'md']];
const RELEASE_FORMATS = [['json', 'json'], ['markdown', 'md'], ['text', 'txt']];
const SEVERITIES = [['error', 'Errors'], ['warning', 'Warnings'], ['info', 'Info']];

// ---------------------------------------------------------------- DOM helpers

/**
 * Builds an element. Children always go in as text nodes, never as HTML:
 * file names, messages and evidence come from uploaded artifacts.
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    // Properties such as <progress>.value or <input>.multiple; attributes otherwise.
    else if (typeof v !== 'string' && k in el) el[k] = v;
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const $ = (selector) => document.querySelector(selector);
const enc = encodeURIComponent;

function badge(verdict, attrs = {}) {
  // The word is always there too: colour alone does not carry the verdict.
  return h('span', { class: `badge v-${verdict ?? 'none'}`, 'data-verdict': verdict ?? 'none', ...attrs }, verdict ? verdict.toUpperCase() : '—');
}

function kindOf(file) {
  const f = file.toLowerCase();
  if (f.endsWith('.whl')) return 'wheel';
  if (f.endsWith('.jar')) return 'jar';
  if (f.endsWith('.tgz') || f.endsWith('.tar.gz')) return 'npm';
  if (f.endsWith('.node')) return 'node addon';
  return '?';
}

function when(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  const s = Math.round((Date.now() - ms) / 1000);
  const text = s < 45 ? 'just now' : s < 3600 ? `${Math.round(s / 60)} min ago` : s < 86400 ? `${Math.round(s / 3600)} h ago` : d.toLocaleDateString();
  return h('time', { datetime: d.toISOString(), title: d.toLocaleString() }, text);
}

function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function counts(c) {
  if (!c) return '—';
  return h('span', { class: 'counts' },
    h('span', { class: c.errors ? 'n-error' : 'n-zero' }, plural(c.errors, 'error')), ', ',
    h('span', { class: c.warnings ? 'n-warning' : 'n-zero' }, plural(c.warnings, 'warning')), ', ',
    h('span', { class: 'n-zero' }, `${c.infos} info`));
}

function progressBar(fraction, label, attrs = {}) {
  return h('progress', { max: 1, value: fraction, 'aria-label': label, ...attrs }, `${Math.round(fraction * 100)}%`);
}

/** State of an audit or release in a table: a progress bar while it is not finished. */
function stateCell(x, progress) {
  if (x.state === 'failed') return h('span', { class: 'state-failed', title: x.error?.message ?? '' }, 'failed');
  if (x.state === 'done') return 'done';
  return h('span', { class: 'state-live' }, progressBar(progress, `${x.file ?? x.name}: ${x.stage ?? x.state}`), ` ${x.stage ?? x.state}`);
}

function table(attrs, head, rows) {
  return h('table', attrs, h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows));
}

function dl(entries, attrs = { class: 'meta' }) {
  return h('dl', attrs, entries.filter(Boolean).map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });
}

// ------------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const token = () => sessionStorage.getItem(TOKEN_KEY);
let signInMessage = '';

/** fetch() with the project token; API errors ({error: {code, message}}) become ApiErrors. */
async function request(path, init = {}, bearer = token()) {
  const res = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${bearer}` } });
  if (res.ok) return res;
  let code = `http-${res.status}`;
  let message = `HTTP ${res.status}`;
  try {
    const j = await res.json();
    if (j.error) ({ code, message } = j.error);
  } catch {
    // not JSON: keep the status line
  }
  // A token revoked while the page is open: back to the prompt, saying why.
  if (res.status === 401 && bearer === token()) {
    sessionStorage.removeItem(TOKEN_KEY);
    signInMessage = message;
    route();
  }
  throw new ApiError(res.status, code, message);
}

const getJson = async (path, init) => (await request(path, init)).json();

/**
 * Reads a Server-Sent Events stream. EventSource cannot send an
 * Authorization header, so this is fetch() reading the body as it arrives,
 * split into events at blank lines (the service writes LF line ends).
 */
async function* sse(path, signal) {
  const res = await request(path, { signal, headers: { accept: 'text/event-stream' } });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // a comment: the server's keep-alive
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = text;
          else if (field === 'data') data.push(text);
        }
        if (data.length) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * Follows an audit or release until it ends: its event stream (a `state`
 * snapshot, `progress` changes, a final `done` snapshot), calling onUpdate
 * with the merged state each time. If the stream breaks off before the end
 * (a proxy timeout, an API restart), it polls instead. Answers the final state.
 */
async function follow(eventsPath, poll, signal, onUpdate) {
  let last = null;
  try {
    for await (const { event, data } of sse(eventsPath, signal)) {
      const msg = JSON.parse(data);
      last = event === 'progress' ? { ...last, ...msg } : msg;
      onUpdate(last);
      if (event === 'done' || TERMINAL.has(last.state)) return last;
    }
  } catch (e) {
    if (signal.aborted || e instanceof ApiError) throw e;
  }
  for (;;) {
    last = await poll();
    onUpdate(last);
    if (TERMINAL.has(last.state)) return last;
    await sleep(POLL_MS, signal);
  }
}

/**
 * Reports need the Authorization header, so a plain link cannot fetch them:
 * fetch the bytes, then hand them to the browser as a Blob URL to save.
 */
async function download(path, fileName) {
  const blob = await (await request(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function reportLinks(base, formats, stem) {
  const status = h('span', { class: 'error', role: 'alert' });
  return h('p', { class: 'downloads', 'data-testid': 'report-links' }, 'Report: ',
    formats.map(([format, ext]) => [
      h('button', {
        type: 'button',
        class: 'link',
        'data-testid': `report-${format}`,
        onclick: () => {
          status.textContent = '';
          download(`${base}/report?format=${format}`, `${stem}.${ext}`).catch((e) => { status.textContent = `Could not download the ${format} report: ${e.message}`; });
        },
      }, format),
      ' ',
    ]),
    status);
}

// ------------------------------------------------------------------- routing

/** The current page's AbortController: leaving a page stops its streams and timers. */
let page = null;

function route() {
  page?.abort();
  page = new AbortController();
  const signal = page.signal;
  const path = location.hash.replace(/^#/, '') || '/';
  const view = $('#view');
  view.replaceChildren();

  if (path === '/sign-out') {
    sessionStorage.removeItem(TOKEN_KEY);
    location.replace('#/');
    return;
  }
  const signedIn = Boolean(token());
  $('#sign-in').hidden = signedIn;
  $('#sign-out').hidden = !signedIn;
  if (!signedIn) {
    $('#token-error').hidden = !signInMessage;
    $('#token-error').textContent = signInMessage;
    $('#token-input').focus();
    return;
  }

  let m;
  let render;
  if (path === '/') render = homePage(view, signal);
  else if ((m = /^\/audits\/([\w-]+)$/.exec(path))) render = auditPage(view, m[1], signal);
  else if ((m = /^\/releases\/([\w-]+)$/.exec(path))) render = releasePage(view, m[1], signal);
  else render = Promise.reject(new ApiError(404, 'not-found', `no page ${path}`));
  render.catch((e) => {
    if (signal.aborted) return;
    view.append(h('p', { class: 'error', role: 'alert', 'data-testid': 'page-error' }, e.message));
  });
}

$('#token-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#token-input');
  const value = input.value.trim();
  const error = $('#token-error');
  // Try the token before keeping it: a typo is best reported here, once.
  try {
    await request('/v1/audits?limit=1', {}, value);
  } catch (e) {
    error.textContent = e.status === 401 ? `That token is not accepted: ${e.message}` : e.message;
    error.hidden = false;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, value);
  input.value = '';
  signInMessage = '';
  route();
});

window.addEventListener('hashchange', route);
route();

// ---------------------------------------------------------------------- home

async function homePage(view, signal) {
  document.title = 'distaudit';
  const audits = h('div', { id: 'audits' });
  const releases = h('div', { id: 'releases' });
  view.append(
    h('h1', {}, 'Audits'),
    uploadForm(signal),
    h('section', { 'aria-labelledby': 'audits-title' }, h('h2', { id: 'audits-title' }, 'Recent audits'), audits),
    h('section', { 'aria-labelledby': 'releases-title' }, h('h2', { id: 'releases-title' }, 'Recent releases'), releases),
  );

  // Refresh while anything is queued or running; a finished list stays still.
  for (;;) {
    const [a, r] = await Promise.all([getJson('/v1/audits?limit=30', { signal }), getJson('/v1/releases?limit=10', { signal })]);
    audits.replaceChildren(a.audits.length
      ? table({ class: 'list', 'data-testid': 'audits-table' }, ['File', 'Kind', 'State', 'Verdict', 'Findings', 'Uploaded'],
        a.audits.map((x) => h('tr', { 'data-testid': 'audit-row', 'data-id': x.id },
          h('td', {}, h('a', { href: `#/audits/${x.id}` }, x.file)),
          h('td', {}, kindOf(x.file)),
          h('td', {}, stateCell(x, x.progress)),
          h('td', {}, badge(x.verdict)),
          h('td', {}, counts(x.counts)),
          h('td', {}, when(x.createdAt)))))
      : h('p', { class: 'muted' }, 'No audits yet: upload an artifact above.'));
    releases.replaceChildren(r.releases.length
      ? table({ class: 'list', 'data-testid': 'releases-table' }, ['Release', 'Artifacts', 'State', 'Verdict', 'Findings', 'Uploaded'],
        r.releases.map((x) => h('tr', { 'data-testid': 'release-row', 'data-id': x.id },
          h('td', {}, h('a', { href: `#/releases/${x.id}` }, x.name)),
          h('td', {}, String(x.audits.length)),
          h('td', {}, stateCell(x, x.audits.length ? 1 - x.pending / x.audits.length : 0)),
          h('td', {}, badge(x.verdict)),
          h('td', {}, counts(x.counts)),
          h('td', {}, when(x.createdAt)))))
      : h('p', { class: 'muted' }, 'No releases yet (upload one with `distaudit submit --release` or POST /v1/releases).'));
    const busy = a.audits.some((x) => !TERMINAL.has(x.state)) || r.releases.some((x) => !TERMINAL.has(x.state));
    if (!busy) return;
    await sleep(HOME_REFRESH_MS, signal);
  }
}

function uploadForm(signal) {
  const input = h('input', { id: 'upload-input', name: 'file', type: 'file', multiple: true, required: true, accept: '.whl,.jar,.tgz,.node' });
  const button = h('button', { type: 'submit', id: 'upload-button' }, 'Upload and audit');
  const status = h('p', { id: 'upload-status', role: 'status' });
  const form = h('form', { id: 'upload-form', class: 'upload' },
    h('label', { for: 'upload-input' }, 'Artifacts to audit (.whl, .jar, .tgz, .node)'), ' ', input, ' ', button, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const files = [...input.files];
    if (!files.length) return;
    const body = new FormData();
    for (const f of files) body.append('file', f, f.name);
    button.disabled = true;
    status.className = '';
    status.textContent = `Uploading ${files.length === 1 ? files[0].name : `${files.length} files`}…`;
    try {
      const { audits } = await getJson('/v1/audits', { method: 'POST', body, signal });
      // One file: follow it live on its own page. Several: the list shows them all.
      if (audits.length === 1) location.hash = `#/audits/${audits[0].id}`;
      else route();
    } catch (e) {
      if (signal.aborted) return;
      status.className = 'error';
      status.textContent = `Upload failed: ${e.message}`;
      button.disabled = false;
    }
  });
  return form;
}

// --------------------------------------------------------------------- audit

async function auditPage(view, id, signal) {
  let audit = await getJson(`/v1/audits/${enc(id)}`, { signal });
  const head = h('header', { class: 'page-head' });
  const live = h('section', { id: 'audit-live', class: 'live', 'aria-live': 'polite' });
  const body = h('div', { id: 'audit-body' });
  view.append(head, live, body);

  const drawHead = (a) => {
    document.title = `${a.verdict ? a.verdict.toUpperCase() : a.state} · ${a.file} · distaudit`;
    head.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Audits'), a.release ? [' · part of ', h('a', { href: `#/releases/${a.release}`, 'data-testid': 'audit-release-link' }, 'a release')] : null),
      h('h1', {}, h('span', { class: 'file' }, a.file), ' ', badge(a.verdict, { id: 'audit-verdict', 'data-testid': 'audit-verdict' })),
      dl([
        ['Kind', kindOf(a.file)],
        ['Size', bytes(a.size)],
        ['SHA-256', h('code', { title: a.sha256 ?? '' }, a.sha256 ? `${a.sha256.slice(0, 16)}…` : '—')],
        ['Uploaded', when(a.createdAt)],
        ['State', h('span', { 'data-testid': 'audit-state' }, a.state)],
        a.startedAt && a.finishedAt && ['Took', `${((a.finishedAt - a.startedAt) / 1000).toFixed(1)} s`],
        a.counts && ['Findings', counts(a.counts)],
        a.reusedFrom && ['Report', ['reused from ', h('a', { href: `#/audits/${a.reusedFrom}` }, 'an earlier audit of the same bytes')]],
      ]),
    );
  };
  drawHead(audit);

  if (!TERMINAL.has(audit.state)) {
    // Built once and updated in place, so assistive technology hears each stage once.
    const stage = h('span', { id: 'audit-stage' });
    const bar = h('progress', { id: 'audit-progress', 'data-testid': 'audit-progress', max: 1, value: 0, 'aria-labelledby': 'audit-stage' });
    const pct = h('span', { class: 'pct' });
    live.replaceChildren(h('div', { class: 'progress' }, stage, bar, pct));
    const update = (a) => {
      stage.textContent = a.state === 'queued' ? 'Queued, waiting for a worker' : `Running: ${a.stage}`;
      bar.value = a.progress ?? 0;
      bar.dataset.stage = a.stage;
      pct.textContent = `${Math.round((a.progress ?? 0) * 100)}%`;
      head.querySelector('[data-testid=audit-state]').textContent = a.state;
    };
    update(audit);
    audit = await follow(`/v1/audits/${enc(id)}/events`, () => getJson(`/v1/audits/${enc(id)}`, { signal }), signal, update);
    drawHead(audit);
    live.replaceChildren(h('p', {}, `Audit ${audit.state}${audit.verdict ? `: ${audit.verdict.toUpperCase()}` : ''}.`));
  }

  if (audit.state === 'failed') {
    body.append(h('p', { class: 'error', role: 'alert', 'data-testid': 'audit-error' }, `The audit failed: ${audit.error?.message ?? 'no reason given'} (${audit.error?.code ?? 'error'})`));
    return;
  }
  const report = await getJson(`/v1/audits/${enc(id)}/report?format=json`, { signal });
  body.append(
    reportLinks(`/v1/audits/${enc(id)}`, AUDIT_FORMATS, audit.file.replace(/\.[^.]+$/, '') + '.distaudit'),
    artifactFacts(report),
    targetsSection(report),
    loadsSection(report),
    binariesSection(report),
    findingsSection(report.findings, 'findings'),
  );
}

/** What the artifact says about itself, per kind. */
function artifactFacts(r) {
  const w = r.wheel;
  const n = r.npm;
  const j = r.jar;
  return dl([
    w && ['Wheel', `${w.distribution ?? '?'} ${w.version ?? ''}`],
    w && w.tags.length > 0 && ['Tags', w.tags.join(', ')],
    w?.deservedPlatformTags && ['Qualifies for', w.deservedPlatformTags.join(', ') || 'no platform tag'],
    n && ['npm package', `${n.name ?? '?'}@${n.version ?? '?'}`],
    n && n.layouts.length > 0 && ['Native layout', n.layouts.join(', ')],
    n && ['engines.node', n.engines ?? 'any'],
    j && ['JAR', `${j.name ?? '?'} ${j.version ?? ''}`],
    j && j.conventions.length > 0 && ['Conventions', j.conventions.join(', ')],
    ['Checks run', String(r.checksRun.length)],
  ]);
}

function targetsSection(r) {
  const targets = new Map(r.targets.map((t) => [t.id, t]));
  const section = h('section', { 'aria-labelledby': 'targets-title' }, h('h2', { id: 'targets-title' }, 'Targets'));
  if (!r.verdicts.length) {
    section.append(h('p', { class: 'muted' }, 'The artifact claims no platform: the verdict is over all its findings.'));
    return section;
  }
  const loads = r.loads ? ['Real loads'] : [];
  section.append(table({ id: 'target-matrix', class: 'matrix', 'data-testid': 'target-matrix' }, ['Target', 'Verdict', ...loads, 'Errors', 'Warnings', 'Info', 'Claimed as'],
    r.verdicts.map((v) => h('tr', { 'data-target': v.target },
      h('th', { scope: 'row' }, h('code', {}, v.target)),
      h('td', { class: `cell v-${v.verdict}`, 'data-verdict': v.verdict, 'data-testid': 'target-verdict' }, v.verdict.toUpperCase()),
      r.loads && h('td', { 'data-testid': 'target-loads' }, loadTally(r.loads.outcomes.filter((o) => o.target === v.target))),
      h('td', { class: 'num' }, String(v.errors)),
      h('td', { class: 'num' }, String(v.warnings)),
      h('td', { class: 'num' }, String(v.infos)),
      h('td', {}, targets.get(v.target)?.claims.join(', ') ?? '')))));
  return section;
}

const LOAD_LABEL = { passed: 'PASSED', failed: 'FAILED', crashed: 'CRASHED', 'timed-out': 'TIMED OUT', 'not-run': 'NOT RUN' };

/** '3 passed · 1 failed · 2 not run' for a target's loads. */
function loadTally(outcomes) {
  if (!outcomes.length) return 'none planned';
  return Object.keys(LOAD_LABEL)
    .map((s) => [s, outcomes.filter((o) => o.status === s).length])
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.replace('-', ' ')}`)
    .join(' · ');
}

/** The load matrix: each binary × target against each image, with the loader's words and the finding that predicted a failure. */
function loadsSection(r) {
  if (!r.loads) return null;
  const { images, outcomes, driver } = r.loads;
  const section = h('section', { id: 'loads', 'data-testid': 'loads', 'aria-labelledby': 'loads-title' },
    h('h2', { id: 'loads-title' }, `Real loads (${outcomes.filter((o) => o.status !== 'not-run').length} run, driver ${driver})`));
  if (!outcomes.length) {
    section.append(h('p', { class: 'muted' }, 'No load planned: no binary serves a Linux target.'));
    return section;
  }
  const columns = [...images.map((i) => i.id), ...(outcomes.some((o) => o.image === null) ? [null] : [])];
  const rows = [...new Map(outcomes.map((o) => [`${o.binary}\0${o.target}`, o])).values()];
  section.append(
    dl(images.map((i) => [h('code', {}, i.id), `${i.title}: ${i.libc}; ${i.runtimes.join(', ') || 'no runtime'}`])),
    h('div', { class: 'scroll' }, table({ id: 'load-matrix', class: 'matrix', 'data-testid': 'load-matrix' }, ['Binary', 'Target', ...columns.map((c) => c ?? 'no image')],
      rows.map((row) => h('tr', { 'data-binary': row.binary, 'data-target': row.target },
        h('th', { scope: 'row' }, h('code', {}, row.binary)),
        h('td', {}, h('code', {}, row.target)),
        columns.map((c) => {
          const o = outcomes.find((x) => x.binary === row.binary && x.target === row.target && x.image === c);
          return o ? loadCell(o) : h('td', { class: 'cell l-none' }, '—');
        }))))),
  );
  return section;
}

function loadCell(o) {
  return h('td', { class: `cell l-${o.status}${o.surprise ? ' surprise' : ''}`, 'data-testid': 'load-cell', 'data-status': o.status, 'data-image': o.image ?? '' },
    h('details', {},
      h('summary', {}, LOAD_LABEL[o.status], o.surprise ? ' !' : ''),
      dl([
        o.runtime && ['Runtime', o.runtime],
        ['Result', o.reason],
        o.class && ['Class', o.class],
        o.status !== 'passed' && o.status !== 'not-run' && ['Predicted by', o.predictedBy ? h('code', {}, o.predictedBy) : 'no static finding: a surprise, please report it'],
        o.output && ['Loader output', h('pre', { 'data-testid': 'load-output' }, o.output)],
        o.durationMs !== null && ['Took', `${Math.round(o.durationMs)} ms`],
      ], { class: 'load-details' })));
}

function binariesSection(r) {
  const section = h('section', { 'aria-labelledby': 'binaries-title' }, h('h2', { id: 'binaries-title' }, `Native binaries (${r.binaries.length})`));
  if (!r.binaries.length) {
    section.append(h('p', { class: 'muted' }, 'No native binary found (by magic bytes).'));
    return section;
  }
  section.append(table({ id: 'binaries', class: 'list', 'data-testid': 'binaries' }, ['Path', 'Format', 'Arch', 'Libc', 'glibc floor', 'Min OS'],
    r.binaries.map((b) => {
      const f = b.facts[0];
      return h('tr', { 'data-path': b.path },
        h('td', {}, h('code', {}, b.path)),
        h('td', {}, f?.format ?? '—'),
        // A fat Mach-O has one slice per arch: list them all.
        h('td', {}, b.facts.map((s) => s.arch).join(', ') || '—'),
        h('td', {}, f?.libc ?? '—'),
        h('td', { 'data-testid': 'glibc-floor' }, f?.versionFloors?.GLIBC ?? '—'),
        h('td', {}, f?.minOs ? `${f.minOs.platform} ${f.minOs.version}` : '—'));
    })));
  return section;
}

function findingsSection(findings, id, title = 'Findings') {
  const section = h('section', { id, 'data-testid': id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, `${title} (${findings.length})`));
  if (!findings.length) section.append(h('p', { class: 'muted' }, 'No findings.'));
  for (const [severity, title] of SEVERITIES) {
    const list = findings.filter((f) => f.severity === severity);
    if (!list.length) continue;
    section.append(h('h3', { class: `sev sev-${severity}` }, `${title} (${list.length})`),
      h('ul', { class: 'findings', 'data-severity': severity }, list.map((f) => h('li', {}, finding(f)))));
  }
  return section;
}

/** A finding: its check and message; opening it shows everything it carries. */
function finding(f) {
  return h('details', { class: `finding sev-${f.severity}`, 'data-testid': 'finding', 'data-check': f.check },
    h('summary', {}, h('code', { class: 'check' }, f.check), ' ', h('span', { class: 'message' }, f.message)),
    dl([
      ['Message', f.message],
      ['File', f.file ? h('code', {}, f.file) : 'the artifact as a whole'],
      ['Targets', f.targets.length ? f.targets.map((t) => h('code', { class: 'target' }, t)) : 'every target'],
      ['Evidence', h('pre', { 'data-testid': 'finding-evidence' }, JSON.stringify(f.evidence, null, 2))],
      ['What to do', f.hint],
    ], { class: 'finding-details', 'data-testid': 'finding-details' }));
}

// ------------------------------------------------------------------- release

async function releasePage(view, id, signal) {
  const load = () => getJson(`/v1/releases/${enc(id)}`, { signal });
  let { release, audits } = await load();
  const head = h('header', { class: 'page-head' });
  const live = h('section', { id: 'release-live', class: 'live', 'aria-live': 'polite' });
  const body = h('div', { id: 'release-body' });
  const auditList = h('section', { 'aria-labelledby': 'release-audits-title' });
  view.append(head, live, body, auditList);

  const draw = (rel, list) => {
    document.title = `${rel.verdict ? rel.verdict.toUpperCase() : rel.state} · ${rel.name} · distaudit`;
    const finished = rel.audits.length - rel.pending;
    head.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Releases')),
      h('h1', {}, rel.name, ' ', badge(rel.verdict, { id: 'release-verdict', 'data-testid': 'release-verdict' })),
      dl([
        ['State', h('span', { 'data-testid': 'release-state' }, rel.state)],
        ['Artifacts', String(rel.audits.length)],
        ['Uploaded', when(rel.createdAt)],
        rel.counts && ['Findings', counts(rel.counts)],
        rel.previous && ['Compared with', h('a', { href: `#/releases/${rel.previous}` }, 'the previous release')],
      ]),
    );
    live.replaceChildren(TERMINAL.has(rel.state) ? '' : h('div', { class: 'progress' },
      h('span', { id: 'release-stage' }, `${finished} of ${rel.audits.length} audits finished`),
      progressBar(rel.audits.length ? finished / rel.audits.length : 0, 'audits finished', { 'data-testid': 'release-progress' })));
    auditList.replaceChildren(h('h2', { id: 'release-audits-title' }, 'Audits'),
      table({ class: 'list', 'data-testid': 'release-audits' }, ['File', 'Kind', 'State', 'Verdict', 'Findings'],
        list.map((a) => h('tr', { 'data-id': a.id },
          h('td', {}, h('a', { href: `#/audits/${a.id}`, 'data-testid': 'release-audit-link' }, a.file)),
          h('td', {}, kindOf(a.file)),
          h('td', {}, stateCell(a, a.progress)),
          h('td', {}, badge(a.verdict)),
          h('td', {}, counts(a.counts))))));
  };
  draw(release, audits);

  if (!TERMINAL.has(release.state)) {
    // The release's events count the audits still pending; the audit rows are redrawn once it ends.
    await follow(`/v1/releases/${enc(id)}/events`, async () => (await load()).release, signal, (rel) => draw(rel, audits));
    ({ release, audits } = await load());
    draw(release, audits);
  }
  if (release.state === 'failed') {
    body.append(h('p', { class: 'error', role: 'alert' }, 'The release could not be judged: one of its audits failed (see below).'));
    return;
  }

  const report = await getJson(`/v1/releases/${enc(id)}/report?format=json`, { signal });
  const auditOf = new Map(audits.map((a) => [a.file, a]));
  const { platforms, artifacts, cells } = report.matrix;
  body.append(
    reportLinks(`/v1/releases/${enc(id)}`, RELEASE_FORMATS, `${release.name.replace(/[^\w.-]+/g, '_')}.distaudit`),
    h('section', { 'aria-labelledby': 'coverage-title' },
      h('h2', { id: 'coverage-title' }, 'Coverage'),
      platforms.length === 0
        ? h('p', { class: 'muted' }, 'No artifact claims a platform.')
        : h('div', { class: 'scroll' }, h('table', { id: 'release-matrix', class: 'matrix', 'data-testid': 'release-matrix' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Platform'), artifacts.map((file) => {
            const a = auditOf.get(file);
            return h('th', { scope: 'col', class: 'artifact' }, a ? h('a', { href: `#/audits/${a.id}` }, file) : file);
          }))),
          h('tbody', {}, platforms.map((platform, i) => h('tr', { 'data-platform': platform },
            h('th', { scope: 'row' }, h('code', {}, platform)),
            artifacts.map((file, j) => {
              const v = cells[i]?.[j] ?? null;
              return v
                ? h('td', { class: `cell v-${v}`, 'data-verdict': v }, v.toUpperCase())
                : h('td', { class: 'cell v-none', 'data-verdict': 'none', title: `${file} does not claim ${platform}` }, h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'sr-only' }, 'not claimed'));
            }))))))),
    findingsSection(report.findings, 'release-findings', 'Release findings'),
  );
}
