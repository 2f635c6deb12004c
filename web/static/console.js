// Sportello — operator console. Plain JS, no build step. Everything a
// citizen typed is put in the page as text (textContent), never as HTML.
(function () {
  'use strict';
  var root = document.getElementById('console');
  if (!root) return;
  var CSRF = root.dataset.csrf, ME = root.dataset.me;
  var REASONS = {
    low_confidence: 'risposta incerta', no_match: 'nessuna scheda adatta', asked_person: 'ha chiesto un operatore',
    negative_feedback: 'risposte non utili', closed: 'ufficio chiuso', nobody_online: 'nessun operatore collegato',
    queue_timeout: 'attesa troppo lunga'
  };
  var STATUS = { online: 'in linea', pause: 'in pausa', offline: 'non disponibile' };
  var $ = function (id) { return document.getElementById(id); };
  var ws = null, wsTry = 0, desk = { queue: [], operators: [] }, chats = {}, active = null, lastTyping = 0;

  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function button(cls, text) { var b = h('button', cls, text); b.type = 'button'; return b; }
  function ago(since) {
    var s = Math.max(0, Math.round((Date.now() - new Date(since).getTime()) / 1000));
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    return m < 60 ? m + ' min' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  function hhmm(t) {
    var d = new Date(t);
    return isNaN(d) ? '' : d.toLocaleTimeString('it-IT', { hour: '2-digit', minute: '2-digit' });
  }
  function say(text) { $('conn').textContent = text; }

  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': CSRF },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.status === 401) { location.href = '/operatore/login'; }
        if (!r.ok) { var e = new Error(j.message || 'Errore ' + r.status); e.status = r.status; throw e; }
        return j;
      });
    });
  }

  // ---------- live connection ----------
  function connect() {
    var s = new WebSocket(location.origin.replace(/^http/, 'ws') + '/operatore/ws');
    ws = s;
    s.onopen = function () { wsTry = 0; say('Collegato.'); };
    s.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (f.type === 'snapshot') onSnapshot(f);
      else if (f.type === 'chat') openChat(f.chat);
      else if (f.type === 'message') addMessage(f.conversation, f.message);
      else if (f.type === 'released') released(f.conversation);
      else if (f.type === 'event' && f.event && f.event.kind === 'typing') citizenTyping(f.conversation);
    };
    s.onclose = function () {
      if (ws !== s) return;
      ws = null;
      say('Connessione persa: nuovo tentativo in corso…');
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, wsTry++)));
    };
  }
  setInterval(function () {
    if (ws && ws.readyState === 1) ws.send('{"type":"heartbeat"}');
  }, 20000);

  function onSnapshot(f) {
    desk = f.desk || desk;
    $('presence').value = f.status || 'online';
    // Chats taken from us while the connection was down are gone.
    if (Array.isArray(f.held)) {
      Object.keys(chats).forEach(function (id) { if (f.held.indexOf(id) < 0) released(id); });
    }
    renderQueue();
    renderOperators();
    title();
  }

  // The tab's title says how many chats wait and how many messages are
  // unread, so an operator working in another tab sees them.
  var baseTitle = document.title;
  function title() {
    var waiting = (desk.queue || []).length;
    var unread = document.querySelectorAll('.tab.unread').length;
    var parts = [];
    if (waiting) parts.push(waiting + ' in coda');
    if (unread) parts.push(unread + ' da leggere');
    document.title = (parts.length ? '(' + parts.join(', ') + ') ' : '') + baseTitle;
  }

  // ---------- queue ----------
  function renderQueue() {
    var list = $('queue'), q = desk.queue || [], open = {};
    // A conversation being read stays open when the queue is redrawn.
    list.querySelectorAll('.item').forEach(function (li) {
      if (li.querySelector('.peek:not([hidden])')) open[li.dataset.conversation] = true;
    });
    list.textContent = '';
    $('queue-count').textContent = q.length;
    $('queue-empty').hidden = q.length > 0;
    q.forEach(function (w, i) {
      var e = w.escalation || {}, li = h('li', 'item');
      li.dataset.conversation = w.conversation;
      var head = h('p', 'item-head');
      var since = new Date(Date.now() - (w.wait_s || 0) * 1000).toISOString();
      head.append(h('strong', null, (i + 1) + '. in attesa da '), h('span', 'wait', ago(since)));
      head.lastChild.dataset.since = since;
      var reason = h('p', 'reason', REASONS[e.reason] || e.reason || '');
      if (w.ticket_offered) reason.append(h('span', 'tag', 'richiesta scritta proposta'));
      li.append(head, reason);
      if (e.question || w.last) li.append(labelled('Domanda', w.last || e.question));
      if (e.card) li.append(labelled('Assistente', e.card + (e.confidence ? ' (fiducia ' + Math.round(e.confidence * 100) + '%)' : '')));
      if (e.answer) li.append(labelled('Ha risposto', e.answer.length > 160 ? e.answer.slice(0, 160) + '…' : e.answer));
      if (w.note) li.append(h('p', 'note', w.note));
      var read = button('btn-small btn-ghost', 'Leggi');
      read.setAttribute('aria-expanded', 'false');
      read.setAttribute('aria-label', 'Leggi la conversazione ' + (i + 1) + ' prima di prenderla');
      var preview = h('ol', 'log peek');
      preview.hidden = true;
      preview.tabIndex = 0;
      preview.setAttribute('aria-label', 'Conversazione in attesa ' + (i + 1));
      read.addEventListener('click', function () {
        if (!preview.hidden) { preview.hidden = true; read.setAttribute('aria-expanded', 'false'); return; }
        api('GET', '/operatore/api/chats/' + encodeURIComponent(w.conversation)).then(function (v) {
          preview.textContent = '';
          (v.messages || []).forEach(function (m) {
            if (m.internal) return;
            var li = h('li', 'msg msg-' + m.role);
            li.append(h('p', 'meta', (ROLE[m.role] || m.role) + ' ' + hhmm(m.created_at)), h('p', 'text', m.text || ''));
            preview.append(li);
          });
          preview.hidden = false;
          read.setAttribute('aria-expanded', 'true');
        }).catch(function (err) { say(err.message); });
      });
      var take = button('btn', 'Prendi');
      take.setAttribute('aria-label', 'Prendi la conversazione ' + (i + 1));
      take.addEventListener('click', function () {
        take.disabled = true;
        api('POST', '/operatore/api/chats/' + encodeURIComponent(w.conversation) + '/pickup').catch(function (err) {
          take.disabled = false;
          say(err.message);
        });
      });
      var acts = h('p', 'item-actions');
      acts.append(read, take);
      li.append(acts, preview);
      if (open[w.conversation]) read.click();
      list.append(li);
    });
  }
  function labelled(label, text) {
    var p = h('p', 'field');
    p.append(h('span', 'label', label + ': '), h('span', null, text));
    return p;
  }
  setInterval(function () {
    document.querySelectorAll('.wait[data-since]').forEach(function (e) { e.textContent = ago(e.dataset.since); });
  }, 5000);

  function renderOperators() {
    var ul = $('operators');
    ul.textContent = '';
    (desk.operators || []).forEach(function (o) {
      var li = h('li', 'op op-' + o.status);
      li.append(h('span', null, o.display + (o.name === ME ? ' (tu)' : '')), h('span', 'op-status', STATUS[o.status] + ' · ' + o.chats + '/' + desk.max_chats));
      ul.append(li);
    });
    Object.keys(chats).forEach(function (id) { fillTransfer(chats[id]); });
  }

  $('presence').addEventListener('change', function () {
    api('POST', '/operatore/api/status', { status: this.value }).catch(function (e) { say(e.message); });
  });

  // ---------- chats ----------
  function openChat(v) {
    var c = chats[v.id];
    if (!c) {
      c = chats[v.id] = { id: v.id, seqs: {}, tab: null, pane: null };
      buildChat(c, v);
    }
    summary(c, v);
    (v.messages || []).forEach(function (m) { addMessage(v.id, m); });
    $('no-chat').hidden = true;
    if (!active) select(v.id);
    loadAssist(c);
  }

  function buildChat(c, v) {
    var n = Object.keys(chats).length;
    c.tab = button('tab', 'Chat ' + n);
    c.tab.setAttribute('role', 'tab');
    c.tab.id = 'tab-' + c.id;
    c.tab.addEventListener('click', function () { select(c.id); });
    $('tabs').append(c.tab);

    var pane = c.pane = h('div', 'pane');
    pane.setAttribute('role', 'tabpanel');
    pane.setAttribute('aria-labelledby', c.tab.id);
    pane.hidden = true;
    c.sum = h('div', 'summary');
    c.log = h('ol', 'log');
    c.log.setAttribute('aria-live', 'polite');
    c.log.setAttribute('aria-label', 'Messaggi');
    c.log.tabIndex = 0;
    c.typing = h('p', 'typing', 'Il cittadino sta scrivendo…');
    c.typing.hidden = true;

    var form = h('form', 'reply');
    var tid = 'reply-' + c.id;
    var lab = h('label', null, 'Risposta');
    lab.htmlFor = tid;
    c.input = h('textarea');
    c.input.id = tid;
    c.input.rows = 4;
    c.input.maxLength = 2000;
    c.input.addEventListener('input', function () {
      var now = Date.now();
      if (ws && ws.readyState === 1 && now - lastTyping > 3000) {
        lastTyping = now;
        ws.send(JSON.stringify({ type: 'typing', conversation: c.id }));
      }
    });
    c.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(c); }
    });
    var noteLab = h('label', 'inline');
    c.internal = h('input');
    c.internal.type = 'checkbox';
    noteLab.append(c.internal, document.createTextNode(' Nota interna (il cittadino non la vede)'));
    var sendBtn = h('button', 'btn', 'Invia');
    sendBtn.type = 'submit';
    c.err = h('p', 'alert');
    c.err.hidden = true;
    c.err.setAttribute('role', 'alert');
    form.append(lab, c.input, noteLab, sendBtn, c.err);
    form.addEventListener('submit', function (e) { e.preventDefault(); send(c); });

    var tools = h('div', 'tools');
    // transfer
    var tr = h('form', 'tool');
    var tsel = c.transfer = h('select');
    tsel.id = 'transfer-' + c.id;
    var tl = h('label', null, 'Trasferisci a');
    tl.htmlFor = tsel.id;
    var tnote = h('input');
    tnote.id = 'tnote-' + c.id;
    tnote.placeholder = 'nota per il collega';
    tnote.maxLength = 500;
    var tnl = h('label', 'visually-hidden', 'Nota per il collega');
    tnl.htmlFor = tnote.id;
    var tb = h('button', 'btn-small', 'Trasferisci');
    tb.type = 'submit';
    tr.append(tl, tsel, tnl, tnote, tb);
    tr.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!tsel.value) return;
      api('POST', '/operatore/api/chats/' + encodeURIComponent(c.id) + '/transfer', { to: tsel.value, note: tnote.value })
        .catch(function (err) { showErr(c, err.message); });
    });
    fillTransfer(c);
    // close
    var cl = h('form', 'tool');
    var osel = h('select');
    osel.id = 'outcome-' + c.id;
    osel.append(document.getElementById('outcomes').content.cloneNode(true));
    var ol = h('label', null, 'Esito');
    ol.htmlFor = osel.id;
    var cb = h('button', 'btn-small', 'Chiudi conversazione');
    cb.type = 'submit';
    cl.append(ol, osel, cb);
    cl.addEventListener('submit', function (e) {
      e.preventDefault();
      api('POST', '/operatore/api/chats/' + encodeURIComponent(c.id) + '/close', { outcome: osel.value })
        .catch(function (err) { showErr(c, err.message); });
    });
    tools.append(tr, cl);

    var assist = h('aside', 'assist');
    assist.setAttribute('aria-label', 'Schede suggerite');
    assist.append(h('h3', null, 'Schede suggerite'));
    c.assist = h('ul', 'suggestions');
    assist.append(c.assist);

    var main = h('div', 'chat-main');
    main.append(c.sum, c.log, c.typing, form, tools);
    pane.append(main, assist);
    $('panes').append(pane);
  }

  function summary(c, v) {
    var e = (v.escalations || [])[Math.max(0, (v.escalations || []).length - 1)] || {};
    var first = (v.escalations || []).filter(function (x) { return x.outcome === 'queued' || x.outcome === 'not_live'; })[0] || e;
    c.sum.textContent = '';
    c.sum.append(labelled('Motivo', REASONS[first.reason] || first.reason || '—'));
    if (first.question) c.sum.append(labelled('Domanda', first.question));
    if (first.card) c.sum.append(labelled('Scheda più vicina', first.card + (first.confidence ? ' (fiducia ' + Math.round(first.confidence * 100) + '%)' : '')));
  }

  function fillTransfer(c) {
    if (!c.transfer) return;
    var sel = c.transfer, keep = sel.value;
    sel.textContent = '';
    sel.append(new Option('— scegli —', ''));
    (desk.operators || []).forEach(function (o) {
      if (o.name !== ME && o.status === 'online') sel.append(new Option(o.display, o.name));
    });
    sel.value = keep;
  }

  function select(id) {
    active = id;
    Object.keys(chats).forEach(function (k) {
      var c = chats[k], on = k === id;
      c.pane.hidden = !on;
      c.tab.setAttribute('aria-selected', on ? 'true' : 'false');
      if (on) c.tab.classList.remove('unread');
    });
    title();
  }

  var ROLE = { citizen: 'Cittadino', assistant: 'Assistente virtuale', operator: '', system: 'Sistema' };
  function addMessage(id, m) {
    var c = chats[id];
    if (!c || !m || c.seqs[m.seq]) return;
    c.seqs[m.seq] = true;
    var li = h('li', 'msg msg-' + m.role + (m.internal ? ' internal' : ''));
    li.dataset.seq = m.seq;
    var who = m.role === 'operator' ? (m.author || 'Operatore') : ROLE[m.role] || m.role;
    if (m.internal) who = 'Nota interna' + (m.author ? ' di ' + m.author : '');
    var meta = h('p', 'meta');
    meta.append(h('span', 'who', who), h('span', 'time', hhmm(m.created_at)));
    li.append(meta, h('p', 'text', m.text || ''));
    if (m.role === 'assistant' && m.reply && m.reply.card) {
      li.append(h('p', 'card', 'Scheda: ' + m.reply.card.title + (m.reply.feedback === false ? ' · giudicata non utile' : m.reply.feedback === true ? ' · giudicata utile' : '')));
    }
    var after = null;
    for (var i = 0; i < c.log.children.length; i++) {
      if (+c.log.children[i].dataset.seq > m.seq) { after = c.log.children[i]; break; }
    }
    c.log.insertBefore(li, after);
    c.log.scrollTop = c.log.scrollHeight;
    if (m.role === 'citizen') {
      c.typing.hidden = true;
      if (active !== id || document.hidden) c.tab.classList.add('unread');
      title();
      loadAssist(c);
    }
  }

  function citizenTyping(id) {
    var c = chats[id];
    if (!c) return;
    c.typing.hidden = false;
    clearTimeout(c.typingTimer);
    c.typingTimer = setTimeout(function () { c.typing.hidden = true; }, 6000);
  }

  function send(c) {
    var text = c.input.value.trim();
    if (!text) return;
    var body = { text: text, internal: c.internal.checked, client_id: 'op-' + Date.now() + '-' + Math.random().toString(36).slice(2, 8) };
    c.input.disabled = true;
    c.err.hidden = true;
    (function attempt(n) {
      api('POST', '/operatore/api/chats/' + encodeURIComponent(c.id) + '/messages', body).then(function (j) {
        c.input.value = '';
        c.internal.checked = false;
        c.input.disabled = false;
        c.input.focus();
        addMessage(c.id, j.message);
      }).catch(function (err) {
        if (!err.status && n < 3) { setTimeout(function () { attempt(n + 1); }, 1000 * (n + 1)); return; }
        c.input.disabled = false;
        showErr(c, err.message);
      });
    })(0);
  }
  function showErr(c, text) { c.err.textContent = text; c.err.hidden = false; }

  function released(id) {
    var c = chats[id];
    if (!c) return;
    delete chats[id];
    c.tab.remove();
    c.pane.remove();
    if (active === id) {
      active = null;
      var rest = Object.keys(chats);
      if (rest.length) select(rest[0]);
    }
    $('no-chat').hidden = Object.keys(chats).length > 0;
    say('Una conversazione non è più tra le tue (chiusa o trasferita).');
  }

  // ---------- assist ----------
  function loadAssist(c) {
    clearTimeout(c.assistTimer);
    c.assistTimer = setTimeout(function () {
      api('GET', '/operatore/api/chats/' + encodeURIComponent(c.id) + '/assist').then(function (j) {
        c.assist.textContent = '';
        (j.suggestions || []).forEach(function (s) {
          var li = h('li', 'suggestion');
          li.append(h('p', 'sg-card', s.card), h('p', 'sg-heading', s.heading || ''));
          var t = s.text || '';
          li.append(h('p', 'sg-text', t.length > 280 ? t.slice(0, 280) + '…' : t));
          var ins = button('btn-small', 'Inserisci nella risposta');
          ins.setAttribute('aria-label', 'Inserisci nella risposta: ' + s.card + (s.heading ? ', ' + s.heading : ''));
          ins.addEventListener('click', function () {
            var add = t + (s.link ? '\n' + s.link : '');
            c.input.value = c.input.value ? c.input.value.replace(/\s*$/, '\n\n') + add : add;
            c.input.focus();
          });
          li.append(ins);
          c.assist.append(li);
        });
        if (!c.assist.children.length) c.assist.append(h('li', 'empty', 'Nessuna scheda adatta.'));
      }).catch(function () { /* suggestions are a help, not essential */ });
    }, 150);
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && active && chats[active]) { chats[active].tab.classList.remove('unread'); title(); }
  });

  connect();
})();
