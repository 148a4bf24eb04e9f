// The abg dashboard: polls the admin API (openapi/admin-api.yaml) every 2 s and draws what it answers.
// No framework and nothing from outside the jar. Every text from the API goes in through textContent.
'use strict';

const POLL_MS = 2000;
const TOKEN_KEY = 'abg.adminToken';
const $ = (id) => document.getElementById(id);

const state = { selected: null, sessions: new Map(), rows: new Map(), detailKey: null, tokenDismissed: false, warnAt: 0.8 };

// ---- the API ---------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Calls the admin API with the token of this tab, if any. A 401 opens the token dialog and throws. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (res.status === 401) {
    askToken(token ? 'The token was not accepted.' : null);
    throw new ApiError(401, (json && json.detail) || 'The admin API needs the admin token.');
  }
  if (!res.ok) throw new ApiError(res.status, (json && json.detail) || `${method} ${path} answered HTTP ${res.status}`);
  return json;
}

// ---- formatting ------------------------------------------------------------------------------------------------------

/** Dollars with 2 decimals, rounded half-up from exact micro-dollars (as the proxy and the abg command round): 0.045 → $0.05. */
function usd(v) {
  if (v === null || v === undefined) return '—';
  const cents = Math.floor((Math.round(Math.abs(Number(v)) * 1e6) + 5000) / 10000);
  return (Number(v) < 0 ? '-$' : '$') + Math.floor(cents / 100) + '.' + String(cents % 100).padStart(2, '0');
}
const usd4 = (v) => (v === null || v === undefined ? '—' : '$' + Number(v).toFixed(4));
const pct = (spent, cap) => (cap ? Math.round((spent / cap) * 100) + '%' : '—');
const int = (v) => (v === null || v === undefined ? '—' : Number(v).toLocaleString('en-US'));
const time = (ts) => (ts ? new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—');
function ago(ts) {
  if (!ts) return '—';
  const s = Math.max(0, Math.round((Date.now() - new Date(ts).getTime()) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return new Date(ts).toLocaleDateString();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function setBar(fill, spent, cap, st) {
  const w = cap ? Math.min(100, (spent / cap) * 100) : (spent > 0 ? 100 : 0);
  fill.style.width = w.toFixed(1) + '%';
  fill.className = 'fill ' + (st || 'active');
}

function setBadge(badge, st, closed) {
  badge.className = 'badge ' + (st || 'active');
  badge.textContent = closed ? 'closed' : (st || 'active');
}

// ---- today -----------------------------------------------------------------------------------------------------------

function renderStatus(s) {
  state.warnAt = Number(s.warn_at) || 0.8;
  $('today-date').textContent = s.date || '';
  $('today-spend').textContent = usd(s.today_total_usd);
  const cap = s.daily_cap_usd;
  $('today-cap').textContent = cap === null || cap === undefined ? 'no daily cap' : usd(cap) + ' daily cap';
  $('today-pct').textContent = cap ? `(${pct(s.today_total_usd, cap)}, ${usd(s.today_remaining_usd)} left)` : '';
  setBadge($('today-state'), s.daily_state || 'active', false);
  setBar($('today-bar'), Number(s.today_total_usd) || 0, cap, s.daily_state);
  const mode = s.block_on_limit === false ? 'warn-only (nothing is blocked)' : 'blocking at the cap';
  $('settings').textContent = `Default session cap ${usd(s.session_budget_usd)} · warn at ${Math.round(state.warnAt * 100)}% · ${mode}`
      + (s.enforcement ? ` · ${s.enforcement} enforcement` : '') + (s.price_version ? ` · prices ${s.price_version}` : '');
  const list = $('warnings');
  list.replaceChildren(...(s.warnings || []).map((w) => {
    const code = typeof w === 'string' ? '' : w.code || '';
    return el('li', { class: code.endsWith('blocked') ? 'blocked' : '', text: typeof w === 'string' ? w : w.message });
  }));
}

// ---- sessions --------------------------------------------------------------------------------------------------------

/** One row per session, created once and updated in place, so that a click never lands on a replaced button. */
function sessionRow(id) {
  let row = state.rows.get(id);
  if (row) return row;
  const tr = el('tr', { 'data-session': id });
  const name = el('td', {}, el('span', { class: 'sid', text: id }), el('span', { class: 'slabel' }));
  const badge = el('span', { class: 'badge state' });
  const fill = el('div', { class: 'fill' });
  const mark = el('div', { class: 'warnmark' });
  const spendText = el('div', { class: 'spend-text' }, el('span', { class: 'spent' }), ' / ', el('span', { class: 'cap' }), ' ', el('span', { class: 'pct muted' }));
  const raise = el('button', { type: 'button', class: 'raise', text: 'Raise', title: 'Add to this session\'s cap' });
  const reset = el('button', { type: 'button', class: 'reset', text: 'Reset', title: 'Count this session\'s spend from zero' });
  tr.append(name, el('td', {}, badge), el('td', {}, el('div', { class: 'bar' }, fill, mark), spendText),
      el('td', { class: 'num remaining' }), el('td', { class: 'num count' }), el('td', { class: 'seen muted' }), el('td', { class: 'actions' }, raise, reset));
  raise.addEventListener('click', (e) => { e.stopPropagation(); openRaise(id); });
  reset.addEventListener('click', (e) => { e.stopPropagation(); openReset(id); });
  tr.addEventListener('click', () => select(id));
  row = { tr, badge, fill, mark };
  state.rows.set(id, row);
  return row;
}

function renderSessions(items) {
  const body = $('sessions');
  const seen = new Set();
  items.forEach((s, i) => {
    seen.add(s.id);
    state.sessions.set(s.id, s);
    const row = sessionRow(s.id);
    const tr = row.tr;
    tr.className = 'state-' + s.state + (state.selected === s.id ? ' selected' : '');
    tr.querySelector('.slabel').textContent = s.label || '';
    setBadge(row.badge, s.state, s.closed);
    row.badge.classList.add('state');
    setBar(row.fill, Number(s.spent_usd) || 0, Number(s.cap_usd), s.state);
    row.mark.style.left = (state.warnAt * 100).toFixed(1) + '%';
    tr.querySelector('.spent').textContent = usd(s.spent_usd);
    tr.querySelector('.cap').textContent = usd(s.cap_usd);
    tr.querySelector('.spend-text .pct').textContent = '(' + pct(Number(s.spent_usd), Number(s.cap_usd)) + ')';
    tr.querySelector('.remaining').textContent = usd(s.remaining_usd);
    tr.querySelector('.count').textContent = int(s.requests);
    tr.querySelector('.seen').textContent = ago(s.last_seen);
    tr.querySelector('.raise').disabled = !!s.closed;
    tr.querySelector('.reset').disabled = !!s.closed;
    if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] || null);
  });
  for (const [id, row] of state.rows) {
    if (!seen.has(id)) { row.tr.remove(); state.rows.delete(id); state.sessions.delete(id); }
  }
  $('no-sessions').hidden = items.length > 0;
  if ((!state.selected || !seen.has(state.selected)) && items.length) select(items[0].id, true);
}

function select(id, quiet) {
  state.selected = id;
  for (const [sid, row] of state.rows) row.tr.classList.toggle('selected', sid === id);
  state.detailKey = null;
  if (!quiet) refreshDetail().catch(showError);
}

// ---- the selected session: chart and latest requests -------------------------------------------------------------------

async function refreshDetail() {
  const s = state.sessions.get(state.selected);
  const section = $('detail');
  if (!s) { section.hidden = true; return; }
  // Only fetch again when the session changed (a new request, a raise, a reset).
  const key = [s.id, s.requests, s.last_seen, s.cap_usd, s.spent_usd].join('|');
  if (key === state.detailKey) return;
  const page = await api('GET', '/abg/requests?session=' + encodeURIComponent(s.id) + '&limit=200');
  state.detailKey = key;
  section.hidden = false;
  $('detail-id').textContent = s.id;
  $('detail-label').textContent = s.label ? '— ' + s.label : '';
  const rows = (page.items || []).slice().reverse();
  $('chart').replaceChildren(chart(rows, Number(s.cap_usd)));
  $('detail-requests').replaceChildren(...(page.items || []).slice(0, 10).map((r) => el('tr', {},
      el('td', { text: time(r.ts) }), el('td', { text: r.model || '—' }), el('td', { class: 'num', text: int(r.input_tokens) }),
      el('td', { class: 'num', text: int(r.cache_read_tokens) + ' / ' + int((r.cache_creation_5m_tokens || 0) + (r.cache_creation_1h_tokens || 0)) }),
      el('td', { class: 'num', text: int(r.output_tokens) }), el('td', { class: 'num', text: usd4(r.cost_usd) }),
      el('td', { class: 'num', text: usd(r.session_total_usd) }), el('td', { class: 'action-' + r.action, text: r.action }))));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The session's running total (session_total_usd of each ledger row) over time, as a step line, with its cap and warn lines. */
function chart(rows, cap) {
  const W = 760, H = 200, L = 56, R = 14, T = 12, B = 24;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'spend over time' });
  if (!rows.length) {
    root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no requests yet'));
    return root;
  }
  const times = rows.map((r) => new Date(r.ended_at || r.ts).getTime());
  const totals = rows.map((r) => Number(r.session_total_usd) || 0);
  const t0 = Math.min(...times), t1 = Math.max(...times);
  // Within a minute the order of the requests is what matters: spread them evenly instead of piling them on one x.
  const byIndex = t1 - t0 < 60000;
  const ts = byIndex ? rows.map((r, i) => i) : times;
  const x0 = byIndex ? -0.5 : t0, x1 = byIndex ? Math.max(1, rows.length - 0.5) : t1;
  const yMax = Math.max(cap || 0, ...totals) * 1.12 || 1;
  const x = (t) => L + ((t - x0) / (x1 - x0)) * (W - L - R);
  const y = (v) => T + (1 - v / yMax) * (H - T - B);
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = yMax * f;
    root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    root.append(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, '$' + v.toFixed(v < 1 ? 3 : 2)));
  }
  root.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: y(0), y2: y(0) }));
  if (cap) {
    root.append(svg('line', { class: 'warnline', x1: L, x2: W - R, y1: y(cap * state.warnAt), y2: y(cap * state.warnAt) }));
    root.append(svg('line', { class: 'cap', x1: L, x2: W - R, y1: y(cap), y2: y(cap) }));
    root.append(svg('text', { class: 'cap', x: W - R, y: y(cap) - 4, 'text-anchor': 'end' }, 'cap ' + usd(cap)));
  }
  let d = `M ${x(ts[0])} ${y(0)}`;
  rows.forEach((r, i) => { d += ` L ${x(ts[i])} ${y(i ? totals[i - 1] : 0)} L ${x(ts[i])} ${y(totals[i])}`; });
  root.append(svg('path', { class: 'area', d: d + ` L ${x(ts[ts.length - 1])} ${y(0)} Z` }));
  root.append(svg('path', { class: 'line', d }));
  rows.forEach((r, i) => root.append(svg('circle', { class: 'dot ' + r.action, cx: x(ts[i]), cy: y(totals[i]), r: 2.5 },)));
  root.append(svg('text', { x: L, y: H - 6 }, time(t0)));
  root.append(svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, time(t1)));
  if (byIndex) root.append(svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, `${rows.length} requests, in order`));
  return root;
}

