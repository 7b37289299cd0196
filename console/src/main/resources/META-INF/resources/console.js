'use strict';
// The daff console: hash-routed pages over /api/{slo,incident,action}/**, which the console forwards with the token.

const TOKEN_KEY = 'daff.token';
const main = () => document.getElementById('main');

const SESSION_KEY = 'daff.session';
/** Why the sign-in page was shown, for it to say (the message area is cleared when the page changes). */
const SIGNED_OUT_KEY = 'daff.signedOutBecause';
const SESSION_ENDED = 'Your session with your organisation\'s account has ended: sign in again.';

function token() { return sessionStorage.getItem(TOKEN_KEY); }

/** Signed in: a token the page holds, or the console's own session with the identity provider (production). */
function signedIn() { return token() || sessionStorage.getItem(SESSION_KEY); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function say(text, ok) {
  const m = document.getElementById('message');
  m.className = ok ? 'ok' : '';
  m.textContent = text || '';
}

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

/** An answer's JSON, or null when it is not JSON (a proxy's HTML error page, say) or does not parse. */
function json(response, text) {
  if (!text || !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(response.headers.get('Content-Type') || '')) return null;
  try { return JSON.parse(text); } catch (e) { return null; }
}

/** One call through the console: the answer's body, and the cursor of the next page when more follow (X-Next-Cursor). */
async function call(service, path, options = {}) {
  // X-Daff-Console: a change signed in through the console's session is taken only with it (no other site can send it)
  // X-Requested-With: a call that meets a sign-in challenge gets 499, not a redirect to the provider it could not follow
  const headers = { 'Accept': 'application/json', 'X-Daff-Console': '1', 'X-Requested-With': 'JavaScript' };
  const own = token();
  if (own) headers['Authorization'] = 'Bearer ' + own;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/api/' + service + '/' + path, {
    method: options.method || 'GET', headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body)
  });
  const text = await response.text();
  // The status first: an error's body may be anything (a proxy's HTML 502 page, a plain-text 401).
  const body = json(response, text);
  if (response.status === 401 || response.status === 499) {
    // The page's own token was refused (expired, say): kept, it would be sent again and shown as who is signed in.
    if (response.status === 401 && own) {
      if (token() === own) sessionStorage.removeItem(TOKEN_KEY);
    } else sessionStorage.removeItem(SESSION_KEY);
    if (response.status === 499 || (body && String(body.type).endsWith('/session-ended'))) sessionStorage.setItem(SIGNED_OUT_KEY, SESSION_ENDED);
    showWho();
    location.hash = '#/sign-in';
    throw new ApiError(401, { detail: 'Please sign in.' });
  }
  const plain = 'The call to ' + service + '-service failed (HTTP ' + response.status
    + (response.statusText ? ' ' + response.statusText : '') + ').';
  if (!response.ok) throw new ApiError(response.status, body && typeof body === 'object' ? body : { detail: plain });
  if (text && body === null) throw new ApiError(response.status, { detail: service + '-service answered something that is not JSON.' });
  return { body, next: response.headers.get('X-Next-Cursor') };
}

async function api(service, path, options = {}) {
  return (await call(service, path, options)).body;
}

/** What went wrong, in words, with the status when there was one. */
function describe(e) {
  return (e.status ? e.status + ': ' : '') + e.message;
}

/** A part of a page whose data did not load: said in place, so the rest of the page is drawn and works. */
function failed(what, reason) {
  return el('p', { class: 'failed', 'data-failed': what }, 'Could not load ' + what + ': ' + describe(reason));
}

/** A list the answer says goes on: never cut silently. */
function cut(text) {
  return el('p', { class: 'muted cut' }, text);
}

/** Which navigation the page is drawing: a load that a later navigation overtook draws nothing. */
let navigation = 0;

class Overtaken extends Error {}

const fmt = {
  pct: v => (v * 100).toFixed(1) + ' %',
  rate: v => (v === null || v === undefined) ? '–' : v.toFixed(1) + '×',
  time: v => v ? new Date(v).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '–',
  duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const h = Math.floor(seconds / 3600), m = Math.round((seconds % 3600) / 60);
    return h >= 48 ? Math.round(h / 24) + ' d' : h > 0 ? h + ' h ' + m + ' min' : m + ' min';
  }
};

