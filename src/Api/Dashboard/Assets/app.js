// The dashboard: one module, no build step, no framework (docs/adr/0023-a-dashboard-served-by-the-api.md).
// Every figure comes from the REST API with the session cookie; text is always set as text, never as HTML.

const main = document.getElementById('main');
let session = null;

// h('tag.class', {attr: value, onclick: fn}, ...children): an element; strings become text nodes.
function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const node = document.createElement(tag);
  if (classes.length) node.className = classes.join(' ');
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function show(...nodes) { main.replaceChildren(...nodes); }

// svg('rect', {x: 1, ...}, ...children): an SVG element (h() makes HTML ones).
function svg(tag, attrs, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// A call to the API with the session cookie; a state-changing one repeats the session's CSRF token.
async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (method !== 'GET' && session?.csrfToken) init.headers['X-CSRF-Token'] = session.csrfToken;
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch(path, init);
  if (response.status === 401 && !location.pathname.startsWith('/ui/sign-in')) { toSignIn(); throw new ApiError(401); }
  const type = response.headers.get('Content-Type') || '';
  const payload = response.status === 204 ? null : type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof payload === 'object' ? payload : null);
  return payload;
}

function toSignIn() {
  location.assign(`/ui/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
}

const when = (iso) => iso ? new Date(iso).toLocaleString() : '—';
const stateBadge = (state) => h(`span.state.state-${state}`, { 'data-state': state }, state);

// ---- sign-in ----------------------------------------------------------------------------------------

function signInPage() {
  const key = h('input', { type: 'password', name: 'apiKey', autocomplete: 'current-password', required: true, 'aria-label': 'API key' });
  const message = h('p.error', { role: 'alert' });
  const form = h('form.card.sign-in', {
    onsubmit: async (event) => {
      event.preventDefault();
      message.textContent = '';
      const response = await fetch('/session', { method: 'POST', headers: { 'X-Api-Key': key.value }, credentials: 'same-origin' });
      if (response.ok) {
        const next = new URLSearchParams(location.search).get('next');
        // Only a path of the dashboard itself: the parameter must not send anyone elsewhere.
        location.assign(next && /^\/ui(\/|$)/.test(next) ? next : '/ui/');
      } else {
        message.textContent = response.status === 401 ? 'The server refused this API key.' : `Sign-in failed (${response.status}).`;
      }
    },
  },
  h('h1', {}, 'Sign in'),
  h('label', {}, 'API key', key),
  h('button.primary', { type: 'submit' }, 'Sign in'),
  message);
  show(form);
  key.focus();
}

// ---- live changes -------------------------------------------------------------------------------------

// Follows GET /jobs/events; EventSource reconnects by itself and resumes with Last-Event-ID.
function follow(query, onChange) {
  const source = new EventSource(`/jobs/events${query ? `?${query}` : ''}`);
  source.addEventListener('job', (event) => onChange(JSON.parse(event.data)));
  addEventListener('pagehide', () => source.close());
  return source;
}

// Keeps a page of projected figures current. The figures come from async projections, which can
// trail the change that announced them by more than the debounce: so redraw shortly after changes
// and also every few seconds, never two draws at once.
function redrawWhileOpen(draw) {
  let running = false;
  let pending = null;
  const redraw = async () => {
    if (running) return;
    running = true;
    try { await draw(); } catch { /* the next change or tick tries again */ } finally { running = false; }
  };
  follow('', () => {
    if (pending) return;
    pending = setTimeout(() => { pending = null; redraw(); }, 500);
  });
  const tick = setInterval(redraw, 5000);
  addEventListener('pagehide', () => clearInterval(tick));
}

const ENDED = ['Succeeded', 'Failed', 'TimedOut', 'Cancelled'];
const STATES = ['Queued', 'Starting', 'Running', ...ENDED];

async function cancelJob(jobId, reason) {
  return api(`/jobs/${jobId}/cancel`, { method: 'POST', body: { reason } });
}

// ---- jobs -----------------------------------------------------------------------------------------------

async function jobsPage() {
  const params = new URLSearchParams(location.search);
  const field = (name, label, control) => h('label', {}, label, control);
  const select = (name, options) => h('select', { name, 'aria-label': name },
    h('option', { value: '' }, 'any'), options.map((o) => h('option', { value: o, selected: params.get(name) === o }, o)));
  const input = (name, attrs = {}) => h('input', { name, value: params.get(name) || '', ...attrs });
  const form = h('form.filters', { 'aria-label': 'Filters' },
    field('state', 'State', select('state', STATES)),
    field('priority', 'Priority', select('priority', ['high', 'normal', 'low'])),
    field('label', 'Label', input('label', { placeholder: 'key:value', 'aria-label': 'label' })),
    field('q', 'Command contains', input('q', { 'aria-label': 'q' })),
    field('since', 'Since', input('since', { type: 'datetime-local', 'aria-label': 'since' })),
    field('until', 'Until', input('until', { type: 'datetime-local', 'aria-label': 'until' })),
    session.admin ? field('user', 'User', input('user', { 'aria-label': 'user' })) : null,
    field('limit', 'Per page', input('limit', { type: 'number', min: 1, max: 500, placeholder: '50', 'aria-label': 'per page' })),
    h('button.primary', { type: 'submit' }, 'Apply'));
  const status = h('p.muted.notice', { role: 'status' });
  const body = h('tbody');
  const all = h('input', { type: 'checkbox', 'aria-label': 'Select all' });
  const cancelSelected = h('button.danger', { type: 'button', disabled: true }, 'Cancel selected');
  const previous = h('button', { type: 'button', disabled: true }, 'Previous page');
  const next = h('button', { type: 'button', disabled: true }, 'Next page');
  const table = h('table', { 'aria-label': 'Jobs' },
    h('thead', {}, h('tr', {}, h('th', {}, all), ['Job', 'State', 'Command', 'Priority', 'User', 'Labels', 'Created', ''].map((t) => h('th', {}, t)))),
    body);
  show(h('h1', {}, 'Jobs'), form, h('div.actions', {}, cancelSelected), status, table, h('div.pager', {}, previous, next));

  const cursors = [null];
  let nextCursor = null;
  const selected = () => [...body.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value);
  const refreshSelection = () => { cancelSelected.disabled = selected().length === 0; };

  function query(cursor) {
    const q = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (!value) continue;
      q.set(name, name === 'since' || name === 'until' ? new Date(value).toISOString() : value);
    }
    if (cursor) q.set('cursor', cursor);
    return q;
  }

  function row(job) {
    const box = h('input', { type: 'checkbox', value: job.jobId, 'aria-label': `Select ${job.jobId}`, onchange: refreshSelection });
    const cancel = h('button.danger', {
      type: 'button',
      hidden: ENDED.includes(job.state),
      onclick: async () => { cancel.disabled = true; await cancelJob(job.jobId, 'cancelled from the dashboard').catch((e) => { status.textContent = e.message; }); },
    }, 'Cancel');
    return h('tr', { dataset: { jobId: job.jobId } },
      h('td', {}, box),
      h('td', {}, h('a', { href: `/ui/jobs/${job.jobId}` }, h('code', {}, job.jobId))),
      h('td', { dataset: { cell: 'state' } }, stateBadge(job.state)),
      h('td', {}, h('code', {}, job.command.join(' '))),
      h('td', {}, job.priority),
      h('td', {}, job.userId),
      h('td', {}, Object.entries(job.labels || {}).map(([k, v]) => `${k}:${v}`).join(' ')),
      h('td', {}, when(job.createdAt)),
      h('td', { dataset: { cell: 'actions' } }, cancel));
  }

  async function load() {
    const cursor = cursors[cursors.length - 1];
    try {
      const page = await api(`/jobs?${query(cursor)}`);
      body.replaceChildren(...page.items.map(row));
      nextCursor = page.nextCursor;
      status.textContent = page.items.length ? '' : 'No jobs match.';
    } catch (error) {
      if (error.status === 401) return;
      body.replaceChildren();
      nextCursor = null;
      const errors = error.problem?.errors ? Object.values(error.problem.errors).flat().join(' ') : '';
      status.textContent = `${error.message} ${errors}`.trim();
    }
    next.disabled = !nextCursor;
    previous.disabled = cursors.length === 1;
    all.checked = false;
    refreshSelection();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = query(null);
    history.replaceState(null, '', `/ui/jobs${q.size ? `?${q}` : ''}`);
    cursors.splice(1);
    load();
  });
  next.addEventListener('click', () => { cursors.push(nextCursor); load(); });
  previous.addEventListener('click', () => { cursors.pop(); load(); });
  all.addEventListener('change', () => {
    for (const box of body.querySelectorAll('input[type=checkbox]')) box.checked = all.checked;
    refreshSelection();
  });
  cancelSelected.addEventListener('click', async () => {
    cancelSelected.disabled = true;
    try {
      const answer = await api('/jobs/cancel', { method: 'POST', body: { jobIds: selected(), reason: 'cancelled from the dashboard' } });
      const refused = answer.refused.map((r) => `${r.jobId}: ${r.reason}`).join('; ');
      status.textContent = `Asked ${answer.requested} job(s) to cancel.${refused ? ` Refused: ${refused}` : ''}`;
    } catch (error) {
      status.textContent = error.message;
    }
  });

  // In place: a row's state changes as its job does; a new job shows on the first page.
  let reload = null;
  follow('', (change) => {
    const tr = body.querySelector(`tr[data-job-id="${change.jobId}"]`);
    if (tr && change.state) {
      tr.querySelector('[data-cell=state]').replaceChildren(stateBadge(change.state));
      if (ENDED.includes(change.state)) tr.querySelector('[data-cell=actions] button').hidden = true;
    } else if (!tr && change.type === 'JobSubmitted' && cursors.length === 1) {
      clearTimeout(reload);
      reload = setTimeout(load, 300);
    }
  });
  await load();
}

// ---- one job ------------------------------------------------------------------------------------------

const ATTEMPT_ENDS = ['JobSucceeded', 'JobFailed', 'JobTimedOut', 'JobCancelled', 'JobRetryScheduled'];
const IMAGE = /\.(png|jpe?g|gif|webp)$/i;
const size = (bytes) => bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;

async function jobPage(jobId) {
  const header = h('div');
  const spec = h('div.card');
  const attempts = h('tbody');
  const timeline = h('tbody');
  const log = h('pre', { 'aria-label': 'Log', 'data-testid': 'log' });
  const artifacts = h('div', { 'data-testid': 'artifacts' });
  const message = h('p.notice', { role: 'status' });
  const cancel = h('button.danger', { type: 'button' }, 'Cancel');
  const rerun = h('button', { type: 'button' }, 'Run again');
  const links = h('p', { 'data-testid': 'links' });
  const asOf = h('input', { type: 'range', min: 1, max: 1, value: 1, 'aria-label': 'As of version' });
  const asOfText = h('p.muted', { 'data-testid': 'as-of', 'aria-live': 'polite' });
  const replay = h('div', { 'data-testid': 'replay' });
  show(
    header,
    links,
    h('div.actions', {}, cancel, rerun),
    message,
    h('h2', {}, 'Spec'), spec,
    h('h2', {}, 'Attempts'),
    h('table', { 'aria-label': 'Attempts' }, h('thead', {}, h('tr', {}, ['Attempt', 'Ended by', 'Exit code', 'Reason'].map((t) => h('th', {}, t)))), attempts),
    h('h2', {}, 'Timeline'),
    h('table', { 'aria-label': 'Timeline' }, h('thead', {}, h('tr', {}, ['Version', 'Time', 'Event', 'Attempt', 'Detail', 'Correlation id'].map((t) => h('th', {}, t)))), timeline),
    h('h2', {}, 'The job as it was'), h('div.card', {}, asOf, asOfText),
    h('h2', {}, 'Session replay'), replay,
    h('h2', {}, 'Log'), log,
    h('h2', {}, 'Artifacts'), artifacts);

  let job = null;
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await cancelJob(jobId, 'cancelled from the dashboard');
      message.textContent = 'Asked the job to cancel.';
    } catch (error) {
      message.textContent = error.message;
      cancel.disabled = false;
    }
  });

  rerun.addEventListener('click', async () => {
    rerun.disabled = true;
    try {
      const accepted = await api(`/jobs/${jobId}/rerun`, { method: 'POST' });
      location.assign(`/ui/jobs/${accepted.jobId}`);
    } catch (error) {
      message.textContent = error.message;
      rerun.disabled = false;
    }
  });

  function drawJob() {
    const ended = ENDED.includes(job.state);
    header.replaceChildren(
      h('h1', {}, 'Job ', h('code', {}, job.jobId)),
      h('p', {}, 'State: ', stateBadge(job.state),
        job.waitingFor ? h('span.muted', { 'data-testid': 'waiting-for' }, ` waiting for ${job.waitingFor}`) : null,
        job.error ? h('span.error', {}, ` ${job.error}`) : null));
    cancel.hidden = ended;
    const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
    spec.replaceChildren(h('dl.spec', {},
      row('Command', h('code', {}, job.command.join(' '))),
      row('User', job.userId),
      row('Priority', job.priority),
      row('Timeout', `${job.timeoutSeconds} s`),
      row('Max attempts', job.maxAttempts),
      row('Labels', Object.entries(job.labels || {}).map(([k, v]) => `${k}:${v}`).join(' ') || '—'),
      row('Env', Object.keys(job.env || {}).join(', ') || '—'),
      row('Created', when(job.createdAt)),
      row('Started', when(job.startedAt)),
      row('Finished', when(job.finishedAt)),
      row('Exit code', job.exitCode ?? '—')));
  }

  // The slider replays the job's stream up to a version (GET /jobs/{id}?asOf=); it stays where the
  // reader put it while new events arrive, and follows the end while it is there.
  let history = [];
  async function drawAsOf() {
    const version = Number(asOf.value);
    const event = history.find((e) => e.version === version);
    const then = await api(`/jobs/${jobId}?asOf=${version}`);
    if (Number(asOf.value) !== version) return;
    asOfText.replaceChildren(`Version ${version}${event ? ` (${event.type}, ${when(event.timestamp)})` : ''}: `,
      stateBadge(then.state), ` attempt ${then.attempt}`, then.exitCode !== null && then.exitCode !== undefined ? `, exit code ${then.exitCode}` : '');
  }
  let asOfPending = null;
  asOf.addEventListener('input', () => {
    clearTimeout(asOfPending);
    asOfPending = setTimeout(() => drawAsOf().catch((error) => { asOfText.textContent = error.message; }), 150);
  });

  async function drawHistory() {
    const [events, line] = await Promise.all([api(`/jobs/${jobId}/events`), api(`/jobs/${jobId}/timeline`)]);
    const last = events.length ? events[events.length - 1].version : 1;
    const following = Number(asOf.value) >= Number(asOf.max);
    history = events;
    asOf.max = last;
    if (following) asOf.value = last;
    await drawAsOf();
    const byVersion = new Map(events.map((e) => [e.version, e]));
    const reruns = events.filter((e) => e.type === 'JobRerunSubmitted').map((e) => e.data.rerunJobId);
    links.replaceChildren(
      job.rerunOf ? h('span', {}, 'Runs again ', h('a', { href: `/ui/jobs/${job.rerunOf}`, 'data-testid': 'rerun-of' }, job.rerunOf), '. ') : '',
      reruns.length ? h('span', {}, 'Run again as ', reruns.flatMap((id, i) => [i ? ', ' : '', h('a', { href: `/ui/jobs/${id}`, 'data-testid': 'rerun' }, id)]), '.') : '');
    timeline.replaceChildren(...line.entries.map((entry) => h('tr', {},
      h('td', {}, entry.version), h('td', {}, when(entry.at)), h('td', {}, entry.event), h('td', {}, entry.attempt),
      h('td', {}, entry.detail || ''), h('td', {}, h('code', {}, byVersion.get(entry.version)?.correlationId || '')))));
    // Each attempt, by the event that ended it (a retry, or the job's end); one still going has none yet.
    const perAttempt = new Map();
    for (const entry of line.entries) {
      if (entry.attempt > 0 && !perAttempt.has(entry.attempt)) perAttempt.set(entry.attempt, null);
      if (ATTEMPT_ENDS.includes(entry.event)) perAttempt.set(entry.attempt, entry);
    }
    attempts.replaceChildren(...[...perAttempt].map(([attempt, end]) => {
      const data = end ? byVersion.get(end.version)?.data || {} : {};
      return h('tr', {}, h('td', {}, attempt), h('td', {}, end ? end.event : 'not ended'),
        h('td', {}, data.exitCode ?? '—'), h('td', {}, end?.detail || ''));
    }));
  }

  async function drawLog() {
    try {
      const text = await api(`/jobs/${jobId}/logs`, { headers: { Accept: 'text/plain' } });
      const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.textContent = text || '(no output yet)';
      if (atEnd) log.scrollTop = log.scrollHeight;
    } catch (error) {
      if (error.status !== 404) log.textContent = `(the log cannot be read: ${error.message})`;
    }
  }

  // The steps a job marked (::step name) on a bar as long as its session, from its session-replay.json.
  let replayDrawn = false;
  async function drawReplay(list) {
    const file = list.find((a) => a.name === 'session-replay.json');
    if (!file || replayDrawn) {
      if (!file) replay.replaceChildren(h('p.muted', {}, 'No session replay.'));
      return;
    }
    const session = await fetch(file.url, { credentials: 'same-origin' }).then((r) => r.json());
    replayDrawn = true;
    const width = 720, total = Math.max(1, session.durationMs);
    const x = (ms) => 10 + (ms / total) * (width - 20);
    const marks = session.steps.map((step) => svg('g', { 'data-step': step.name },
      svg('rect', { x: x(step.offsetMs), y: 14, width: Math.max(2, x(step.offsetMs + step.durationMs) - x(step.offsetMs) - 1), height: 12, fill: '#2757d6', opacity: 0.35 }),
      svg('circle', { cx: x(step.offsetMs), cy: 20, r: 5, fill: '#2757d6' }),
      svg('title', {}, `${(step.offsetMs / 1000).toFixed(2)} s ${step.name} (${step.durationMs} ms)`)));
    replay.replaceChildren(
      h('figure.chart', {},
        svg('svg', { viewBox: `0 0 ${width} 40`, role: 'img', 'aria-label': `Session of ${(total / 1000).toFixed(1)} s, ${session.steps.length} steps` },
          svg('line', { x1: 10, y1: 20, x2: width - 10, y2: 20, stroke: '#98a2b3', 'stroke-width': 2 }), ...marks)),
      h('ol.steps', {}, session.steps.map((step) => h('li', { dataset: { step: step.name } },
        h('code', {}, `${(step.offsetMs / 1000).toFixed(2)} s`), ` ${step.name}`))));
  }

  async function drawArtifacts() {
    const list = await api(`/jobs/${jobId}/artifacts`).catch(() => []);
    await drawReplay(list).catch(() => { replay.replaceChildren(h('p.muted', {}, 'The session replay cannot be read.')); });
    artifacts.replaceChildren(list.length === 0 ? h('p.muted', {}, 'None yet.') : h('ul', {}, list.map((a) => h('li', {},
      h('a', { href: a.url, download: a.name }, a.name), h('span.muted', {}, ` ${size(a.size)}`),
      IMAGE.test(a.name) ? h('div', {}, h('img.preview', { src: a.url, alt: `Preview of ${a.name}` })) : null))));
  }

  async function refresh() {
    job = await api(`/jobs/${jobId}`);
    drawJob();
    await Promise.all([drawHistory(), drawLog(), drawArtifacts()]);
  }

  await refresh();
  follow(`jobId=${jobId}`, () => { refresh().catch(() => {}); });

  // The output is read where the launcher keeps it, not from the event store: tail it while the job is not over.
  const tail = setInterval(() => {
    if (job && ENDED.includes(job.state)) { clearInterval(tail); return; }
    drawLog();
  }, 1000);
}

// ---- overview ---------------------------------------------------------------------------------------

const card = (label, value, id) => h('div.card', { 'data-figure': id }, h('div.muted', {}, label), h('div.figure', {}, value));

// One bar per minute, stacked by outcome; each bar's title says its figures.
function minutesChart(label, minutes, series, summary) {
  const width = 720, height = 120, gap = 1;
  const step = width / minutes.length;
  const top = Math.max(1, ...minutes.map((m) => series.reduce((sum, [key]) => sum + m[key], 0)));
  const bars = minutes.flatMap((m, i) => {
    let y = height;
    const time = new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return series.filter(([key]) => m[key] > 0).map(([key, color]) => {
      const tall = (m[key] / top) * (height - 4);
      y -= tall;
      return svg('rect', { x: i * step, y, width: Math.max(1, step - gap), height: tall, fill: color, 'data-series': key },
        svg('title', {}, `${time}: ${m[key]} ${key}`));
    });
  });
  return h('figure.chart', {},
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${label}: ${summary}`, preserveAspectRatio: 'none' },
      svg('line', { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, stroke: '#e3e6ec' }), ...bars),
    h('figcaption.muted', {}, `${label}: ${summary}`));
}