// ---- latest requests (all sessions) --------------------------------------------------------------------------------------

function renderRequests(items) {
  $('requests').replaceChildren(...items.map((r) => el('tr', {},
      el('td', { text: time(r.ts) }), el('td', { text: r.session_id }), el('td', { text: r.model || '—' }),
      el('td', { class: 'num', text: int(r.input_tokens) }),
      el('td', { class: 'num', text: int(r.cache_read_tokens) + ' / ' + int((r.cache_creation_5m_tokens || 0) + (r.cache_creation_1h_tokens || 0)) }),
      el('td', { class: 'num', text: int(r.output_tokens) }), el('td', { class: 'num', text: usd4(r.cost_usd) }),
      el('td', { class: 'action-' + r.action, text: r.action }))));
}

// ---- the loop --------------------------------------------------------------------------------------------------------

function showConn(text, down) {
  const c = $('conn');
  c.textContent = text;
  c.classList.toggle('down', !!down);
}

function showError(e) {
  if (e instanceof ApiError && e.status === 401) showConn('admin token needed', true);
  else if (e instanceof ApiError) showConn(e.message, true);
  else showConn('the proxy is not answering', true);
}

async function refresh() {
  const [status, sessions, requests] = await Promise.all([
    api('GET', '/abg/status'), api('GET', '/abg/sessions?limit=100'), api('GET', '/abg/requests?limit=15')]);
  renderStatus(status);
  renderSessions(sessions.items || []);
  renderRequests(requests.items || []);
  await refreshDetail();
  showConn('live · updated ' + new Date().toLocaleTimeString());
  document.body.dataset.loaded = 'true';
}