function forecast(status) {
  if (!status.exhaustionAt) return 'Not forecast to run out: the last hour burns at most the budget rate.';
  const seconds = (new Date(status.exhaustionAt) - Date.now()) / 1000;
  if (seconds <= 0 || status.budget.remaining <= 0) return 'Budget exhausted.';
  return 'Budget exhausted in ' + fmt.duration(seconds) + ' at this rate (the last hour\'s burn).';
}

function budgetBar(remaining) {
  const clamped = Math.max(0, Math.min(1, remaining));
  const cls = remaining <= 0 ? 'bar out' : remaining < 0.25 ? 'bar low' : 'bar';
  return el('span', {},
    el('span', { class: cls, role: 'img', 'aria-label': 'budget left ' + fmt.pct(remaining) },
      el('span', { style: 'width:' + (clamped * 100).toFixed(1) + '%' })),
    ' ', fmt.pct(remaining));
}

function badges(alerts) {
  if (!alerts || alerts.length === 0) return el('span', { class: 'badge ok' }, 'OK');
  return alerts.map(a => el('span', { class: 'badge ' + a.severity.toLowerCase() },
    a.severity + ' ' + (a.tier || a.kind) + ' firing'));
}

function select(label, name, values, current, onchange) {
  return el('label', {}, label,
    el('select', { name, onchange },
      el('option', { value: '' }, 'all'),
      values.map(v => el('option', { value: v, selected: v === current }, v))));
}