function capacityRow(label, used, cap, dataset) {
  return h('tr', { dataset },
    h('td', {}, label), h('td', { dataset: { cell: 'used' } }, `${used} of ${cap}`),
    h('td', {}, h('meter', { min: 0, max: Math.max(cap, 1), high: Math.max(cap, 1) * 0.99, value: Math.min(used, Math.max(cap, 1)), 'aria-label': `${label}: ${used} of ${cap}` })));
}

async function overviewPage() {
  const perStateCards = h('div.cards', { 'aria-label': 'Jobs per state' });
  const queueCards = h('div.cards', { 'aria-label': 'Queue' });
  const capacity = h('tbody');
  const charts = h('div.charts', { 'data-testid': 'charts' });
  const failures = h('tbody');
  show(
    h('h1', {}, 'Overview'),
    h('h2', {}, session.admin ? 'Jobs per state (everyone)' : 'Your jobs per state'), perStateCards,
    h('h2', {}, 'Queue'), queueCards,
    h('h2', {}, 'Running against the caps'),
    h('table', { 'aria-label': 'Caps' },
      h('thead', {}, h('tr', {}, ['Who', 'Running', ''].map((t) => h('th', {}, t)))), capacity),
    h('h2', {}, session.admin ? 'The last hour (everyone)' : 'Your last hour'), charts,
    h('h2', {}, 'Recent failures'),
    h('table', { 'aria-label': 'Recent failures' },
      h('thead', {}, h('tr', {}, ['Job', 'State', 'Finished', 'Reason'].map((t) => h('th', {}, t)))), failures));

  async function draw() {
    const [queue, users, failed, timedOut, caps, hour] = await Promise.all([
      api('/stats/queue'),
      session.admin ? api('/stats/users') : api('/stats/users/me').then((me) => [me]),
      api('/jobs?state=Failed&limit=10'),
      api('/jobs?state=TimedOut&limit=10'),
      api('/stats/capacity'),
      api('/stats/throughput?minutes=60'),
    ]);
    capacity.replaceChildren(
      capacityRow('The platform', caps.global.used, caps.global.cap, { cap: 'global' }),
      ...caps.users.map((user) => capacityRow(user.user, user.used, user.cap, { cap: `user-${user.user}` })));
    const ended = hour.minutes.reduce((sum, m) => sum + m.succeeded + m.failed + m.timedOut + m.cancelled, 0);
    const failedInHour = hour.minutes.reduce((sum, m) => sum + m.failed + m.timedOut, 0);
    const rates = hour.minutes.map((m) => {
      const all = m.succeeded + m.failed + m.timedOut + m.cancelled;
      return { minute: m.minute, 'failed %': all ? Math.round(((m.failed + m.timedOut) / all) * 100) : 0 };
    });
    charts.replaceChildren(
      minutesChart('Jobs ended per minute', hour.minutes,
        [['succeeded', '#1a7f37'], ['failed', '#c4302b'], ['timedOut', '#9a6700'], ['cancelled', '#98a2b3']],
        `${ended} in the last hour`),
      minutesChart('Failure rate per minute', rates, [['failed %', '#c4302b']],
        ended ? `${Math.round((failedInHour / ended) * 100)} % failed or timed out` : 'no job ended'));
    const perState = Object.fromEntries(STATES.map((state) => [state, 0]));
    for (const user of users) for (const [state, count] of Object.entries(user.jobs)) {
      const name = state[0].toUpperCase() + state.slice(1);
      perState[name] = (perState[name] || 0) + count;
    }
    perStateCards.replaceChildren(...Object.entries(perState).map(([state, count]) => card(state, count, `state-${state}`)));
    const oldest = queue.oldestWaiting;
    queueCards.replaceChildren(
      card('Waiting: high', queue.queued.high, 'queued-high'),
      card('Waiting: normal', queue.queued.normal, 'queued-normal'),
      card('Waiting: low', queue.queued.low, 'queued-low'),
      card('Starting', queue.starting, 'starting'),
      card('Running', queue.running, 'running'),
      card('Oldest waiting', oldest
        ? h('span', {}, `${Math.round(oldest.waitedSeconds)} s `, oldest.jobId ? h('a', { href: `/ui/jobs/${oldest.jobId}` }, 'open') : `(${oldest.priority})`)
        : '—', 'oldest-waiting'));
    const recent = [...failed.items, ...timedOut.items].sort((x, y) => (y.finishedAt || '').localeCompare(x.finishedAt || '')).slice(0, 10);
    failures.replaceChildren(...(recent.length ? recent.map((job) => h('tr', {},
      h('td', {}, h('a', { href: `/ui/jobs/${job.jobId}` }, h('code', {}, job.jobId))), h('td', {}, stateBadge(job.state)),
      h('td', {}, when(job.finishedAt)), h('td', {}, job.error || ''))) : [h('tr', {}, h('td.muted', { colspan: 4 }, 'None.'))]));
  }

  await draw();
  redrawWhileOpen(draw);
}

