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

// ---- overview ---------------------------------------------------------------------------------------

async function overviewPage() {
  const [queue, mine] = await Promise.all([
    api('/stats/queue'),
    session.admin ? api('/stats/users') : api('/stats/users/me').then((me) => [me]),
  ]);
  const perState = {};
  for (const user of mine) for (const [state, count] of Object.entries(user.jobs)) perState[state] = (perState[state] || 0) + count;
  const card = (label, value, id) => h('div.card', { 'data-figure': id }, h('div.muted', {}, label), h('div.figure', {}, value));
  show(
    h('h1', {}, 'Overview'),
    h('h2', {}, session.admin ? 'Jobs per state (everyone)' : 'Your jobs per state'),
    h('div.cards', {}, Object.entries(perState).map(([state, count]) => card(state, count, `state-${state}`))),
    h('h2', {}, 'Queue'),
    h('div.cards', {},
      card('Waiting: high', queue.queued.high, 'queued-high'),
      card('Waiting: normal', queue.queued.normal, 'queued-normal'),
      card('Waiting: low', queue.queued.low, 'queued-low'),
      card('Starting', queue.starting, 'starting'),
      card('Running', queue.running, 'running'),
      card('Oldest waiting', queue.oldestWaiting ? `${Math.round(queue.oldestWaiting.waitedSeconds)} s` : '—', 'oldest-waiting')),
  );
}

// ---- the frame ----------------------------------------------------------------------------------------

const routes = [
  [/^\/ui\/?$/, overviewPage],
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