/** Draws a page, unless a later navigation began meanwhile (then the load that called it stops here). */
function page(live, title, ...content) {
  if (!live()) throw new Overtaken();
  document.title = title + ' · daff console';
  const m = main();
  // As el() takes children: nested lists flattened, and a part left out (null) not written as "null".
  m.replaceChildren(el('h1', {}, title), ...content.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  m.focus();
}

// ---- SLOs ------------------------------------------------------------------------------------------------------

/** Budget left for sorting: an SLO whose status did not load first, as it may be the one burning. */
function budgetLeft(row) {
  return row.status ? row.status.budget.remaining : -Infinity;
}

async function sloList(live, params) {
  const slos = await api('slo', 'slos');
  // One SLO's status that does not load is said on its row; the others are shown.
  const statuses = await Promise.allSettled(slos.map(slo => api('slo', 'slos/' + encodeURIComponent(slo.name) + '/status')));
  const rows = slos.map((slo, i) => ({ slo, status: statuses[i].value, failure: statuses[i].reason }));
  const team = params.get('team') || '', service = params.get('service') || '';
  const refilter = () => {
    const q = new URLSearchParams();
    const t = document.querySelector('select[name=team]').value, s = document.querySelector('select[name=service]').value;
    if (t) q.set('team', t);
    if (s) q.set('service', s);
    location.hash = '#/slos' + (q.toString() ? '?' + q : '');
  };
  const shown = rows.filter(r => (!team || r.slo.team === team) && (!service || r.slo.service === service))
    .sort((a, b) => budgetLeft(a) - budgetLeft(b) || 0);
  page(live, 'SLOs',
    el('div', { class: 'filters' },
      select('Team', 'team', [...new Set(slos.map(s => s.team))].sort(), team, refilter),
      select('Service', 'service', [...new Set(slos.map(s => s.service))].sort(), service, refilter)),
    el('p', { class: 'muted' }, 'Sorted by budget left, least first.'),
    el('table', { id: 'slo-table' },
      el('thead', {}, el('tr', {}, ['SLO', 'Service', 'Team', 'Objective', 'Window', 'Budget left', '1h burn', '6h burn', 'Alerts']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, shown.map(({ slo, status, failure }) => el('tr', { 'data-slo': slo.name },
        el('td', {}, el('a', { href: '#/slo/' + encodeURIComponent(slo.name) }, slo.name)),
        el('td', {}, slo.service), el('td', {}, slo.team), el('td', {}, slo.objective + ' %'), el('td', {}, slo.window),
        !status ? el('td', { colspan: 4 }, failed('its status', failure)) : [
          el('td', {}, budgetBar(status.budget.remaining)),
          el('td', {}, fmt.rate(status.burnRates['1h'] && status.burnRates['1h'].burnRate)),
          el('td', {}, fmt.rate(status.burnRates['6h'] && status.burnRates['6h'].burnRate)),
          el('td', {}, badges(status.activeAlerts))])))));
}

const TIER_WINDOWS = { '1h/5m': ['1h', '5m'], '6h/30m': ['6h', '30m'], '1d/2h': ['1d', '2h'], '3d/6h': ['3d', '6h'] };

function chart(id, label) {
  return el('figure', {},
    el('figcaption', {}, label),
    el('div', { id, class: 'chart', role: 'img', 'aria-label': label }),
    el('p', { id: id + '-summary', class: 'visually-hidden' }));
}

function draw(id, option, points, summary) {
  const node = document.getElementById(id);
  if (!window.echarts) {
    node.textContent = 'Charts are unavailable (ECharts did not load).';
    return;
  }
  const instance = echarts.init(node);
  // No animation: the chart is complete as soon as it is drawn (for people with reduced motion, and for screenshots).
  instance.setOption(Object.assign({ animation: false }, option));
  node.dataset.points = String(points);
  document.getElementById(id + '-summary').textContent = summary;
}

async function sloPage(live, name) {
  const path = 'slos/' + encodeURIComponent(name);
  const lastDay = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const [slo, status, history, recent, alertPage] = await Promise.all([api('slo', path), api('slo', path + '/status'),
    api('slo', path + '/history'), api('slo', path + '/history?step=PT5M&from=' + encodeURIComponent(lastDay)),
    call('slo', 'alerts?state=all&limit=100&slo=' + encodeURIComponent(name))]);
  const alerts = alertPage.body;
  const at = history.points.map(p => p.at);
  const episodes = alerts.map(a => [{ name: a.severity + ' ' + (a.tier || a.kind), xAxis: a.firedAt },
    { xAxis: a.resolvedAt || history.to }]);
  page(live, 'SLO ' + name,
    el('p', {}, slo.description || '', ' ', el('span', { class: 'muted' },
      slo.service + ' · team ' + slo.team + ' · ' + slo.objective + ' % over ' + slo.window)),
    el('p', {}, el('strong', {}, 'Budget left: '), budgetBar(status.budget.remaining), ' — ',
      el('span', { id: 'forecast' }, forecast(status)), ' ', badges(status.activeAlerts)),
    chart('burndown', 'Error budget remaining over the ' + slo.window + ' window (alert episodes shaded)'),
    chart('burnrates', 'Burn rate per alert window over the last 24 hours, with each tier\'s threshold (short windows dashed)'),
    el('section', {}, el('h2', {}, 'Alert episodes'),
      alerts.length === 0 ? el('p', {}, 'None in the window.') :
        el('table', {}, el('thead', {}, el('tr', {}, ['Severity', 'Tier', 'State', 'Fired', 'Resolved'].map(h => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, alerts.map(a => el('tr', {}, el('td', {}, a.severity), el('td', {}, a.tier || a.kind),
            el('td', {}, a.state), el('td', {}, fmt.time(a.firedAt)), el('td', {}, fmt.time(a.resolvedAt)))))),
      alertPage.next ? cut('Showing the newest ' + alerts.length + ' alert episodes; older ones are not shown.') : null));
  const time = { type: 'time' };
  draw('burndown', {
    tooltip: { trigger: 'axis' }, xAxis: time, yAxis: { type: 'value', name: 'budget left', axisLabel: { formatter: v => (v * 100) + ' %' } },
    series: [{ name: 'budget remaining', type: 'line', showSymbol: false, data: history.points.map(p => [p.at, p.budgetRemaining]),
      markArea: { itemStyle: { color: 'rgba(185,28,28,0.12)' }, data: episodes } }]
  }, history.points.length, history.points.length + ' points; budget left ' + fmt.pct(history.points[0].budgetRemaining)
    + ' at ' + fmt.time(at[0]) + ', ' + fmt.pct(history.points[history.points.length - 1].budgetRemaining) + ' at ' + fmt.time(at[at.length - 1]));
  const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
  draw('burnrates', {
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll' }, xAxis: time, yAxis: { type: 'value', name: 'burn rate ×' },
    series: windows.map((w, i) => ({
      name: w, type: 'line', showSymbol: false, lineStyle: { type: ['5m', '30m', '2h'].includes(w) ? 'dashed' : 'solid' },
      data: recent.points.map(p => [p.at, p.windows[w].burnRate]),
      markLine: i === 0 ? { symbol: 'none', label: { formatter: '{b}' },
        data: slo.tiers.map(t => ({ name: t.severity + ' ' + t.tier + ' ' + t.burnFactor.toFixed(1) + '×', yAxis: t.burnFactor })) } : undefined
    }))
  }, recent.points.length, 'Thresholds: ' + slo.tiers.map(t => t.severity + ' ' + t.tier + ' at ' + t.burnFactor.toFixed(1) + '×').join('; '));
}

// ---- On call -----------------------------------------------------------------------------------------------------

async function onCallPage(live) {
  const [teams, pages] = await Promise.allSettled([call('slo', 'teams?limit=500'), call('slo', 'pages?state=TRIGGERED&limit=100')]);
  // One team's on-call that does not load is said on its row; the other teams are shown.
  const onCall = teams.status === 'rejected' ? [] : await Promise.allSettled(teams.value.body.map(t => api('slo', 'teams/' + encodeURIComponent(t) + '/oncall')));
  page(live, 'On call',
    teams.status === 'rejected' ? failed('the teams', teams.reason) : [
      el('table', { id: 'oncall' }, el('thead', {}, el('tr', {}, ['Team', 'Primary', 'Secondary', 'Until'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, teams.value.body.map((team, i) => el('tr', { 'data-team': team }, el('td', {}, team),
          onCall[i].status === 'rejected' ? el('td', { colspan: 3 }, failed('who is on call', onCall[i].reason)) : [
            el('td', {}, onCall[i].value.primary + (onCall[i].value.overridden ? ' (override)' : '')),
            el('td', {}, onCall[i].value.secondary || '–'), el('td', {}, fmt.time(onCall[i].value.shiftEndsAt))])))),
      teams.value.next ? cut('Showing the first ' + teams.value.body.length + ' teams by name; the others are not shown.') : null],
    el('h2', {}, 'Open pages'),
    pages.status === 'rejected' ? failed('the open pages', pages.reason) :
    pages.value.body.length === 0 ? el('p', { id: 'no-pages' }, 'No page is waiting for an acknowledgement.') : [
      el('table', { id: 'pages' }, el('thead', {}, el('tr', {}, ['Page', 'Team', 'Primary', 'Since', ''].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, pages.value.body.map(p => el('tr', { 'data-page': p.id }, el('td', {}, p.summary), el('td', {}, p.team), el('td', {}, p.primary),
          el('td', {}, fmt.time(p.createdAt)),
          el('td', {}, el('button', { type: 'button', class: 'ack', 'aria-label': 'Acknowledge page for ' + p.slo, onclick: async () => {
            await act(() => api('slo', 'pages/' + p.id + '/ack', { method: 'POST', body: {} }), 'Page acknowledged.');
            route();
          } }, 'Acknowledge')))))),
      pages.value.next ? cut('Showing the newest ' + pages.value.body.length + ' open pages; older ones are not shown.') : null]);
}

/** Whether a change is on its way: a second click or Enter meanwhile would send it again (two notes, say). */
let changing = false;

async function act(call, done) {
  if (changing) return;
  changing = true;
  try {
    await call();
    say(done, true);
  } catch (e) {
    say(describe(e));
    throw e;
  } finally {
    changing = false;
  }
}

// ---- Incidents ---------------------------------------------------------------------------------------------------

async function incidentList(live, params) {
  const q = new URLSearchParams({ limit: '100' });
  for (const k of ['status', 'severity', 'team']) if (params.get(k)) q.set(k, params.get(k));
  const list = await api('incident', 'incidents?' + q);
  const refilter = () => {
    const f = new URLSearchParams();
    for (const k of ['status', 'severity', 'team']) {
      const v = document.querySelector('[name=' + k + ']').value;
      if (v) f.set(k, v);
    }
    location.hash = '#/incidents' + (f.toString() ? '?' + f : '');
  };
  const more = list.nextCursor || (list.total > list.items.length);
  page(live, 'Incidents',
    el('div', { class: 'filters' },
      select('Status', 'status', ['DISCOVERED', 'ANALYSING', 'FIXING', 'RESOLVED', 'FINALISED'], params.get('status'), refilter),
      select('Severity', 'severity', ['SEV1', 'SEV2', 'SEV3', 'SEV4'], params.get('severity'), refilter),
      el('label', {}, 'Team', el('input', { name: 'team', value: params.get('team') || '', onchange: refilter }))),
    el('table', { id: 'incidents' }, el('thead', {}, el('tr', {}, ['Incident', 'Severity', 'Status', 'Team', 'Services', 'Detected'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, list.items.map(i => el('tr', {}, el('td', {}, el('a', { href: '#/incident/' + i.id }, i.title)),
        el('td', {}, i.severity), el('td', {}, i.status), el('td', {}, i.team), el('td', {}, i.services.join(', ')),
        el('td', {}, fmt.time(i.detectedAt)))))),
    more ? cut('Showing the newest ' + list.items.length + (list.total > list.items.length ? ' of ' + list.total : '')
      + ' incidents: narrow the filters to find the others.') : null);
}

async function optional(call) {
  try { return await call(); } catch (e) { if (e.status === 404) return null; throw e; }
}

/** Timeline pages of 500 read at most (incident-service gives them oldest first): 10,000 entries. */
const TIMELINE_PAGES = 20;

/** The timeline, following its cursor: cut at the first page, a long incident's newest entries were never shown. */
async function timelineOf(base) {
  const entries = [];
  let cursor = null;
  for (let n = 0; n < TIMELINE_PAGES; n++) {
    const { body, next } = await call('incident', base + '/timeline?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    entries.push(...body);
    if (!next) return { entries, more: false };
    cursor = next;
  }
  return { entries, more: true };
}

/** A panel of settled data: drawn, or said in place that it did not load. */
function panel(settled, what, draw) {
  return settled.status === 'fulfilled' ? draw(settled.value) : failed(what, settled.reason);
}

async function incidentPage(live, id) {
  const base = 'incidents/' + encodeURIComponent(id);
  // Each panel loads on its own: one that fails (action-service down, say) is said in place, the rest is drawn.
  const [incidentLoad, timeline, changes, washup, finalisation, actions] = await Promise.allSettled([api('incident', base),
    timelineOf(base), api('incident', base + '/changes?limit=20'), optional(() => api('incident', base + '/washup')),
    api('incident', base + '/finalisation'), call('action', 'actions?limit=500&incidentId=' + encodeURIComponent(id))]);
  if (incidentLoad.status === 'rejected') throw incidentLoad.reason;
  const incident = incidentLoad.value;
  const milestones = [['Impact started', incident.impactStartedAt], ['Detected', incident.detectedAt], ['Acknowledged', incident.acknowledgedAt],
    ['Identified', incident.identifiedAt], ['Resolved', incident.resolvedAt], ['Finalised', incident.finalisedAt]];
  const refresh = () => route();
  page(live, incident.title,
    el('p', {}, el('strong', { id: 'status' }, incident.status), ' · ', incident.severity, ' · team ', incident.team,
      ' · ', incident.services.join(', '), ' · detected by ', incident.detectionSource),
    incident.summary ? el('p', {}, incident.summary) : null,
    el('section', { id: 'transitions' }, el('h2', {}, 'Move to'),
      incident.allowedNext.length === 0 ? el('p', {}, 'No further state.') :
        incident.allowedNext.map(to => el('button', { type: 'button', 'data-to': to, onclick: async () => {
          await act(() => api('incident', base + '/transitions', { method: 'POST', body: { to } }), 'Moved to ' + to + '.');
          refresh();
        } }, to))),
    el('section', {}, el('h2', {}, 'Milestones'), el('dl', {}, milestones.map(([k, v]) => [el('dt', {}, k), el('dd', {}, fmt.time(v))]))),
    el('section', { id: 'roles' }, el('h2', {}, 'Roles'),
      panel(timeline, 'the roles (they are read from the timeline)', ({ entries }) => {
        const roles = entries.filter(t => /ROLE/.test(t.kind));
        return roles.length === 0 ? el('p', {}, 'No role assigned yet.') : el('ul', {}, roles.map(r => el('li', {}, r.text)));
      }),
      el('form', { class: 'inline', onsubmit: async e => {
        e.preventDefault();
        const f = e.target;
        await act(() => api('incident', base + '/roles/' + f.role.value, { method: 'PUT', body: { handle: f.handle.value } }), 'Role assigned.');
        refresh();
      } }, el('label', {}, 'Role', el('select', { name: 'role' }, ['COMMANDER', 'SCRIBE', 'LIAISON'].map(r => el('option', {}, r)))),
        el('label', {}, 'Handle', el('input', { name: 'handle', required: true })), el('button', {}, 'Assign'))),
    el('section', { id: 'timeline-section' }, el('h2', {}, 'Timeline'),
      panel(timeline, 'the timeline', ({ entries, more }) => [
        el('ol', { id: 'timeline' }, entries.map(t => el('li', {}, fmt.time(t.at), ' · ', t.kind, ' · ', t.actor || 'daff', ': ', t.text))),
        more ? cut('Showing the first ' + entries.length + ' entries, oldest first: the newest are not shown.') : null])),
    el('form', { id: 'note-form', class: 'inline', onsubmit: async e => {
      e.preventDefault();
      const f = e.target;
      await act(() => api('incident', base + '/timeline', { method: 'POST', body: { phase: f.phase.value, text: f.text.value } }), 'Note added.');
      refresh();
    } }, el('label', {}, 'Phase', el('select', { name: 'phase' }, ['DISCOVER', 'ANALYSE', 'FIX', 'FINALISE'].map(p => el('option', {}, p)))),
      el('label', {}, 'Note', el('textarea', { name: 'text', rows: 2, cols: 50, required: true, maxlength: 4000 })),
      el('button', {}, 'Add note')),
    el('section', { id: 'changes' }, el('h2', {}, 'What changed?'),
      panel(changes, 'what changed', found => [
        found.changes.length === 0 ? el('p', {}, 'No change found around the impact.') :
          el('ul', {}, found.changes.map(c => el('li', {}, c.change.kind + ' ' + c.change.service + ': ' + c.change.summary + ' — ' + c.reason
            + (c.linkedAs ? ' (' + c.linkedAs + ')' : '')))),
        found.nextCursor || found.total > found.changes.length ? cut('Showing the ' + found.changes.length + ' most likely'
          + (found.total > found.changes.length ? ' of ' + found.total : '') + ' changes.') : null])),
    el('section', { id: 'washup' }, el('h2', {}, 'Washup'),
      panel(washup, 'the washup', w => !w ? el('p', {}, 'No washup yet.') : [el('p', {}, 'Status: ' + w.status),
        w.missingForReview && w.missingForReview.length ? el('p', {}, 'Missing for review: ' + w.missingForReview.join(', ')) : null,
        w.rootCause ? el('p', {}, 'Root cause: ' + w.rootCause) : null])),
    el('section', { id: 'actions' }, el('h2', {}, 'Follow-up actions'),
      panel(actions, 'the follow-up actions', ({ body: list, next }) => [
        list.length === 0 ? el('p', {}, 'No actions.') :
          el('table', {}, el('thead', {}, el('tr', {}, ['Action', 'Kind', 'Scope', 'Owner', 'Status', 'Due'].map(h => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, list.map(a => el('tr', {}, el('td', {}, a.title), el('td', {}, a.kind), el('td', {}, a.scope),
              el('td', {}, a.ownerTeam + (a.assignee ? ' / ' + a.assignee : '')), el('td', {}, a.status + (a.overdue ? ' (overdue)' : '')),
              el('td', {}, fmt.time(a.dueAt)))))),
        next ? cut('Showing the first ' + list.length + ' actions, soonest due first; the others are not shown.') : null])),
    el('section', { id: 'finalisation' }, el('h2', {}, 'Finalisation checklist'),
      panel(finalisation, 'the finalisation checklist', f => [
        el('p', { id: 'finalisation-verdict' }, finalisationVerdict(f, incident.status)),
        el('ul', {}, f.conditions.map(c => el('li', { class: c.met ? 'met' : 'unmet', 'data-code': c.code }, c.text)))])));
}

/**
 * What the checklist adds up to. Said of a finalisable incident with unmet conditions, "every condition is met" read
 * over its red items; a waiver stands in for them, and says whose.
 */
function finalisationVerdict(f, status) {
  if (status === 'FINALISED') return 'Finalised.';
  if (!f.finalisable) return 'Not finalisable yet.';
  if (f.conditions.every(c => c.met)) return 'Every condition is met: it may be finalised.';
  const waiver = f.waiver || {};
  return 'A waiver' + (waiver.approvedBy ? ' approved by ' + waiver.approvedBy : '') + (waiver.reason ? ' ("' + waiver.reason + '")' : '')
    + ' stands in for the unmet conditions: it may be finalised.';
}

// ---- Meta-review -------------------------------------------------------------------------------------------------

function counts(title, map) {
  const entries = Object.entries(map || {});
  return el('section', {}, el('h2', {}, title), entries.length === 0 ? el('p', {}, 'None.') :
    el('table', {}, el('tbody', {}, entries.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v))))));
}

async function reviewPage(live) {
  const r = await api('incident', 'meta-review');
  const stats = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, s.count),
    el('td', {}, fmt.duration(s.p50Seconds)), el('td', {}, fmt.duration(s.p90Seconds)));
  page(live, 'Meta-review',
    el('p', {}, r.incidents + ' incidents detected from ' + fmt.time(r.from) + ' to ' + fmt.time(r.to) + '.'),
    el('section', {}, el('h2', {}, 'Patterns'), r.patterns.length === 0 ? el('p', {}, 'No pattern yet.') : el('ul', {}, r.patterns.map(p => el('li', {}, p)))),
    el('table', {}, el('thead', {}, el('tr', {}, ['', 'Incidents', 'Median', 'p90'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, stats('MTTD', r.mttd), stats('MTTA', r.mtta), stats('MTTR', r.mttr), stats('Time to finalise', r.timeToFinalise))),
    counts('By cause class', r.byCauseClass), counts('By seam', r.bySeam), counts('By severity', r.bySeverity));
}

// ---- Sign-in -----------------------------------------------------------------------------------------------------

async function signInPage(live) {
  const why = sessionStorage.getItem(SIGNED_OUT_KEY);
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  const options = await (await fetch('/sign-in/options')).json();
  const response = options.devTokens ? await fetch('/dev/tokens') : null;
  const tokens = response && response.ok ? await response.json() : null;
  const use = value => {
    sessionStorage.setItem(TOKEN_KEY, value);
    showWho();
    location.hash = '#/slos';
  };
  page(live, 'Sign in',
    options.oidc ? el('p', {}, el('a', { href: '/sign-in/oidc', id: 'oidc-sign-in' }, 'Sign in with your organisation\'s account')) : null,
    tokens ? el('form', { id: 'role-picker', class: 'inline', onsubmit: e => { e.preventDefault(); use(tokens[e.target.role.value]); } },
      el('label', {}, 'Role (local run only: development tokens)', el('select', { name: 'role' }, Object.keys(tokens).map(r => el('option', { value: r }, r)))),
      el('button', {}, 'Sign in')) :
      el('p', {}, 'Sign in through your identity provider, or paste a bearer token below.'),
    el('form', { class: 'inline', onsubmit: e => { e.preventDefault(); use(e.target.token.value.trim()); } },
      el('label', {}, 'Bearer token', el('textarea', { name: 'token', rows: 3, cols: 60, required: true })), el('button', {}, 'Use token')),
    signedIn() ? el('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out') : null);
  if (why) say(why);
}

/**
 * Forgets the tab's token and ends the console's session with the identity provider (its cookie would otherwise
 * sign the next person at this screen in as this one); where the provider ends its own session too, the browser goes
 * there and comes back to the console.
 */
async function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
  showWho();
  // Asked even without a session this tab knows of: another tab may have signed in through the provider (one cookie).
  try {
    const response = await fetch('/sign-out', { method: 'POST',
      headers: { 'X-Daff-Console': '1', 'X-Requested-With': 'JavaScript' } });
    const answer = response.ok ? await response.json() : {};
    // 499: there was no session left to end
    if (!response.ok && response.status !== 499) say('Signing out of the console\'s session failed (HTTP ' + response.status + '): close the browser.');
    else if (answer.providerSignOut) { location.assign(answer.providerSignOut); return; }
  } catch (e) {
    say('Signing out of the console\'s session failed: ' + e.message + '. Close the browser.');
  }
  route();
}

function showWho() {
  const t = token();
  let who = '';
  if (t) {
    try {
      const claims = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      who = (claims.preferred_username || claims.sub) + ' (' + (claims.groups || []).join(', ') + ')';
    } catch (e) { who = 'signed in'; }
  }
  if (!t && sessionStorage.getItem(SESSION_KEY)) who = 'signed in with your organisation\'s account';
  document.getElementById('who').textContent = who;
  document.getElementById('sign-in-link').textContent = signedIn() ? 'Switch user' : 'Sign in';
}

// ---- Routing -----------------------------------------------------------------------------------------------------

async function route() {
  const seq = ++navigation;
  const live = () => seq === navigation;
  const [path, query] = (location.hash.slice(1) || '/slos').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'session-ended') { // the provider no longer renews the console's session, whose cookie is gone
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.setItem(SIGNED_OUT_KEY, SESSION_ENDED);
    showWho();
    location.replace('#/sign-in'); // replaced, as #/signed-in below: Back onto it would end a session begun since
    return;
  }
  if (parts[0] === 'signed-in') { // back from the identity provider: the console holds the session
    // A token pasted or picked before is the previous person's: kept, the page would send it (before the session's)
    // and act, and show itself, as them.
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.setItem(SESSION_KEY, 'oidc');
    showWho();
    // Replaced, not added: Back onto #/signed-in later would drop a token picked since.
    location.replace('#/slos');
    return;
  }
  if (!signedIn() && parts[0] !== 'sign-in') {
    location.hash = '#/sign-in';
    return;
  }
  try {
    if (parts[0] === 'slos') await sloList(live, params);
    else if (parts[0] === 'slo') await sloPage(live, parts[1]);
    else if (parts[0] === 'oncall') await onCallPage(live);
    else if (parts[0] === 'incidents') await incidentList(live, params);
    else if (parts[0] === 'incident') await incidentPage(live, parts[1]);
    else if (parts[0] === 'review') await reviewPage(live);
    else if (parts[0] === 'sign-in') await signInPage(live);
    else page(live, 'Not found', el('p', {}, 'No such page.'));
    document.body.dataset.page = parts[0];
  } catch (e) {
    // An overtaken load says nothing (the newer page is shown); after a 401 the sign-in page is on its way.
    if (e instanceof Overtaken || !live() || e.status === 401) return;
    say(describe(e));
    // Not the page before, whose buttons would act on what it showed (a state the incident has left, say).
    page(live, 'Could not load this page', failed('this page', e),
      el('button', { type: 'button', onclick: () => route() }, 'Try again'));
    document.body.dataset.page = 'failed';
  }
}

window.addEventListener('hashchange', () => { say(''); route(); });
window.addEventListener('DOMContentLoaded', () => { showWho(); route(); });