// ---- users and queue ----------------------------------------------------------------------------------

async function usersPage() {
  const queueCards = h('div.cards', { 'aria-label': 'Queue' });
  const rows = h('tbody');
  show(
    h('h1', {}, 'Users and queue'),
    h('h2', {}, 'Queue'), queueCards,
    h('h2', {}, session.admin ? 'Users' : 'You'),
    h('table', { 'aria-label': 'Users' },
      h('thead', {}, h('tr', {}, ['User', ...STATES, 'Runs', 'p50', 'p95'].map((t) => h('th', {}, t)))), rows));

  const seconds = (value) => value === null || value === undefined ? '—' : `${value} s`;
  async function draw() {
    const [users, queue] = await Promise.all([
      session.admin ? api('/stats/users') : api('/stats/users/me').then((me) => [me]),
      api('/stats/queue'),
    ]);
    queueCards.replaceChildren(
      card('Waiting', queue.queued.total, 'queued'), card('Starting', queue.starting, 'starting'), card('Running', queue.running, 'running'));
    rows.replaceChildren(...users.map((user) => h('tr', { dataset: { user: user.user } },
      h('td', {}, user.user),
      STATES.map((state) => h('td', {}, user.jobs[state[0].toLowerCase() + state.slice(1)] ?? 0)),
      h('td', {}, user.runDurations.count),
      h('td', {}, seconds(user.runDurations.p50Seconds)),
      h('td', {}, seconds(user.runDurations.p95Seconds)))));
  }

  await draw();
  redrawWhileOpen(draw);
}

