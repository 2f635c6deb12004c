/*! Sportello: the citizen chat widget. Include with one tag:
 *  <script src="https://HOST/widget.js" defer></script>
 *  Optional attributes: data-title, data-color, data-comune, data-position="left|right".
 *  Everything lives in a Shadow DOM; the only global is window.Sportello {open, close}.
 *  Non-ASCII characters are written as \u escapes: the file is safe under any page encoding. */
(function () {
  'use strict';
  if (window.Sportello) return;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var API = new URL(script ? script.src : '/widget.js', location.href).origin;
  var DS = (script && script.dataset) || {};
  var KEY = 'sportello:conv:' + API;
  var DEF_COLOR = '#0066CC';
  var BUBBLE = '#F2F5F8'; // assistant bubble: the accent must read on it too
  var T = {
    sending: 'invio in corso\u2026',
    offline: 'Sei offline o il servizio non risponde: riprovo\u2026',
    refused: 'Il servizio non \u00e8 ancora attivo su questo sito: il messaggio resta qui e riprovo\u2026',
    typing: 'L\u2019operatore sta scrivendo\u2026',
    thanks: 'Grazie per il riscontro.',
    fbFail: 'Non \u00e8 stato possibile inviare il riscontro: riprova.',
    gone: 'La conversazione precedente non \u00e8 pi\u00f9 disponibile: ne inizia una nuova.',
    err: 'Il messaggio non \u00e8 stato inviato.',
    queued: 'Sei in coda per parlare con un operatore.',
    newTab: ' (si apre in una nuova scheda)'
  };
  var EVENTS = {
    operator_joined: 'Un operatore si \u00e8 unito alla conversazione.',
    operator_left: 'L\u2019operatore ha lasciato la conversazione.'
  };

  var cfg = { title: 'Ti serve un aiuto?', color: DEF_COLOR, comune: '', welcome: '', privacy_url: '', position: 'right' };
  merge(cfg, { title: DS.title, color: DS.color, comune: DS.comune, position: DS.position });

  // State.
  var conv = readConv(); // {id, token, lastSeq}
  var lastSeq = 0; // highest seq rendered
  var seen = new Set(); // rendered seqs
  var pending = new Map(); // client_id -> pending bubble
  var gen = 0; // bumped by "Nuova conversazione": stale work stops
  var queue = Promise.resolve(); // sends go out one at a time, in order
  var creating = null;
  var ws = null, wsTry = 0, wsTimer = 0, polling = false, lastTyping = 0, typingTimer = 0;
  var isOpen = false, unread = 0, loaded = false, built = false;
  var ui = {}, host, root;

  window.Sportello = Object.freeze({
    open: function () { build(); if (built) show(true); },
    close: function () { if (built) show(false); }
  });

  function start() {
    build();
    fetch(API + '/api/v1/widget-config', { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c) return;
        var over = { title: DS.title, color: DS.color, comune: DS.comune, position: DS.position };
        merge(cfg, c);
        merge(cfg, over);
        apply();
      })
      .catch(function () {});
    if (conv) load(true);
    setInterval(function () {
      if (isOpen && conv && !(ws && ws.readyState === 1)) load(false);
    }, 5000);
    addEventListener('storage', function (e) {
      if (e.key !== KEY) return;
      var n = readConv();
      if ((n && n.id) === (conv && conv.id)) return;
      reset();
      conv = n;
      if (conv) load(true);
    });
  }

  function merge(into, from) {
    for (var k in into) if (typeof from[k] === 'string' && from[k].trim()) into[k] = from[k].trim();
  }

  // ---------- storage ----------
  function readConv() {
    try {
      var c = JSON.parse(localStorage.getItem(KEY));
      return c && typeof c.id === 'string' && typeof c.token === 'string' ? c : null;
    } catch (e) { return null; }
  }
  function saveConv() {
    try {
      if (conv) localStorage.setItem(KEY, JSON.stringify({ id: conv.id, token: conv.token, lastSeq: lastSeq }));
      else localStorage.removeItem(KEY);
    } catch (e) { /* storage may be blocked: the chat still works for this page */ }
  }

  // ---------- DOM helpers ----------
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function btn(cls, text) {
    var b = h('button', cls, text);
    b.type = 'button';
    return b;
  }
  function sr(text) { return h('span', 'sp-sr', text); }
  function svg(path) {
    var s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    var p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', path);
    s.appendChild(p);
    return s;
  }

  // ---------- colour: the accent must carry white text (and read on the bubbles) at 4.5:1 ----------
  function lum(rgb) {
    var c = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function rgbOf(hex) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex).trim());
    if (!m) return null;
    var s = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(s.substr(i, 2), 16); });
  }
  function accent(hex) {
    var rgb = rgbOf(hex) || rgbOf(DEF_COLOR);
    var bg = lum(rgbOf(BUBBLE));
    for (var i = 0; i < 40 && (bg + 0.05) / (lum(rgb) + 0.05) < 4.6; i++) {
      rgb = rgb.map(function (v) { return Math.floor(v * 0.92); });
    }
    return '#' + rgb.map(function (v) { return (v < 16 ? '0' : '') + v.toString(16); }).join('');
  }

  // ---------- building the UI ----------
  function build() {
    if (built || !document.body) return;
    built = true;
    host = h('div');
    host.id = 'sportello-widget';
    root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var style = h('style');
    style.textContent = CSS;
    var w = ui.wrap = h('aside', 'sp-w');

    var l = ui.launcher = btn('sp-launcher');
    l.setAttribute('aria-haspopup', 'dialog');
    l.setAttribute('aria-expanded', 'false');
    ui.lText = h('span', 'sp-l-text');
    ui.badge = h('span', 'sp-badge');
    ui.badge.hidden = true;
    l.append(svg('M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z'), ui.lText, ui.badge);
    l.addEventListener('click', function () { show(true); });

    var p = ui.panel = h('div', 'sp-panel');
    p.hidden = true;
    p.setAttribute('role', 'dialog');
    p.setAttribute('aria-modal', 'true');
    p.setAttribute('aria-labelledby', 'sp-title');
    var head = h('div', 'sp-head');
    ui.title = h('h2', 'sp-title');
    ui.title.id = 'sp-title';
    var close = btn('sp-close');
    close.setAttribute('aria-label', 'Chiudi');
    close.append(svg('M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z'));
    close.addEventListener('click', function () { show(false); });
    ui.sub = h('p', 'sp-sub');
    var nw = btn('sp-new', 'Nuova conversazione');
    nw.addEventListener('click', function () {
      reset();
      conv = null;
      saveConv();
      ui.input.focus();
    });
    var r1 = h('div', 'sp-row'), r2 = h('div', 'sp-row');
    r1.append(ui.title, close);
    r2.append(ui.sub, nw);
    head.append(r1, r2);

    var log = ui.log = h('div', 'sp-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-label', 'Conversazione');
    log.tabIndex = 0;

    var form = h('form', 'sp-form');
    form.noValidate = true;
    var lab = h('label', 'sp-label', 'Scrivi la tua domanda');
    lab.htmlFor = 'sp-input';
    var ta = ui.input = h('textarea', 'sp-input');
    ta.id = 'sp-input';
    ta.rows = 1;
    ta.maxLength = 2000;
    ta.setAttribute('autocomplete', 'off');
    var send = btn('sp-send', 'Invia');
    send.type = 'submit';
    form.append(lab, ta, send);
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
    ta.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
    });
    ta.addEventListener('input', function () { grow(); typing(); });

    ui.foot = h('p', 'sp-foot', 'Non scrivere dati personali o sensibili. ');
    ui.privacy = h('a', 'sp-privacy', 'Informativa privacy');
    ui.privacy.target = '_blank';
    ui.privacy.rel = 'noopener';
    ui.privacy.append(sr(T.newTab));
    ui.foot.append(ui.privacy);

    // While waiting for an operator: the place in the queue, updated in
    // place (not a new line per update), and a way out.
    var qb = ui.qbar = h('div', 'sp-qbar');
    qb.hidden = true;
    ui.qText = h('p', 'sp-qtext');
    ui.qText.setAttribute('role', 'status');
    var leave = btn('sp-leave', 'Esci dalla coda');
    leave.addEventListener('click', leaveQueue);
    qb.append(ui.qText, leave);
    ui.form = form;
    p.append(head, log, qb, form, ui.foot);
    p.addEventListener('keydown', trap);
    w.append(l, p);
    root.append(style, w);
    document.body.appendChild(host);
    apply();
    welcome();
  }

  function apply() {
    if (!built) return;
    ui.lText.textContent = cfg.title;
    ui.title.textContent = cfg.title;
    ui.sub.textContent = cfg.comune || 'Assistente virtuale';
    ui.wrap.setAttribute('aria-label', 'Assistente virtuale' + (cfg.comune ? ' del ' + cfg.comune : ''));
    ui.wrap.className = 'sp-w' + (cfg.position === 'left' ? ' sp-left' : '');
    ui.wrap.style.setProperty('--a', accent(cfg.color));
    var pu = safeURL(cfg.privacy_url);
    ui.privacy.hidden = !pu;
    if (pu) ui.privacy.href = pu;
    if (ui.welcomeText) ui.welcomeText.textContent = welcomeText();
  }

  function welcomeText() {
    return cfg.welcome || 'Ciao! Sono l\u2019assistente virtuale del ' + (cfg.comune || 'Comune') +
      '. Scrivi la tua domanda: ti rispondo subito con le informazioni delle schede del Comune.';
  }
  function welcome() {
    var el = ui.welcome = h('div', 'sp-msg sp-assistant sp-welcome');
    el.append(sr('Assistente virtuale: '), ui.welcomeText = h('p', 'sp-bubble sp-text', welcomeText()));
    ui.log.prepend(el);
  }

  function grow() {
    var ta = ui.input;
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight + 2, 140) + 'px';
  }

  // ---------- open, close, focus ----------
  function show(open) {
    if (open === isOpen) { if (open) ui.input.focus(); return; }
    isOpen = open;
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      unread = 0;
      badge();
      ui.input.focus();
      bottom(true);
      if (conv && !(ws && ws.readyState === 1)) load(false);
    } else {
      ui.launcher.focus();
    }
  }

  function focusables() {
    return Array.prototype.filter.call(
      ui.panel.querySelectorAll('button,textarea,a[href],[tabindex="0"]'),
      function (e) { return !e.disabled && !e.hidden && e.getClientRects().length > 0; });
  }
  function trap(e) {
    if (e.key === 'Escape' || e.key === 'Esc') { e.preventDefault(); show(false); return; }
    if (e.key !== 'Tab') return;
    var f = focusables();
    if (!f.length) return;
    var first = f[0], last = f[f.length - 1], cur = root.activeElement;
    if (e.shiftKey && (cur === first || f.indexOf(cur) < 0)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (cur === last || f.indexOf(cur) < 0)) { e.preventDefault(); first.focus(); }
  }

  function badge() {
    ui.badge.hidden = !unread;
    ui.badge.textContent = '';
    if (unread) ui.badge.append(sr(' ('), String(unread), sr(unread === 1 ? ' nuovo messaggio)' : ' nuovi messaggi)'));
  }

  function bottom(force) {
    var log = ui.log;
    if (force || log.scrollHeight - log.scrollTop - log.clientHeight < 120) log.scrollTop = log.scrollHeight;
  }

  // ---------- reset ("Nuova conversazione") ----------
  function reset() {
    gen++;
    closeWS();
    creating = null;
    queue = Promise.resolve();
    seen.clear();
    pending.clear();
    lastSeq = 0;
    loaded = false;
    unread = 0;
    badge();
    ui.log.textContent = '';
    ui.typing = null;
    queueBar(false);
    if (ui.sheet) { ui.sheet.remove(); ui.sheet = null; ui.log.hidden = ui.form.hidden = ui.foot.hidden = false; }
    welcome();
  }

  // The server no longer knows the conversation (expired, deleted): forget
  // it and its messages, keep what is still being sent, which goes into a
  // new conversation.
  function renew(say) {
    var keep = Array.from(pending.values());
    closeWS();
    conv = null;
    lastSeq = 0;
    seen.clear();
    saveConv();
    ui.log.textContent = '';
    hideTyping();
    welcome();
    if (say) notice(T.gone);
    keep.forEach(function (el) { ui.log.appendChild(el); });
  }

  // ---------- HTTP ----------
  function Fail(status, data, retry, refused) {
    this.status = status;
    this.refused = !!refused;
    this.message = (data && typeof data.message === 'string' && data.message) || '';
    this.retry = retry;
    this.fields = (data && typeof data.fields === 'object' && data.fields) || null;
  }
  function api(method, path, body, c) {
    var headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (c) headers.Authorization = 'Bearer ' + c.token;
    return fetch(API + path, {
      method: method, headers: headers, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (d) {
        if (!r.ok) throw new Fail(r.status, d, parseInt(r.headers.get('Retry-After'), 10));
        return d || {};
      });
    }, function () {
      return refusedHere().then(function (refused) { throw new Fail(0, null, NaN, refused); });
    });
  }
  // A request the browser blocked because this site is not among the
  // comune's portals looks like a network failure. One that needs no
  // permission tells them apart: if it reaches the server, the server is
  // up and it is this site that is refused.
  function refusedHere() {
    if (API === location.origin) return Promise.resolve(false);
    return fetch(API + '/healthz', { mode: 'no-cors', cache: 'no-store', credentials: 'omit' })
      .then(function () { return true; }, function () { return false; });
  }
  function convPath(c) { return '/api/v1/conversations/' + encodeURIComponent(c.id); }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var s = Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
    return s.slice(0, 8) + '-' + s.slice(8, 12) + '-' + s.slice(12, 16) + '-' + s.slice(16, 20) + '-' + s.slice(20);
  }

  function ensureConv() {
    if (conv) return Promise.resolve(conv);
    if (!creating) {
      var g = gen;
      creating = api('POST', '/api/v1/conversations').then(function (d) {
        if (g !== gen) throw new Fail(-1);
        conv = { id: d.id, token: d.token };
        creating = null;
        loaded = true;
        saveConv();
        connectWS();
        return conv;
      }, function (e) { creating = null; throw e; });
    }
    return creating;
  }

  // Loads the messages after the last one rendered: the history on start,
  // and the fallback polling while the WebSocket is down.
  function load(first) {
    if (polling || !conv) return;
    polling = true;
    var c = conv, g = gen;
    api('GET', convPath(c) + '/messages?after=' + lastSeq, undefined, c).then(function (d) {
      if (g !== gen || c !== conv) return;
      (d.messages || []).forEach(function (m) { addMsg(m, !first); });
      if (d.state === 'queued') queueBar(true);
      else if (d.state) queueBar(false);
    }, function (e) {
      if (g !== gen || c !== conv) return;
      if (e.status === 401 || e.status === 404) renew(!first); // the conversation is gone
    }).then(function () {
      polling = false;
      if (g !== gen || c !== conv) return;
      loaded = true;
      if (first) { bottom(true); connectWS(); }
    });
  }

  // ---------- sending ----------
  function submit() {
    var text = ui.input.value.trim();
    if (!text) { ui.input.focus(); return; }
    ui.input.value = '';
    grow();
    send(text);
    ui.input.focus();
  }

  function send(text, cardId) {
    var t = { text: text, cardId: cardId, cid: uuid(), gen: gen };
    var el = t.el = h('div', 'sp-msg sp-citizen sp-pending');
    el.dataset.clientId = t.cid;
    el.append(sr('Tu: '), h('p', 'sp-bubble sp-text', text), t.status = h('p', 'sp-meta', T.sending));
    pending.set(t.cid, el);
    place(el, Infinity);
    bottom(true);
    queue = queue.then(function () { return deliver(t); });
  }

  function status(t, text, error) {
    if (!t.el.dataset.clientId) return; // already stored (the WebSocket was faster)
    t.status.textContent = text;
    t.el.classList.toggle('sp-failed', !!error);
  }

  function deliver(t) {
    var delay = 1000, renewed = false;
    function attempt() {
      if (t.gen !== gen) return;
      var had = !!conv;
      return ensureConv().then(function (c) {
        var body = { text: t.text, client_id: t.cid };
        if (t.cardId) body.card_id = t.cardId;
        return api('POST', convPath(c) + '/messages', body, c);
      }).then(function (d) {
        if (t.gen !== gen) return;
        addMsg(d.message, false);
        if (d.reply) addMsg(d.reply, false);
        if (t.el.dataset.clientId) { // stored under another id: drop the stale bubble
          pending.delete(t.cid);
          t.el.remove();
        }
      }, function (e) {
        if (t.gen !== gen || e.status === -1) return;
        var s = e.status;
        if (s === 429) {
          var wait = e.retry > 0 ? e.retry : 10;
          status(t, 'Hai inviato troppi messaggi: attendi ' + wait + (wait === 1 ? ' secondo' : ' secondi'));
          return sleep(wait * 1000).then(attempt);
        }
        if (!s || s >= 500) {
          status(t, e.refused ? T.refused : T.offline);
          var d = delay;
          delay = Math.min(delay * 2, 30000);
          return sleep(d).then(attempt);
        }
        if ((s === 401 || s === 404) && had && !renewed) { // the stored conversation is gone
          renewed = true;
          if (conv) renew(true);
          return attempt();
        }
        status(t, e.message || T.err, true);
        pending.delete(t.cid);
        delete t.el.dataset.clientId;
        t.el.classList.remove('sp-pending');
      });
    }
    return Promise.resolve(attempt()).catch(function (e) { console.error('Sportello:', e); });
  }

  // ---------- rendering stored messages ----------
  function addMsg(m, live) {
    if (!m || !(m.seq > 0) || seen.has(m.seq)) return;
    seen.add(m.seq);
    var log = ui.log, near = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
    var el = m.client_id && pending.get(m.client_id);
    if (el) {
      pending.delete(m.client_id);
      delete el.dataset.clientId;
      el.classList.remove('sp-pending', 'sp-failed');
      el.querySelector('.sp-text').textContent = m.text;
      var meta = el.querySelector('.sp-meta');
      if (meta) meta.remove();
    } else {
      el = render(m);
    }
    el.dataset.seq = m.seq;
    place(el, m.seq);
    if (m.seq > lastSeq) { lastSeq = m.seq; saveConv(); }
    if (m.role === 'operator') hideTyping();
    if (live && !isOpen && m.role !== 'citizen' && loaded) { unread++; badge(); }
    // A long answer is shown from its start, anything else scrolls to the end.
    if (near || m.role === 'citizen') {
      log.scrollTop = el.offsetHeight > log.clientHeight - 40 ? el.offsetTop - 12 : log.scrollHeight;
    }
  }

  // Puts a message in seq order; pending bubbles stay last.
  function place(el, seq) {
    var ref = null, kids = ui.log.children;
    for (var i = 0; seq < Infinity && i < kids.length; i++) {
      var c = kids[i], s = +c.dataset.seq;
      if (c !== el && (s > seq || (!s && c.dataset.clientId))) { ref = c; break; }
    }
    if (el.parentNode !== ui.log || el.nextSibling !== ref) ui.log.insertBefore(el, ref);
    if (ui.typing && ui.typing.parentNode) ui.log.appendChild(ui.typing);
  }

  function render(m) {
    var role = /^(citizen|assistant|operator|system)$/.test(m.role) ? m.role : 'system';
    var el = h('div', 'sp-msg sp-' + role);
    var text = typeof m.text === 'string' ? m.text : '';
    if (role === 'system') {
      el.textContent = text;
      if (m.offer === 'ticket') {
        var ob = btn('sp-offer', 'Lascia una richiesta scritta');
        ob.addEventListener('click', openTicket);
        el.append(h('br'), ob);
      } else if (m.offer === 'transcript') {
        var tb = btn('sp-offer', 'Ricevi la conversazione via email');
        tb.addEventListener('click', function () { tb.replaceWith(transcriptForm()); });
        el.append(h('br'), tb);
      }
    }
    else if (role === 'assistant') reply(el, m, text);
    else {
      el.append(role === 'operator' ? h('p', 'sp-who', typeof m.author === 'string' && m.author ? m.author : 'Operatore') : sr('Tu: '), h('p', 'sp-bubble sp-text', text));
    }
    return el;
  }

  function reply(el, m, text) {
    var r = m.reply || {}, d = r.decision, card = r.card, sec = r.section;
    var b = h('div', 'sp-bubble');
    el.append(sr('Assistente virtuale: '), b);
    if (d === 'answer' && card) {
      b.append(h('h3', 'sp-card-title', card.title || ''));
      if (sec && sec.html) {
        if (sec.heading) b.append(h('h4', 'sp-sec-title', sec.heading));
        var body = h('div', 'sp-html');
        body.append(clean(sec.html));
        b.append(body);
      } else {
        b.append(h('p', 'sp-text', text || r.summary || ''));
      }
      var href = safeURL(card.link);
      if (href) {
        var a = h('a', 'sp-more', 'Leggi la scheda completa');
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener';
        a.append(sr(': ' + (card.title || '') + T.newTab));
        var pa = h('p', 'sp-p');
        pa.append(a);
        b.append(pa);
      }
      b.append(feedback(m.seq, r.feedback));
    } else {
      b.append(h('p', 'sp-text', text || r.text || ''));
      if (d === 'clarify' && Array.isArray(r.options) && r.options.length) {
        var list = h('div', 'sp-options');
        r.options.forEach(function (o) {
          var ob = btn('sp-option', o.title || '');
          ob.addEventListener('click', function () {
            list.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
            send(o.title, o.id);
          });
          list.append(ob);
        });
        b.append(list);
      }
    }
    if (d === 'answer' || d === 'clarify') {
      var hu = btn('sp-human', 'Parla con un operatore');
      hu.addEventListener('click', askPerson);
      el.append(hu);
    }
  }

  function feedback(seq, given) {
    var box = h('div', 'sp-fb');
    var yes = btn('sp-fb-yes', 'S\u00ec'), no = btn('sp-fb-no', 'No');
    var msg = h('p', 'sp-fb-thanks');
    function done(v) {
      yes.disabled = no.disabled = true;
      (v ? yes : no).setAttribute('aria-pressed', 'true');
      msg.textContent = T.thanks;
    }
    function vote(v) {
      done(v);
      var c = conv, g = gen;
      if (!c) return;
      api('POST', convPath(c) + '/feedback', { seq: seq, useful: v }, c).catch(function (e) {
        if (g !== gen) return;
        yes.disabled = no.disabled = false;
        yes.removeAttribute('aria-pressed');
        no.removeAttribute('aria-pressed');
        msg.textContent = e.status && e.status < 500 && e.message ? e.message : T.fbFail;
      });
    }
    yes.addEventListener('click', function () { vote(true); });
    no.addEventListener('click', function () { vote(false); });
    var pair = h('span', 'sp-fb-btns');
    pair.append(yes, no);
    box.append(h('p', 'sp-fb-q', '\u00c8 stata utile?'), pair, msg);
    if (given === true || given === false) done(given);
    return box;
  }

  function notice(text, cls) {
    var n = h('p', 'sp-notice' + (cls ? ' ' + cls : ''), text);
    ui.log.appendChild(n);
    if (ui.typing && ui.typing !== n && ui.typing.parentNode) ui.log.appendChild(ui.typing);
    bottom();
    return n;
  }
  function hideTyping() {
    clearTimeout(typingTimer);
    if (ui.typing) ui.typing.remove();
    ui.typing = null;
  }

  function safeURL(u) {
    if (typeof u !== 'string' || !u.trim()) return '';
    try {
      var x = new URL(u.trim(), location.href);
      return /^(https?|mailto|tel):$/.test(x.protocol) ? x.href : '';
    } catch (e) { return ''; }
  }

  // The section HTML is sanitised by the server; this second pass keeps a
  // plain set of tags and attributes whatever happens upstream.
  var OK_TAGS = /^(p|br|strong|b|em|i|u|s|del|ul|ol|li|a|table|thead|tbody|tfoot|tr|th|td|caption|code|pre|blockquote|hr|span|div|sup|sub|small|dl|dt|dd|abbr|h[1-6])$/;
  var DROP_TAGS = /^(script|style|template|iframe|frame|frameset|object|embed|noscript|svg|math|link|meta|base|form|input|button|select|textarea|img|video|audio|source|track|picture|canvas|title)$/;
  function clean(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    var all = t.content.querySelectorAll('*');
    for (var i = 0; i < all.length; i++) {
      var e = all[i], tag = e.localName;
      if (DROP_TAGS.test(tag)) { e.remove(); continue; }
      if (!OK_TAGS.test(tag)) { e.replaceWith.apply(e, Array.prototype.slice.call(e.childNodes)); continue; }
      for (var j = e.attributes.length - 1; j >= 0; j--) {
        var n = e.attributes[j].name;
        if (!/^(href|title|colspan|rowspan|scope|start|lang|abbr)$/.test(n)) e.removeAttribute(n);
      }
      if (tag === 'a') {
        var href = safeURL(e.getAttribute('href'));
        if (!href) e.removeAttribute('href');
        else {
          e.href = href;
          if (/^https?:/.test(href)) { e.target = '_blank'; e.rel = 'noopener noreferrer'; e.append(sr(T.newTab)); }
        }
      }
      if (/^h[1-6]$/.test(tag)) { // headings inside the answer sit below the card title
        var hh = h('h4', 'sp-sec-title');
        hh.append.apply(hh, Array.prototype.slice.call(e.childNodes));
        e.replaceWith(hh);
      }
    }
    return t.content;
  }

  // ---------- WebSocket ----------
  function connectWS() {
    if (!conv || ws || !window.WebSocket) return;
    clearTimeout(wsTimer);
    var c = conv, s;
    try {
      s = new WebSocket(API.replace(/^http/, 'ws') + convPath(c) + '/ws?token=' + encodeURIComponent(c.token) + '&after=' + lastSeq);
    } catch (e) { return; }
    ws = s;
    s.onopen = function () { wsTry = 0; };
    s.onmessage = function (e) {
      if (ws !== s || conv !== c) return;
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (!f) return;
      if (f.type === 'message') addMsg(f.message, true);
      else if (f.type === 'event' && f.event) onEvent(f.event);
      else if (f.type === 'error' && f.message) notice(f.message);
    };
    s.onclose = function () {
      if (ws !== s) return;
      ws = null;
      if (conv !== c) return;
      var d = Math.min(30000, 1000 * Math.pow(2, wsTry++));
      wsTimer = setTimeout(connectWS, d);
    };
  }
  function closeWS() {
    clearTimeout(wsTimer);
    wsTry = 0;
    if (ws) { var s = ws; ws = null; try { s.close(1000); } catch (e) { /* closing */ } }
  }

  function onEvent(ev) {
    var kind = ev.kind, text = typeof ev.text === 'string' ? ev.text : '';
    if (kind === 'typing') {
      clearTimeout(typingTimer);
      var who = typeof ev.who === 'string' && ev.who ? ev.who + ' sta scrivendo\u2026' : T.typing;
      if (!ui.typing) ui.typing = notice(text || who, 'sp-typing');
      typingTimer = setTimeout(hideTyping, 6000);
      return;
    }
    if (kind === 'queue_position') {
      if (!text && ev.position > 0) text = 'Sei in coda: posizione ' + ev.position + '.';
      queueBar(true, text);
      return;
    }
    // Joining and leaving are also stored as messages, which say it.
    if (kind === 'operator_joined' || kind === 'operator_left') {
      queueBar(false);
      hideTyping();
      return;
    }
    text = text || EVENTS[kind];
    if (text) notice(text);
  }

  // ---------- the written request (Designers Italia "Richiesta di assistenza") ----------
  function openTicket() {
    var c = conv;
    if (!c) return;
    api('GET', convPath(c) + '/ticket-form', undefined, c).then(function (d) {
      if (c === conv) sheet(d, c);
    }, function (e) { notice(e.message || T.err); });
  }

  function closeSheet() {
    if (ui.sheet) ui.sheet.remove();
    ui.sheet = null;
    ui.log.hidden = ui.form.hidden = ui.foot.hidden = false;
    ui.input.focus();
    bottom(true);
  }

  function sheet(d, c) {
    if (ui.sheet) ui.sheet.remove();
    var s = ui.sheet = h('form', 'sp-sheet'), f = {};
    s.noValidate = true;
    var title = h('h3', 'sp-sheet-title', 'Richiesta di assistenza');
    title.tabIndex = -1;
    var sum = h('p', 'sp-ferr sp-sum');
    sum.setAttribute('role', 'alert');
    s.append(title, h('p', 'sp-p', 'Ti risponderemo via email. La conversazione fin qui resta allegata alla richiesta. I campi con * sono obbligatori.'), sum);
    function field(name, label, tag, type, ac, req) {
      var id = 'sp-f-' + name, wrap = h('div', 'sp-field'), l = h('label', 'sp-flabel', label + (req ? ' *' : ''));
      var inp = h(tag, 'sp-finput');
      if (type) inp.type = type;
      inp.id = l.htmlFor = id;
      inp.name = name;
      if (ac) inp.setAttribute('autocomplete', ac);
      if (req) inp.setAttribute('aria-required', 'true');
      var err = h('p', 'sp-ferr');
      err.id = id + '-err';
      wrap.append(l, inp, err);
      s.append(wrap);
      f[name] = { input: inp, err: err };
      return inp;
    }
    field('first_name', 'Nome', 'input', 'text', 'given-name', true).maxLength = 60;
    field('last_name', 'Cognome', 'input', 'text', 'family-name', true).maxLength = 60;
    field('email', 'Email', 'input', 'email', 'email', true).maxLength = 254;
    field('phone', 'Telefono', 'input', 'tel', 'tel', false).maxLength = 30;
    var sel = field('service', 'Servizio', 'select', '', '', false);
    (Array.isArray(d.services) ? d.services : []).forEach(function (x) { sel.append(new Option(x, x)); });
    sel.value = d.service || '';
    var max = d.max_text || 600, ta = field('text', 'La tua richiesta', 'textarea', '', '', true);
    ta.rows = 4;
    ta.maxLength = max;
    ta.value = typeof d.text === 'string' ? d.text : '';
    var count = h('p', 'sp-count');
    function counted() { count.textContent = ta.value.length + ' caratteri su ' + max; }
    ta.addEventListener('input', counted);
    counted();
    ta.parentNode.insertBefore(count, f.text.err);
    var cw = h('div', 'sp-field sp-check'), cb = h('input');
    cb.type = 'checkbox';
    cb.id = 'sp-f-consent';
    cb.setAttribute('aria-required', 'true');
    var cl = h('label', null, 'Ho letto l\u2019informativa sulla privacy e acconsento al trattamento dei miei dati per ricevere risposta *');
    cl.htmlFor = cb.id;
    var cerr = h('p', 'sp-ferr');
    cerr.id = 'sp-f-consent-err';
    var box = h('div');
    box.append(cl);
    var pu = safeURL(d.privacy_url || cfg.privacy_url);
    if (pu) {
      var pl = h('a', 'sp-privacy', 'Leggi l\u2019informativa privacy');
      pl.href = pu;
      pl.target = '_blank';
      pl.rel = 'noopener';
      pl.append(sr(T.newTab));
      box.append(h('br'), pl);
    }
    box.append(cerr);
    cw.append(cb, box);
    s.append(cw);
    f.consent = { input: cb, err: cerr };
    var send = h('button', 'sp-send', 'Invia la richiesta');
    send.type = 'submit';
    var cancel = btn('sp-leave', 'Annulla');
    cancel.addEventListener('click', closeSheet);
    var acts = h('div', 'sp-actions');
    acts.append(send, cancel);
    s.append(acts);

    function mark(errs) {
      var first = null;
      Object.keys(f).forEach(function (k) {
        var msg = errs[k] || '', x = f[k];
        x.err.textContent = msg;
        if (msg) {
          x.input.setAttribute('aria-invalid', 'true');
          x.input.setAttribute('aria-describedby', x.err.id);
          first = first || x.input;
        } else {
          x.input.removeAttribute('aria-invalid');
          x.input.removeAttribute('aria-describedby');
        }
      });
      return first;
    }
    s.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = function (k) { return f[k].input.value.trim(); }, errs = {};
      if (!v('first_name')) errs.first_name = 'Nome: campo obbligatorio.';
      if (!v('last_name')) errs.last_name = 'Cognome: campo obbligatorio.';
      if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(v('email'))) errs.email = 'Email: scrivi un indirizzo valido, come nome@esempio.it.';
      if (!v('text')) errs.text = 'Testo: scrivi la tua richiesta.';
      if (!cb.checked) errs.consent = 'Privacy: per inviare la richiesta serve il consenso al trattamento dei dati.';
      var first = mark(errs);
      if (first) {
        sum.textContent = 'Controlla i campi segnalati.';
        first.focus();
        return;
      }
      sum.textContent = '';
      send.disabled = true;
      send.textContent = T.sending;
      var body = { first_name: v('first_name'), last_name: v('last_name'), email: v('email'), service: sel.value, text: f.text.input.value, consent: true };
      if (v('phone')) body.phone = v('phone');
      api('POST', convPath(c) + '/ticket', body, c).then(function (r) {
        done(r, body.email);
      }, function (er) {
        send.disabled = false;
        send.textContent = 'Invia la richiesta';
        var fl = er.fields && mark(er.fields);
        sum.textContent = er.message || (er.status ? T.err : T.offline.replace(': riprovo\u2026', '.'));
        if (fl) fl.focus();
      });
    });

    function done(r, email) {
      s.textContent = '';
      var t = h('h3', 'sp-sheet-title', 'Richiesta inviata');
      t.tabIndex = -1;
      var num = h('p', 'sp-p');
      num.append(document.createTextNode('Numero della richiesta: '), h('strong', null, r.number || ''));
      s.append(t, num, h('p', 'sp-p', 'Ti abbiamo inviato una conferma a ' + email + '. ' + (r.when || '')));
      var href = safeURL(r.status_url);
      if (href) {
        var a = h('a', 'sp-more', 'Segui lo stato della richiesta');
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener';
        a.append(sr(T.newTab));
        var pa = h('p', 'sp-p');
        pa.append(a);
        s.append(pa);
      }
      var back = btn('sp-send', 'Torna alla chat');
      back.addEventListener('click', closeSheet);
      s.append(back);
      t.focus();
    }

    ui.log.hidden = ui.form.hidden = ui.foot.hidden = true;
    ui.panel.insertBefore(s, ui.qbar);
    title.focus();
  }

  // A small form under the closing message: the chat sent by email.
  function transcriptForm() {
    var f = h('form', 'sp-tform'), id = 'sp-t-' + uuid().slice(0, 8);
    f.noValidate = true;
    var l = h('label', 'sp-flabel', 'La tua email');
    var inp = h('input', 'sp-finput');
    inp.type = 'email';
    inp.id = l.htmlFor = id;
    inp.setAttribute('autocomplete', 'email');
    var cw = h('div', 'sp-check'), cb = h('input'), cl = h('label', null, 'Acconsento all\u2019uso dell\u2019indirizzo per ricevere la conversazione');
    cb.type = 'checkbox';
    cb.id = cl.htmlFor = id + '-ok';
    cw.append(cb, cl);
    var msg = h('p', 'sp-ferr');
    msg.setAttribute('role', 'status');
    var go = h('button', 'sp-offer', 'Invia');
    go.type = 'submit';
    f.append(l, inp, cw, go, msg);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var c = conv;
      if (!c) return;
      go.disabled = true;
      api('POST', convPath(c) + '/transcript', { email: inp.value.trim(), consent: cb.checked }, c).then(function () {
        f.replaceWith(h('p', 'sp-p', 'Fatto: riceverai la conversazione a ' + inp.value.trim() + '.'));
      }, function (er) {
        go.disabled = false;
        var fl = er.fields || {};
        msg.textContent = fl.email || fl.consent || er.message || T.err;
      });
    });
    setTimeout(function () { inp.focus(); }, 0);
    return f;
  }

  // ---------- the operators' queue ----------
  function queueBar(on, text) {
    if (!ui.qbar) return;
    ui.qbar.hidden = !on;
    if (on) ui.qText.textContent = text || ui.qText.textContent || T.queued;
  }

  // "Parla con un operatore": the server writes the request in the chat
  // and says where it goes (the queue, or a written request).
  function askPerson() {
    var g = gen;
    queue = queue.then(function () {
      return ensureConv().then(function (c) {
        return api('POST', convPath(c) + '/operator', {}, c);
      }).then(function () {
        if (g === gen && !(ws && ws.readyState === 1)) load();
      }, function (e) {
        if (g === gen) notice(e.message || T.err);
      });
    });
  }

  function leaveQueue() {
    var c = conv;
    if (!c) return;
    api('POST', convPath(c) + '/leave', {}, c).then(function () {
      queueBar(false);
      if (!(ws && ws.readyState === 1)) load();
    }, function (e) { notice(e.message || T.err); });
  }

  function typing() {
    var now = Date.now();
    if (ws && ws.readyState === 1 && now - lastTyping > 3000 && ui.input.value.trim()) {
      lastTyping = now;
      try { ws.send('{"type":"typing"}'); } catch (e) { /* the reconnect will follow */ }
    }
  }

  // ---------- styles (inside the shadow root only) ----------
  var CSS = [
    ':host{all:initial}',
    '@media print{:host{display:none!important}}',
    '[hidden]{display:none!important}',
    '.sp-w{--a:#0066CC;--f:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font:16px/1.5 var(--f);color:#1a1a1a}',
    '.sp-w *{box-sizing:border-box}',
    ':where(.sp-w) button{font:inherit;cursor:pointer}',
    '.sp-w svg{width:24px;height:24px;fill:currentColor;flex:none}',
    '.sp-w :focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}',
    '.sp-w .sp-head :focus-visible{outline-color:#fff}',
    '.sp-sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    '.sp-launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:inline-flex;align-items:center;gap:8px;min-height:48px;max-width:calc(100vw - 32px);padding:10px 20px 10px 16px;border:2px solid transparent;border-radius:24px;background:#c0392b;color:#fff;font-weight:700;line-height:1.2;box-shadow:0 4px 14px rgba(0,0,0,.3);animation:sp-pop .25s ease-out}',
    '.sp-launcher:hover{background:#a93226}',
    '.sp-w .sp-launcher:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 2px #fff,0 4px 14px rgba(0,0,0,.3)}',
    '.sp-badge{min-width:24px;padding:0 6px;border-radius:12px;background:#fff;color:#a93226;font-size:14px;text-align:center}',
    '.sp-panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;display:flex;flex-direction:column;width:380px;height:600px;max-width:calc(100vw - 32px);max-height:calc(100vh - 32px);background:#fff;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.35);overflow:hidden;animation:sp-in .2s ease-out}',
    '.sp-left .sp-launcher,.sp-left .sp-panel{right:auto;left:16px}',
    '@media (max-width:480px){.sp-w .sp-panel{inset:0;width:100%;height:100%;max-width:none;max-height:none;border-radius:0}.sp-w .sp-launcher{right:12px;bottom:12px}.sp-left .sp-launcher{left:12px}}',
    '.sp-head{padding:6px 8px 10px 16px;background:var(--a);color:#fff}',
    '.sp-row{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:4px 8px}',
    '.sp-title{flex:1;margin:0;font-size:18px;font-weight:700;line-height:1.3}',
    '.sp-sub{margin:0;font-size:14px}',
    '.sp-close{display:flex;align-items:center;justify-content:center;width:44px;height:44px;padding:0;border:0;border-radius:8px;background:transparent;color:#fff}',
    '.sp-new{padding:6px 10px;border:1px solid #fff;border-radius:6px;background:transparent;color:#fff;font-size:14px;font-weight:600;line-height:1.2}',
    '.sp-close:hover,.sp-new:hover{background:rgba(0,0,0,.2)}',
    '.sp-log{position:relative;flex:1;display:flex;flex-direction:column;gap:12px;padding:16px;overflow-y:auto;overscroll-behavior:contain}',
    '.sp-msg{display:flex;flex-direction:column;align-items:flex-start;max-width:90%;margin:0}',
    '.sp-citizen{align-self:flex-end;align-items:flex-end}',
    '.sp-bubble{margin:0;padding:10px 14px;border:1px solid #d5dce3;border-radius:14px 14px 14px 4px;background:' + BUBBLE + ';overflow-wrap:anywhere;max-width:100%}',
    '.sp-citizen .sp-bubble{border-color:var(--a);border-radius:14px 14px 4px 14px;background:var(--a);color:#fff}',
    '.sp-operator .sp-bubble{border-color:#9fc9a9;background:#eaf6ed}',
    '.sp-text{margin:0;white-space:pre-wrap}',
    '.sp-who{margin:0 0 2px;font-size:14px;font-weight:700;color:#1e6b34}',
    '.sp-meta{margin:4px 0 0;font-size:14px;color:#555}',
    '.sp-failed .sp-meta{color:#b00020;font-weight:600}',
    '.sp-w .sp-failed .sp-bubble{border:2px dashed #b00020;background:#fff;color:#1a1a1a}',
    '.sp-sheet{flex:1;overflow-y:auto;padding:12px 16px;overscroll-behavior:contain}',
    '.sp-sheet-title{margin:0 0 6px;font-size:18px}',
    '.sp-field{margin:0 0 10px}',
    '.sp-flabel{display:block;margin:0 0 2px;font-size:14px;font-weight:700}',
    '.sp-finput{box-sizing:border-box;width:100%;min-height:40px;margin:0;padding:8px 10px;border:1px solid #5c6670;border-radius:6px;background:#fff;color:#1a1a1a;font:16px/1.4 var(--f)}',
    '.sp-finput[aria-invalid=true]{border:2px solid #b00020}',
    '.sp-ferr{margin:2px 0 0;color:#b00020;font-size:14px}.sp-ferr:empty{display:none}',
    '.sp-count{margin:2px 0 0;font-size:13px;color:#555}',
    '.sp-check{display:flex;gap:8px;align-items:flex-start;font-size:14px}.sp-check input{width:20px;height:20px;margin:2px 0 0;flex:none}',
    '.sp-actions{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}',
    '.sp-offer{margin:6px 0 0;padding:6px 12px;border:2px solid var(--a);border-radius:6px;background:#fff;color:var(--a);font:inherit;font-style:normal;font-weight:700;cursor:pointer}',
    '.sp-tform{margin:6px 0 0;font-style:normal;text-align:left}',
    '.sp-qbar{display:flex;align-items:center;gap:8px;padding:8px 12px;background:#FFF4E0;border-top:1px solid #E0C9A6}',
    '.sp-qtext{margin:0;flex:1;font-size:14px}',
    '.sp-leave{font:inherit;font-size:14px;background:#fff;border:1px solid #8A5A00;color:#6B4500;border-radius:4px;padding:4px 10px;cursor:pointer}',
    '.sp-system,.sp-notice{align-self:center;max-width:100%;margin:0;font-size:14px;color:#555;text-align:center;font-style:italic}',
    '.sp-card-title{margin:0 0 4px;font-size:17px;line-height:1.3}',
    '.sp-sec-title{margin:8px 0 4px;font-size:16px}',
    '.sp-html p,.sp-p{margin:0 0 8px}',
    '.sp-html ul,.sp-html ol{margin:0 0 8px;padding-left:22px}',
    '.sp-html table{border-collapse:collapse;font-size:14px;margin:0 0 8px}',
    '.sp-html th,.sp-html td{border:1px solid #d5dce3;padding:4px 6px;text-align:left}',
    '.sp-html pre{white-space:pre-wrap}',
    '.sp-w a{color:var(--a);text-decoration:underline}',
    '.sp-w a:hover{text-decoration-thickness:2px}',
    '.sp-fb{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-top:8px;padding-top:8px;border-top:1px solid #d5dce3}',
    '.sp-fb-q{margin:0;font-weight:600}',
    '.sp-fb-btns{display:flex;gap:8px}',
    '.sp-fb-thanks{flex-basis:100%;margin:0;font-size:14px}',
    '.sp-fb-thanks:empty{display:none}',
    '.sp-option,.sp-fb button{min-height:36px;padding:6px 14px;border:2px solid var(--a);border-radius:18px;background:#fff;color:var(--a);font-weight:600;line-height:1.2;text-align:left}',
    '.sp-option:hover:not(:disabled),.sp-fb button:hover:not(:disabled){background:var(--a);color:#fff}',
    '.sp-w button:disabled{cursor:default;opacity:.6}',
    '.sp-w [aria-pressed=true]{background:var(--a);color:#fff;opacity:1}',
    '.sp-options{display:flex;flex-direction:column;align-items:flex-start;gap:8px;margin-top:10px}',
    '.sp-human{margin:4px 0 0 4px;padding:4px;border:0;background:none;color:var(--a);font-size:14px;text-decoration:underline}',
    '.sp-form{display:flex;flex-wrap:wrap;align-items:flex-end;gap:4px 8px;padding:10px 16px 6px;border-top:1px solid #d5dce3}',
    '.sp-label{flex-basis:100%;font-size:14px;font-weight:600}',
    '.sp-input{flex:1;min-width:0;min-height:44px;max-height:140px;margin:0;padding:10px 12px;border:1px solid #5c6670;border-radius:8px;background:#fff;color:#1a1a1a;font:16px/1.4 var(--f);resize:none}',
    '.sp-send{min-height:44px;padding:0 18px;border:2px solid transparent;border-radius:8px;background:var(--a);color:#fff;font-weight:700}',
    '.sp-send:hover{box-shadow:inset 0 0 0 99px rgba(0,0,0,.18)}',
    '.sp-foot{margin:0;padding:0 16px 10px;font-size:13px;color:#555}',
    '@keyframes sp-in{from{opacity:0;transform:translateY(16px)}}',
    '@keyframes sp-pop{from{opacity:0;transform:scale(.9)}}',
    '@media (prefers-reduced-motion:reduce){.sp-w *{animation:none!important;transition:none!important;scroll-behavior:auto!important}}',
    '@media (forced-colors:active){.sp-bubble,.sp-launcher,.sp-send{border:1px solid CanvasText}}'
  ].join('\n');

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