let timer = null;
async function loop() {
  clearTimeout(timer);
  try { await refresh(); } catch (e) { showError(e); }
  timer = setTimeout(loop, POLL_MS);
}

// ---- dialogs: raise, reset, token ----------------------------------------------------------------------------------------

function dialogError(dialog, message) {
  const p = dialog.querySelector('.error');
  p.textContent = message || '';
  p.hidden = !message;
}

function fillSession(dialog, id) {
  const s = state.sessions.get(id);
  dialog.querySelector('.dlg-session').textContent = id;
  dialog.querySelector('.dlg-numbers').textContent = s ? `Spent ${usd(s.spent_usd)} of ${usd(s.cap_usd)} (${s.state}).` : '';
  dialog.dataset.session = id;
  dialogError(dialog, null);
}

function openRaise(id) {
  const d = $('raise-dialog');
  fillSession(d, id);
  const s = state.sessions.get(id);
  // suggest what brings the session back to its warn line with some room: at least $1
  const suggest = s ? Math.max(1, Math.ceil(Number(s.spent_usd) - Number(s.cap_usd) + Number(s.cap_usd) * 0.5)) : 1;
  $('raise-amount').value = String(suggest);
  d.showModal();
  $('raise-amount').select();
}

function openReset(id) {
  const d = $('reset-dialog');
  fillSession(d, id);
  d.showModal();
}