// ---- dead letters (admins) ----------------------------------------------------------------------------

async function deadLettersPage() {
  const body = h('tbody');
  const status = h('p.notice', { role: 'status' });
  show(h('h1', {}, 'Dead letters'), status,
    h('table', { 'aria-label': 'Dead letters' },
      h('thead', {}, h('tr', {}, ['Failed', 'Message', 'Consumer', 'Exception', ''].map((t) => h('th', {}, t)))), body));

  // notice: what the last action did; it stays in place of the empty-list text until the next action.
  async function draw(notice = '') {
    const letters = await api('/admin/dead-letters');
    status.textContent = notice || (letters.length ? '' : 'No dead letters.');
    body.replaceChildren(...letters.map((letter) => {
      const redrive = h('button', {
        type: 'button',
        onclick: async () => {
          redrive.disabled = true;
          try {
            await api(`/admin/dead-letters/${letter.id}/redrive`, { method: 'POST' });
            await draw(`Re-drove ${letter.messageType}.`);
          } catch (error) {
            status.textContent = error.message;
            redrive.disabled = false;
          }
        },
      }, letter.redrivenAt ? 'Re-drive again' : 'Re-drive');
      return h('tr', { dataset: { letterId: letter.id } },
        h('td', {}, when(letter.failedAt)),
        h('td', {}, h('div', {}, h('code', {}, letter.messageType)),
          h('pre', {}, letter.message ? JSON.stringify(letter.message, null, 2) : `(${size(letter.messageBytes)}, too large to list)`)),
        h('td', {}, letter.consumer),
        h('td', {}, h('pre', {}, letter.exception)),
        h('td', { dataset: { cell: 'redrive' } }, letter.redrivenAt ? h('div.muted', {}, `Re-driven ${when(letter.redrivenAt)}`) : null, redrive));
    }));
  }

  await draw();
}

