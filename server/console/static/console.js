// vendoremu console. Everything it shows comes from the documented
// control-plane API under /_emulator/, fetched from this same origin. Every
// value from vendor traffic reaches the page as text (textContent, never
// innerHTML): a campaign named <img src=x onerror=alert(1)> shows as text.
'use strict';
(() => {
  const API = '/_emulator';
  const POLL_MS = 700;        // the journal's live view: well under a second
  const PAGE = 100;           // entries per journal page
  const KEEP = 2000;          // entries the live view keeps in memory
  const MAX_ROWS = 500;       // rows a data table shows
  // The member of a tenant object that names the tenant (?tenant=…).
  const TENANT_KEY = {hitsteps: 'main_account', mousestats: 'partnerId', keitaro: 'apiKey', justclick: 'login', twipla: 'intpId'};

  const $ = (id) => document.getElementById(id);
  const st = {
    vendors: [], entries: [], byId: new Map(), maxId: 0, nextBefore: null, selected: null,
    live: true, polling: false, loginShown: false, started: false,
    clock: null, clockAt: 0, clockScope: null, faults: [], faultsSeen: new Map(), snapshots: [], tenants: new Map(), data: null, kind: null,
  };

  // el builds an element; string and number children become text nodes.
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(3)) {
      if (kid == null || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  // fill replaces a node's children the way el adds them.
  function fill(node, ...kids) {
    node.replaceChildren();
    for (const kid of kids.flat(3)) {
      if (kid == null || kid === false) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }

  function say(text, bad) {
    const m = $('msg');
    m.textContent = text;
    m.classList.toggle('bad', !!bad);
    m.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { m.hidden = true; }, bad ? 12000 : 5000);
  }

  class HTTPError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  // api calls the control plane. body: undefined, a string (sent as is) or
  // a value (sent as JSON). A 401 shows the login form.
  async function api(method, path, body) {
    const init = {method, credentials: 'same-origin', headers: {}};
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(API + path, init);
    const text = await r.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (_) { data = text; }
    }
    if (r.status === 401) {
      showLogin();
      throw new HTTPError(401, (data && data.error) || 'the admin token is required');
    }
    if (!r.ok) throw new HTTPError(r.status, (data && data.error) || `${r.status} ${r.statusText}`);
    return data;
  }

  function fail(err) {
    if (err && err.status === 401) return; // the login form says it
    say(String(err && err.message || err), true);
  }

  // confirmAction shows the confirmation dialog and resolves to true on OK.
  function confirmAction(text) {
    const d = $('confirm');
    $('confirm-text').textContent = text;
    d.returnValue = '';
    return new Promise((resolve) => {
      // A dialog's close event comes a task after it closed: the close of
      // an earlier showing can arrive once this one is open, and is not
      // this showing's answer.
      const closed = () => {
        if (d.open) return;
        d.removeEventListener('close', closed);
        resolve(d.returnValue === 'ok');
      };
      d.addEventListener('close', closed);
      d.showModal();
      $('confirm-cancel').focus();
    });
  }

  // ---- login ----

  function showLogin() {
    if (st.loginShown) return;
    st.loginShown = true;
    $('login').hidden = false;
    for (const t of document.querySelectorAll('.tab')) t.hidden = true;
    $('tabs').hidden = true;
    $('logout').hidden = true;
    $('login-token').focus();
  }

  async function login(ev) {
    ev.preventDefault();
    const err = $('login-error');
    err.hidden = true;
    try {
      await api('POST', '/login', {token: $('login-token').value});
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      return;
    }
    $('login-token').value = '';
    st.loginShown = false;
    $('login').hidden = true;
    $('tabs').hidden = false;
    start().catch(fail);
  }

  async function logout() {
    try { await api('POST', '/logout'); } catch (e) { fail(e); }
    st.started = false;
    showLogin();
  }

  // ---- tabs ----

  function showTab() {
    if (st.loginShown) return;
    const name = (location.hash || '#requests').slice(1);
    const tab = ['requests', 'data', 'controls'].includes(name) ? name : 'requests';
    for (const t of document.querySelectorAll('.tab')) t.hidden = t.id !== 'tab-' + tab;
    for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.tab === tab);
    if (tab === 'data') loadData().catch(fail);
    if (tab === 'controls') { loadFaults().catch(fail); loadClock().catch(fail); loadSnapshots().catch(fail); }
  }

  // ---- start ----

  async function start() {
    const h = await api('GET', '/health');
    st.vendors = h.vendors || [];
    for (const id of ['f-vendor', 'fault-vendor', 'clock-vendor']) {
      const s = $(id);
      while (s.options.length > 1) s.remove(1);
      for (const v of st.vendors) s.append(el('option', {value: v}, v));
    }
    for (const id of ['d-vendor', 'tenant-vendor', 'reset-vendor']) {
      const s = $(id);
      s.replaceChildren(...st.vendors.map((v) => el('option', {value: v}, v)));
    }
    // Requests without a 401 mean the console is in: show what the token
    // setting calls for.
    await loadClock();
    $('logout').hidden = document.body.dataset.adminToken !== 'true';
    $('tabs').hidden = false;
    st.started = true;
    showTab();
    await reloadJournal();
    if (!st.polling) { st.polling = true; poll(); }
  }

  // ---- clock ----
  // st.clock is the emulator clock; the header always shows it. The clock
  // card works on it, or, with a vendor and a tenant named, on that
  // tenant's own clock (GET/POST /_emulator/clock?vendor=V&tenant=T). While
  // the card names a tenant it cannot reach (half named, or unknown) its
  // controls are off: a "set" meant for one tenant never moves every
  // tenant's clock.

  // clockScopeOfCard is whose clock the card names: null for the emulator
  // clock's.
  function clockScopeOfCard() {
    const vendor = $('clock-vendor').value, tenant = $('clock-tenant').value.trim();
    if (!vendor && !tenant) return null;
    const query = `?vendor=${encodeURIComponent(vendor)}&tenant=${encodeURIComponent(tenant)}`;
    return {vendor, tenant, query, clock: null, at: 0, error: ''};
  }

  async function loadClock() {
    st.clock = await api('GET', '/clock');
    st.clockAt = Date.now();
    if (st.clockScope) await loadTenantClock(st.clockScope);
    renderClock();
  }

  // loadTenantClock asks for the tenant's clock; an unknown tenant (its
  // vendor reset, a snapshot restored) turns the card's controls off.
  async function loadTenantClock(scope) {
    if (!scope.vendor || !scope.tenant) {
      scope.error = scope.vendor ? `Name a tenant of ${scope.vendor} to work on its own clock.`
        : 'Choose the vendor of that tenant to work on its own clock.';
      return;
    }
    try {
      const c = await api('GET', '/clock' + scope.query);
      Object.assign(scope, {clock: c, at: Date.now(), error: ''});
    } catch (e) {
      if (e.status === 401) throw e;
      Object.assign(scope, {clock: null, error: e.message + ': the controls below are off until the card names one of its tenants.'});
    }
  }

  async function chooseClock() {
    const scope = clockScopeOfCard();
    st.clockScope = scope;
    if (scope) await loadTenantClock(scope);
    if (scope === st.clockScope) renderClock();
  }

  function tick(c, at) {
    const t = new Date(c.now);
    if (!c.frozen) t.setTime(t.getTime() + (Date.now() - at));
    return t.toISOString().slice(0, 19) + 'Z';
  }

  function renderClock() {
    if (!st.clock) return;
    const iso = tick(st.clock, st.clockAt);
    $('clock').textContent = 'clock ' + iso.replace('T', ' ') + (st.clock.frozen ? ' (frozen)' : '');
    const scope = st.clockScope;
    const usable = !scope || !!scope.clock;
    for (const f of ['clock-set', 'clock-advance']) for (const x of $(f).elements) x.disabled = !usable;
    $('clock-real').disabled = !usable;
    $('clock-real').textContent = scope ? 'Follow the emulator clock' : 'Back to real time';
    $('clock-scope-note').textContent = !scope ? '' : scope.error ||
      `The controls below move ${scope.vendor} tenant ${scope.tenant}'s own clock; "Follow the emulator clock" releases it.`;
    $('clock-emulator-line').hidden = !(scope && scope.clock);
    $('clock-emulator').textContent = st.clock.frozen ? st.clock.now : iso;
    if (!usable) {
      $('clock-now').textContent = '—';
      $('clock-mode').textContent = '';
      return;
    }
    // A tenant without a clock of its own shows the emulator clock, as it
    // is now: it follows it.
    const own = scope && scope.clock.own;
    const c = own ? scope.clock : st.clock;
    $('clock-now').textContent = c.frozen ? c.now : own ? tick(c, scope.at) : iso;
    $('clock-mode').textContent = (c.frozen ? 'frozen' : 'running') +
      (scope ? (own ? ', its own clock' : ', follows the emulator clock') : '');
    const input = $('clock-set-value');
    if (!input.value && document.activeElement !== input) input.placeholder = iso;
  }

  async function clockPost(body, what) {
    const scope = st.clockScope;
    if (scope && !scope.clock) { say(scope.error, true); return; }
    try {
      const c = await api('POST', '/clock' + (scope ? scope.query : ''), body);
      if (scope) {
        Object.assign(scope, {clock: c, at: Date.now()});
        say(c.own ? `${scope.vendor} tenant ${scope.tenant}'s clock ${what}: ${c.now}${c.frozen ? ' (frozen)' : ''}`
          : `${scope.vendor} tenant ${scope.tenant} follows the emulator clock again.`);
      } else {
        st.clock = c;
        st.clockAt = Date.now();
        say(`Clock ${what}: ${c.now}${c.frozen ? ' (frozen)' : ''}`);
      }
      renderClock();
    } catch (e) { fail(e); }
  }

  // ---- journal ----

  function filterQuery() {
    const q = new URLSearchParams();
    const v = (id) => $(id).value.trim();
    if (v('f-vendor')) q.set('vendor', v('f-vendor'));
    if (v('f-tenant')) q.set('tenant', v('f-tenant'));
    if (v('f-method')) q.set('method', v('f-method'));
    if (v('f-status')) q.set('status', v('f-status'));
    if (v('f-path')) q.set('path', '*' + v('f-path') + '*');
    return q;
  }

  // reloadJournal replaces the list with the newest page that matches.
  async function reloadJournal() {
    const q = filterQuery();
    const key = q.toString();
    q.set('limit', PAGE);
    const seq = ++reloadJournal.seq;
    const page = await api('GET', '/requests?' + q);
    if (seq !== reloadJournal.seq) return; // a newer filter won
    st.entries = page.requests || [];
    st.byId = new Map(st.entries.map((e) => [e.id, e]));
    st.maxId = st.entries.length ? st.entries[0].id : st.maxId;
    st.nextBefore = page.next_before || null;
    st.filterKey = key;
    renderJournal();
  }
  reloadJournal.seq = 0;

  async function loadOlder() {
    if (!st.nextBefore) return;
    const q = filterQuery();
    q.set('limit', PAGE);
    q.set('before', st.nextBefore);
    const page = await api('GET', '/requests?' + q);
    const more = page.requests || [];
    for (const e of more) st.byId.set(e.id, e);
    st.entries = st.entries.concat(more);
    st.nextBefore = page.next_before || null;
    const body = $('journal').tBodies[0];
    for (const e of more) body.append(row(e));
    $('older').hidden = !st.nextBefore;
  }

  // poll asks for what is newer than the newest entry shown; when more
  // arrived than one page holds, the list starts over from the newest page.
  async function poll() {
    try {
      if (st.started && st.live && !st.loginShown && !document.hidden) {
        const q = filterQuery();
        const key = q.toString();
        q.set('after', st.maxId);
        q.set('limit', PAGE);
        const page = await api('GET', '/requests?' + q);
        if (key === st.filterKey) {
          const fresh = (page.requests || []).filter((e) => !st.byId.has(e.id));
          if (page.next_before) await reloadJournal();
          else if (fresh.length) addEntries(fresh);
        }
      }
    } catch (e) {
      if (e.status !== 401) say('live journal: ' + e.message, true);
    }
    setTimeout(poll, POLL_MS);
  }

  function addEntries(fresh) {
    const body = $('journal').tBodies[0];
    for (const e of fresh.slice().reverse()) {
      st.byId.set(e.id, e);
      body.prepend(row(e));
    }
    st.entries = fresh.concat(st.entries);
    st.maxId = Math.max(st.maxId, fresh[0].id);
    if (st.entries.length > KEEP) {
      // The oldest rows go; "Load older" brings them back from the journal.
      for (const old of st.entries.splice(KEEP)) {
        st.byId.delete(old.id);
        body.lastElementChild && body.lastElementChild.remove();
      }
      st.nextBefore = st.entries[st.entries.length - 1].id;
    }
    $('journal-empty').hidden = st.entries.length > 0;
    $('older').hidden = !st.nextBefore;
  }

  function renderJournal() {
    const body = $('journal').tBodies[0];
    body.replaceChildren(...st.entries.map(row));
    $('journal-empty').hidden = st.entries.length > 0;
    $('older').hidden = !st.nextBefore;
  }

  function statusClass(s) { return 's' + String(s || 0)[0]; }

  function shortTime(iso) {
    const t = new Date(iso);
    return isNaN(t) ? iso : t.toISOString().slice(11, 23);
  }

  function isOutbound(e) { return /^https?:\/\//i.test(e.path); }

  function row(e) {
    const tr = el('tr', {'data-id': e.id, tabindex: 0, class: st.selected === e.id ? 'selected' : null},
      el('td', {class: 'time', title: e.time}, shortTime(e.time)),
      el('td', {class: 'vendor'}, e.vendor),
      el('td', {class: 'tenant', title: e.tenant}, e.tenant),
      el('td', {class: 'method'}, e.method),
      el('td', {class: 'path', title: e.path + (e.query ? '?' + e.query : '')},
        isOutbound(e) ? el('span', {class: 'badge'}, 'outbound') : null, isOutbound(e) ? ' ' : null, e.path),
      el('td', {class: 'status ' + statusClass(e.status)}, e.status || 'no answer',
        e.fault ? [' ', el('span', {class: 'badge fault'}, 'fault #' + e.fault)] : null),
      el('td', {class: 'ms'}, Math.round(e.duration_ms * 10) / 10));
    const open = () => openExchange(e.id);
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
    return tr;
  }

  function headerValue(h, name) {
    for (const [k, v] of Object.entries(h || {})) if (k.toLowerCase() === name) return v;
    return '';
  }

  // kvTable shows names and values (headers sorted by name, other things
  // in their own order); a long or multi-line value (a PEM key, a JWT)
  // scrolls in its own box.
  function kvTable(h, keepOrder) {
    const names = Object.keys(h || {});
    if (!keepOrder) names.sort();
    if (!names.length) return el('p', {class: 'muted'}, '(none)');
    const value = (v) => (String(v).length > 160 || String(v).includes('\n') ? el('pre', {class: 'long'}, v) : v);
    return el('table', {class: 'kv'}, el('tbody', {}, names.map((k) => el('tr', {}, el('th', {}, k), el('td', {}, value(h[k]))))));
  }

  function looksLikeForm(s) {
    return /^[^\s=&]+=[^\s&]*(&[^\s=&]+=[^\s&]*)*$/.test(s);
  }

  // renderBody shows a body pretty-printed when it is JSON or a form.
  function renderBody(body, contentType) {
    if (!body) return el('p', {class: 'muted'}, '(empty)');
    const ct = (contentType || '').toLowerCase();
    const out = [];
    const trimmed = body.trim();
    if (ct.includes('json') || /^[[{]/.test(trimmed)) {
      try {
        out.push(el('pre', {class: 'body json'}, JSON.stringify(JSON.parse(body), null, 2)));
      } catch (_) { /* not JSON after all */ }
    }
    if (!out.length && (ct.includes('x-www-form-urlencoded') || (!ct.includes('json') && looksLikeForm(trimmed)))) {
      const pairs = [...new URLSearchParams(trimmed)];
      out.push(el('table', {class: 'kv form'}, el('tbody', {}, pairs.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))))));
      out.push(el('details', {}, el('summary', {}, 'raw'), el('pre', {class: 'body'}, body)));
    }
    if (!out.length) out.push(el('pre', {class: 'body'}, body));
    if (body.length >= 65536) out.push(el('p', {class: 'muted'}, 'The journal keeps the first 64 KiB of a body.'));
    return out;
  }

  function shellQuote(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }

  // curlFor rebuilds an exchange as a curl command line against this
  // emulator (secrets stay masked as the journal keeps them).
  function curlFor(e) {
    const url = isOutbound(e) ? e.path : location.origin + '/' + e.vendor + e.path + (e.query ? '?' + e.query : '');
    const parts = [(e.method !== 'GET' || e.request_body ? 'curl -X ' + e.method : 'curl') + ' ' + shellQuote(url)];
    for (const k of Object.keys(e.request_headers || {}).sort()) {
      const lk = k.toLowerCase();
      if (['content-length', 'accept-encoding', 'connection', 'user-agent'].includes(lk)) continue;
      if (lk === 'host' && e.request_headers[k] === location.host) continue;
      parts.push('-H ' + shellQuote(k + ': ' + e.request_headers[k]));
    }
    if (e.request_body) parts.push('--data-raw ' + shellQuote(e.request_body));
    return parts.join(' \\\n  ');
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const t = el('textarea', {}, text);
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
  }

  function openExchange(id) {
    const e = st.byId.get(id);
    if (!e) return;
    st.selected = id;
    for (const tr of $('journal').tBodies[0].rows) tr.classList.toggle('selected', Number(tr.dataset.id) === id);
    const d = $('exchange');
    const target = isOutbound(e) ? e.path : '/' + e.vendor + e.path + (e.query ? '?' + e.query : '');
    const curl = curlFor(e);
    const masked = Object.values(e.request_headers || {}).some((v) => /\*\*\*$/.test(v));
    fill(d,
      el('div', {class: 'bar'},
        el('strong', {}, 'Exchange #' + e.id),
        el('span', {class: 'muted'}, `${e.time} · ${e.duration_ms} ms · ${e.vendor}${e.tenant ? ' · tenant ' + e.tenant : ''}`),
        el('button', {type: 'button', id: 'copy-curl', onclick: () => copyText(curl).then(() => say('Copied as curl.'))}, 'Copy as curl'),
        el('button', {type: 'button', onclick: closeExchange}, 'Close')),
      e.fault ? el('p', {class: 'fault-note', id: 'exchange-fault'}, `Fault #${e.fault} matched this exchange.`) : null,
      isOutbound(e) ? el('p', {class: 'muted'}, 'Sent by the emulator (a callback or postback).') : null,
      el('h3', {}, 'Request'),
      el('div', {class: 'reqline', id: 'exchange-line'}, e.method + ' ' + target),
      el('h3', {}, 'Headers'), kvTable(e.request_headers),
      el('h3', {}, 'Body'), renderBody(e.request_body, headerValue(e.request_headers, 'content-type')),
      el('h3', {}, 'Response ', el('span', {class: 'status ' + statusClass(e.status), id: 'exchange-status'}, e.status || 'no answer')),
      el('h3', {}, 'Headers'), kvTable(e.response_headers),
      el('h3', {}, 'Body'), renderBody(e.response_body, headerValue(e.response_headers, 'content-type')),
      el('details', {}, el('summary', {}, 'curl'),
        masked ? el('p', {class: 'muted'}, 'Secrets appear as *** as the journal masks them: put yours back.') : null,
        el('pre', {id: 'exchange-curl'}, curl)));
    d.hidden = false;
    if (e.fault) describeExchangeFault(e);
    if (window.matchMedia('(max-width: 860px)').matches) d.scrollIntoView({block: 'start'});
  }

  // What each connection fault does, as a person reads it in the list and
  // in an exchange's note.
  const KIND_LABEL = {connection_reset: 'connection reset', empty_response: 'empty response', truncated_body: 'truncated body', malformed_body: 'malformed body'};
  const KIND_DOES = {
    connection_reset: 'resets the connection', empty_response: 'sends the status and headers, then closes the connection',
    truncated_body: 'sends half the body, then closes the connection', malformed_body: 'sends a body no parser reads',
  };

  // describeFault says what a fault does, in the words of its fields.
  function describeFault(f) {
    const parts = [];
    if (f.delay_ms || f.jitter_ms) parts.push(`waits ${f.delay_ms}${f.jitter_ms ? '–' + (f.delay_ms + f.jitter_ms) : ''} ms`);
    if (f.fault) parts.push(KIND_DOES[f.fault] || f.fault);
    else if (f.status) parts.push('answers ' + f.status);
    else parts.push("then gives the vendor's own answer");
    return parts.join(', ');
  }

  // faultScope names the requests a fault applies to.
  function faultScope(f, vendor) {
    return (f.vendor || vendor) + (f.tenant ? ' tenant ' + f.tenant : '') + (f.method ? ' ' + f.method : '') + ' ' + (f.path || '*');
  }

  // describeExchangeFault adds what the fault does: the console remembers
  // the faults it has listed, so one used up or deleted since is still
  // described; one it never saw is only named.
  async function describeExchangeFault(e) {
    let text = `Fault #${e.fault} matched this exchange`;
    try {
      const f = ((await api('GET', '/faults')).faults || []).find((x) => x.id === e.fault);
      if (f) st.faultsSeen.set(f.id, f);
      const seen = f || st.faultsSeen.get(e.fault);
      text += !seen ? ' (it is no longer active).'
        : `: it ${describeFault(seen)} (${faultScope(seen, e.vendor)})${f ? '.' : '; it is no longer active.'}`;
    } catch (_) {
      text += '.';
    }
    const note = $('exchange-fault');
    if (note && st.selected === e.id) note.textContent = text;
  }

  function closeExchange() {
    st.selected = null;
    $('exchange').hidden = true;
    for (const tr of $('journal').tBodies[0].rows) tr.classList.remove('selected');
  }

  // ---- data browser ----

  function tenantKey(vendor, t) {
    const k = TENANT_KEY[vendor];
    if (k && k in t) return String(t[k]);
    const first = Object.values(t).find((v) => v !== null && typeof v !== 'object');
    return first === undefined ? '' : String(first);
  }

  async function loadTenants(vendor) {
    const all = await api('GET', '/state/' + encodeURIComponent(vendor));
    const keys = ((all && all.tenants) || []).map((t) => tenantKey(vendor, t));
    st.tenants.set(vendor, keys);
    return keys;
  }

  async function loadData(keepTenant) {
    const vendor = $('d-vendor').value;
    if (!vendor) return;
    const sel = $('d-tenant');
    const want = keepTenant || sel.value;
    const keys = await loadTenants(vendor);
    // Another vendor chosen meanwhile: its own load fills the list.
    if (vendor !== $('d-vendor').value) return;
    sel.replaceChildren(...keys.map((k) => el('option', {value: k}, k)));
    if (keys.includes(want)) sel.value = want;
    await loadTenant();
  }

  async function loadTenant() {
    const vendor = $('d-vendor').value;
    const tenant = $('d-tenant').value;
    $('d-object').hidden = true;
    if (!tenant) {
      $('d-props').replaceChildren(el('p', {class: 'muted'}, 'No tenants.'));
      $('d-kinds').replaceChildren();
      $('d-table').replaceChildren();
      return;
    }
    const s = await api('GET', `/state/${encodeURIComponent(vendor)}?tenant=${encodeURIComponent(tenant)}`);
    if (vendor !== $('d-vendor').value || tenant !== $('d-tenant').value) return; // a later choice won
    const t = ((s && s.tenants) || [])[0] || {};
    const props = {};
    const kinds = new Map();
    // Scalars describe the tenant; lists are its objects, by kind; an
    // object member is walked one level down (Keitaro's logs).
    const walk = (obj, prefix, depth) => {
      for (const [k, v] of Object.entries(obj)) {
        const name = prefix + k;
        if (Array.isArray(v)) kinds.set(name, v);
        else if (v && typeof v === 'object' && depth < 1) walk(v, name + '.', depth + 1);
        else props[name] = v && typeof v === 'object' ? JSON.stringify(v) : v === null ? 'null' : String(v);
      }
    };
    walk(t, '', 0);
    st.data = {vendor, tenant, kinds};
    fill($('d-props'), el('h3', {}, `${vendor} tenant ${tenant}`), kvTable(props, true));
    const nav = $('d-kinds');
    nav.replaceChildren(...[...kinds].map(([k, list]) =>
      el('button', {type: 'button', 'data-kind': k, onclick: () => showKind(k)}, `${k} (${list.length})`)));
    const first = kinds.has(st.kind) ? st.kind : [...kinds.keys()].find((k) => kinds.get(k).length) || [...kinds.keys()][0];
    if (first) showKind(first); else $('d-table').replaceChildren();
  }

  function cell(v) {
    if (v === null || v === undefined) return el('td', {class: 'muted'}, 'null');
    if (Array.isArray(v)) return el('td', {class: 'muted', title: JSON.stringify(v).slice(0, 500)}, `[${v.length}]`);
    if (typeof v === 'object') {
      const j = JSON.stringify(v);
      return el('td', {class: 'muted', title: j.slice(0, 500)}, j.length > 40 ? j.slice(0, 40) + '…' : j);
    }
    return el('td', {title: String(v).slice(0, 500)}, String(v));
  }

  function showKind(kind) {
    st.kind = kind;
    for (const b of $('d-kinds').children) b.classList.toggle('active', b.dataset.kind === kind);
    const list = st.data.kinds.get(kind) || [];
    const objects = list.map((o) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? o : {value: o}));
    const cols = [];
    for (const o of objects) for (const k of Object.keys(o)) if (!cols.includes(k)) cols.push(k);
    const shown = objects.slice(0, MAX_ROWS);
    const table = el('table', {class: 'rows data', id: 'd-rows', 'data-kind': kind},
      el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, c)))),
      el('tbody', {}, shown.map((o, i) => {
        const tr = el('tr', {tabindex: 0}, cols.map((c) => cell(o[c])));
        tr.addEventListener('click', () => showObject(kind, i, tr));
        tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') showObject(kind, i, tr); });
        return tr;
      })));
    fill($('d-table'),
      list.length ? table : el('p', {class: 'muted'}, `No ${kind}.`),
      list.length > MAX_ROWS ? el('p', {class: 'muted'}, `The first ${MAX_ROWS} of ${list.length}: the whole list is in GET /_emulator/state/${st.data.vendor}?tenant=….`) : null);
    $('d-object').hidden = true;
  }

  function showObject(kind, i, tr) {
    for (const r of tr.parentNode.rows) r.classList.toggle('selected', r === tr);
    const o = st.data.kinds.get(kind)[i];
    const d = $('d-object');
    fill(d,
      el('div', {class: 'bar'}, el('strong', {}, `${kind} #${i + 1}`),
        el('button', {type: 'button', onclick: () => copyText(JSON.stringify(o, null, 2)).then(() => say('Copied.'))}, 'Copy JSON'),
        el('button', {type: 'button', onclick: () => { d.hidden = true; }}, 'Close')),
      el('pre', {class: 'json', id: 'd-json'}, JSON.stringify(o, null, 2)));
    d.hidden = false;
  }

  // ---- controls ----

  async function resetWith(query, text, done) {
    if (!(await confirmAction(text))) return;
    try {
      await api('POST', '/reset' + query);
      say('Reset done: ' + text.replace(/\?$/, '').replace(/^Reset /, ''));
      if (!query) await reloadJournal();
      if (done) await done();
      st.tenants.clear();
      if (!$('tab-data').hidden) await loadData();
      if (!$('tab-controls').hidden) await loadFaults();
      // A reset releases the tenants' own clocks.
      if (st.clockScope) await loadClock();
    } catch (e) { fail(e); }
  }

  async function createTenant(ev) {
    ev.preventDefault();
    const vendor = $('tenant-vendor').value;
    const body = $('tenant-body').value.trim() || '{}';
    const out = $('tenant-result');
    try {
      const creds = await api('POST', `/${encodeURIComponent(vendor)}/tenants`, body);
      const rows = {};
      for (const [k, v] of Object.entries(creds || {})) {
        if (k === 'packages') continue; // TWIPLA's package set: in the data browser
        rows[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
      let token = null;
      if (vendor === 'twipla' && creds.privateKey) {
        // A tenant on the built-in key: mint a ready INTP token with the
        // vendor's own helper.
        token = await api('POST', '/twipla/tokens', {intpId: creds.intpId});
        rows.token = token.token;
        if (token.expiresAt) rows.tokenExpiresAt = token.expiresAt;
      }
      fill(out,
        el('h3', {}, `New ${vendor} tenant`),
        kvTable(rows, true),
        el('div', {class: 'buttons'},
          el('button', {type: 'button', onclick: () => copyText(JSON.stringify(Object.assign({}, creds, token ? {token: token.token} : {}), null, 2)).then(() => say('Copied.'))}, 'Copy JSON')));
      out.querySelector('table').id = 'tenant-creds';
      say(`Created a ${vendor} tenant.`);
      st.tenants.delete(vendor);
    } catch (e) {
      out.replaceChildren(el('p', {class: 'error'}, e.message));
      fail(e);
    }
  }

  async function loadFaults() {
    const r = await api('GET', '/faults');
    st.faults = r.faults || [];
    for (const f of st.faults) st.faultsSeen.set(f.id, f);
    const body = $('faults').tBodies[0];
    body.replaceChildren(...st.faults.map((f) => el('tr', {'data-id': f.id},
      el('td', {}, f.id), el('td', {}, f.vendor || 'any'),
      el('td', {class: 'tenant', title: f.tenant || null}, f.tenant || 'any'),
      el('td', {}, f.method || 'any'),
      el('td', {class: 'path'}, f.path || '*'),
      el('td', {class: 'answer'}, f.fault ? el('span', {class: 'badge fault'}, KIND_LABEL[f.fault] || f.fault)
        : f.status ? [el('span', {class: 'status ' + statusClass(f.status)}, f.status), f.body ? ' ' + (f.body.length > 40 ? f.body.slice(0, 40) + '…' : f.body) : '']
          : 'delay only'),
      el('td', {class: 'delay'}, f.delay_ms + (f.jitter_ms ? ' + 0–' + f.jitter_ms : '')), el('td', {}, f.times || '∞'),
      el('td', {class: 'remaining'}, f.times ? f.remaining : '∞'), el('td', {}, f.parked),
      el('td', {}, el('button', {type: 'button', class: 'danger', onclick: () => deleteFault(f.id)}, 'Delete')))));
    $('faults-empty').hidden = st.faults.length > 0;
  }

  async function deleteFault(id) {
    try {
      await api('DELETE', '/faults/' + id);
      say(`Fault #${id} deleted.`);
    } catch (e) { fail(e); }
    await loadFaults().catch(fail);
  }

  // faultKindChosen turns off what a broken connection or answer cannot
  // carry: it breaks the vendor's own answer, so no status or body.
  function faultKindChosen() {
    const kind = $('fault-kind').value;
    for (const id of ['fault-status', 'fault-body', 'fault-ctype']) $(id).disabled = !!kind;
  }

  async function addFault(ev) {
    ev.preventDefault();
    const num = (id) => Number($(id).value || 0);
    const f = {
      vendor: $('fault-vendor').value, tenant: $('fault-tenant').value.trim(), method: $('fault-method').value,
      path: $('fault-path').value.trim(), delay_ms: num('fault-delay'), jitter_ms: num('fault-jitter'), times: num('fault-times'),
    };
    const kind = $('fault-kind').value;
    if (kind) f.fault = kind;
    else Object.assign(f, {status: num('fault-status'), body: $('fault-body').value, content_type: $('fault-ctype').value.trim()});
    try {
      const r = await api('POST', '/faults', f);
      say(`Fault #${r.id} added.`);
    } catch (e) { fail(e); }
    await loadFaults().catch(fail);
  }

  function byteSize(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.round(n / 1024) + ' KiB';
    return (n / 1024 / 1024).toFixed(1) + ' MiB';
  }

  function whenSaved(iso) {
    const t = new Date(iso);
    return isNaN(t) ? iso : t.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  }

  async function loadSnapshots() {
    const r = await api('GET', '/snapshots');
    st.snapshots = r.snapshots || [];
    $('snapshots').tBodies[0].replaceChildren(...st.snapshots.map((s) => el('tr', {'data-name': s.name},
      el('td', {class: 'name mono'}, s.name),
      el('td', {class: 'time', title: s.created_at}, whenSaved(s.created_at)),
      el('td', {class: 'size'}, byteSize(s.bytes)),
      el('td', {}, el('div', {class: 'buttons'},
        el('button', {type: 'button', class: 'restore', onclick: () => restoreSnapshot(s)}, 'Restore…'),
        el('button', {type: 'button', class: 'danger', onclick: () => deleteSnapshot(s.name)}, 'Delete…'))))));
    $('snapshots-empty').hidden = st.snapshots.length > 0;
  }

  async function saveSnapshot(ev) {
    ev.preventDefault();
    const name = $('snapshot-name').value.trim();
    const old = st.snapshots.find((s) => s.name === name);
    if (old && !(await confirmAction(`Replace snapshot ${name}, saved ${whenSaved(old.created_at)}, with the data as it is now?`))) return;
    try {
      const s = await api('POST', '/snapshots', {name});
      say(`Snapshot ${s.name} saved (${byteSize(s.bytes)}).`);
      $('snapshot-name').value = '';
    } catch (e) { fail(e); }
    await loadSnapshots().catch(fail);
  }

  async function restoreSnapshot(s) {
    if (!(await confirmAction(`Restore snapshot ${s.name}? Every vendor's data goes back to how it was at ${whenSaved(s.created_at)}: ` +
      'what was written since is lost. The clocks, the faults and the journal stay as they are.'))) return;
    try {
      await api('POST', `/snapshots/${encodeURIComponent(s.name)}/restore`);
      say(`Snapshot ${s.name} restored.`);
      // Tenants may have come or gone with the data.
      st.tenants.clear();
      if (!$('tab-data').hidden) await loadData();
      if (st.clockScope) await loadClock();
    } catch (e) { fail(e); }
    await loadSnapshots().catch(fail);
  }

  async function deleteSnapshot(name) {
    if (!(await confirmAction(`Delete snapshot ${name}? It cannot be restored afterwards.`))) return;
    try {
      await api('DELETE', '/snapshots/' + encodeURIComponent(name));
      say(`Snapshot ${name} deleted.`);
    } catch (e) { fail(e); }
    await loadSnapshots().catch(fail);
  }

  async function loadSeed(ev) {
    ev.preventDefault();
    const body = $('seed-body').value.trim();
    if (!body) { say('Paste a seed document or choose a file first.', true); return; }
    try {
      const r = await api('POST', '/seed', body);
      say('Seed loaded: ' + ((r.vendors || []).join(', ') || 'nothing'));
      st.tenants.clear();
    } catch (e) { fail(e); }
  }

  // ---- wiring ----

  function debounce(fn, ms) {
    let t;
    return () => { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function wire() {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', showTab);

    const refilter = () => { closeExchange(); reloadJournal().catch(fail); };
    for (const id of ['f-vendor', 'f-method', 'f-status']) $(id).addEventListener('change', refilter);
    const typed = debounce(refilter, 250);
    for (const id of ['f-tenant', 'f-path']) $(id).addEventListener('input', typed);
    $('filters').addEventListener('submit', (ev) => { ev.preventDefault(); refilter(); });
    $('f-live').addEventListener('change', () => { st.live = $('f-live').checked; });
    $('older').addEventListener('click', () => loadOlder().catch(fail));
    $('clear-journal').addEventListener('click', async () => {
      if (!(await confirmAction('Empty the request journal? Tests that read it see nothing older.'))) return;
      try { await api('DELETE', '/requests'); closeExchange(); await reloadJournal(); say('Journal emptied.'); } catch (e) { fail(e); }
    });

    $('d-vendor').addEventListener('change', () => { st.kind = null; loadData().catch(fail); });
    $('d-tenant').addEventListener('change', () => loadTenant().catch(fail));
    $('d-refresh').addEventListener('click', () => loadData().catch(fail));
    $('d-reset').addEventListener('click', () => {
      const v = $('d-vendor').value, t = $('d-tenant').value;
      if (!t) return;
      resetWith(`?vendor=${encodeURIComponent(v)}&tenant=${encodeURIComponent(t)}`,
        `Reset ${v} tenant ${t}? Its data is wiped and its defaults re-applied; its credentials stay.`);
    });

    $('clock-set').addEventListener('submit', (ev) => { ev.preventDefault(); clockPost({now: $('clock-set-value').value.trim()}, 'set'); });
    $('clock-advance').addEventListener('submit', (ev) => { ev.preventDefault(); clockPost({advance: $('clock-advance-value').value.trim()}, 'advanced'); });
    $('clock-real').addEventListener('click', () => clockPost({real: true}, 'back to real time'));
    $('clock-vendor').addEventListener('change', () => chooseClock());
    $('clock-tenant').addEventListener('change', () => chooseClock());
    $('clock-tenant').addEventListener('focus', async () => {
      const v = $('clock-vendor').value;
      if (!v) return;
      const keys = st.tenants.get(v) || await loadTenants(v).catch(() => []);
      $('clock-tenants').replaceChildren(...keys.map((k) => el('option', {value: k})));
    });

    $('fault-form').addEventListener('submit', addFault);
    $('fault-kind').addEventListener('change', faultKindChosen);
    faultKindChosen(); // a reload may keep the choice
    const faultTenants = async () => {
      const v = $('fault-vendor').value;
      const keys = !v ? [] : st.tenants.get(v) || await loadTenants(v).catch(() => []);
      $('fault-tenants').replaceChildren(...keys.map((k) => el('option', {value: k})));
    };
    $('fault-vendor').addEventListener('change', faultTenants);
    $('fault-tenant').addEventListener('focus', faultTenants);
    $('snapshot-form').addEventListener('submit', saveSnapshot);
    $('faults-clear').addEventListener('click', async () => {
      if (!(await confirmAction('Delete every fault?'))) return;
      try { await api('DELETE', '/faults'); say('Faults deleted.'); } catch (e) { fail(e); }
      await loadFaults().catch(fail);
    });

    $('tenant-form').addEventListener('submit', createTenant);

    $('reset-all').addEventListener('click', () => resetWith('',
      'Reset everything? Every vendor goes back to its defaults (created tenants are removed), and the journal and the faults are emptied.'));
    $('reset-vendor-btn').addEventListener('click', () => {
      const v = $('reset-vendor').value;
      resetWith('?vendor=' + encodeURIComponent(v), `Reset ${v}? Its data goes back to its defaults; tenants created since are removed.`);
    });
    const fillTenants = async () => {
      const v = $('reset-vendor').value;
      const keys = st.tenants.get(v) || await loadTenants(v).catch(() => []);
      $('reset-tenants').replaceChildren(...keys.map((k) => el('option', {value: k})));
    };
    $('reset-vendor').addEventListener('change', fillTenants);
    $('reset-tenant').addEventListener('focus', fillTenants);
    $('reset-tenant-btn').addEventListener('click', () => {
      const v = $('reset-vendor').value, t = $('reset-tenant').value.trim();
      if (!t) { say('Name the tenant to reset.', true); return; }
      resetWith(`?vendor=${encodeURIComponent(v)}&tenant=${encodeURIComponent(t)}`,
        `Reset ${v} tenant ${t}? Its data is wiped and its defaults re-applied; its credentials stay.`);
    });

    $('seed-form').addEventListener('submit', loadSeed);
    $('seed-file').addEventListener('change', async () => {
      const f = $('seed-file').files[0];
      if (f) $('seed-body').value = await f.text();
    });

    // The clock ticks on screen; the server is asked again now and then,
    // and the fault counters and snapshots while the controls are open.
    setInterval(renderClock, 1000);
    setInterval(() => { if (st.started && !st.loginShown && !document.hidden) loadClock().catch(() => {}); }, 5000);
    setInterval(() => {
      if (st.started && !st.loginShown && !document.hidden && !$('tab-controls').hidden) {
        loadFaults().catch(() => {});
        loadSnapshots().catch(() => {});
      }
    }, 2000);
  }

  wire();
  start().catch(fail);
})();