async function submitting(dialog, button, action) {
  button.disabled = true;
  try {
    await action();
    dialog.close();
    state.detailKey = null;
    await loop();
  } catch (e) {
    dialogError(dialog, e.message);
  } finally {
    button.disabled = false;
  }
}

$('raise-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const d = $('raise-dialog');
  const amount = $('raise-amount').value.trim().replace(/^\$/, '');
  if (!/^\d*\.?\d+$/.test(amount) || Number(amount) <= 0) { dialogError(d, 'Enter an amount in US dollars, e.g. 2 or 0.50.'); return; }
  submitting(d, $('raise-submit'), () => api('PATCH', '/abg/sessions/' + encodeURIComponent(d.dataset.session), { raise_usd: Number(amount) }));
});

$('reset-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const d = $('reset-dialog');
  submitting(d, $('reset-submit'), () => api('POST', '/abg/sessions/' + encodeURIComponent(d.dataset.session) + '/reset'));
});

for (const b of document.querySelectorAll('dialog .cancel')) b.addEventListener('click', () => b.closest('dialog').close());

function askToken(message, force) {
  const d = $('token-dialog');
  if (d.open || (state.tokenDismissed && !force)) return;
  dialogError(d, message);
  $('token-input').value = '';
  d.showModal();
}

// Escape closes the token dialog: then it waits for a click on the header's "admin token needed" instead of asking every 2 s.
$('token-dialog').addEventListener('cancel', () => { state.tokenDismissed = true; });
$('conn').addEventListener('click', () => askToken(null, true));

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('token-input').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  state.tokenDismissed = false;
  $('token-dialog').close();
  loop();
});

loop();