// ---- the frame ----------------------------------------------------------------------------------------

const routes = [
  [/^\/ui\/?$/, overviewPage],
  [/^\/ui\/jobs\/?$/, jobsPage],
  [/^\/ui\/jobs\/([0-9a-f-]{36})$/, jobPage],
  [/^\/ui\/users\/?$/, usersPage],
  [/^\/ui\/dead-letters\/?$/, deadLettersPage],
];

async function start() {
  if (location.pathname.startsWith('/ui/sign-in')) { signInPage(); return; }
  try {
    session = await api('/session');
  } catch {
    return;
  }

  document.getElementById('user').textContent = session.userId + (session.admin ? ' (admin)' : '');
  document.getElementById('who').hidden = false;
  document.getElementById('nav').hidden = false;
  for (const link of document.querySelectorAll('[data-admin]')) link.hidden = !session.admin;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
  }
  document.getElementById('sign-out').addEventListener('click', async () => {
    await api('/session', { method: 'DELETE' });
    location.assign('/ui/sign-in');
  });

  for (const [pattern, page] of routes) {
    const match = location.pathname.match(pattern);
    if (match) {
      try {
        await page(...match.slice(1));
      } catch (error) {
        if (error.status !== 401) show(h('p.error', { role: 'alert' }, `Could not load this page: ${error.message}`));
      }
      return;
    }
  }
  show(h('h1', {}, 'Not found'));
}

start();
