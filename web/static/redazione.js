// Sportello — the scheda editor: live preview rendered by the server,
// and the "prova" box that asks the assistant against the draft.
(function () {
  'use strict';
  var form = document.getElementById('editor');
  if (!form) return;
  var box = document.getElementById('anteprima'), timer = 0, seq = 0;
  function data() { return new FormData(form); }
  function post(path, fd) {
    return fetch(path, { method: 'POST', body: fd, credentials: 'same-origin', headers: { 'X-CSRF-Token': fd.get('csrf') } });
  }
  function refresh() {
    var mine = ++seq;
    post('/redazione/anteprima', data()).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      // The fragment is rendered and sanitised by the server, the same
      // HTML citizens receive.
      if (html !== null && mine === seq) box.innerHTML = html;
    }).catch(function () { /* the next edit retries */ });
  }
  form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  var prova = document.getElementById('prova'), out = document.getElementById('risposta-prova');
  prova.addEventListener('submit', function (e) {
    e.preventDefault();
    var fd = data();
    fd.set('domanda', document.getElementById('domanda').value);
    out.textContent = 'Un momento…';
    post('/redazione/prova', fd).then(function (r) { return r.json(); }).then(function (j) {
      if (j.message) { out.textContent = j.message; return; }
      var conf = Math.round((j.confidence || 0) * 100) + '%';
      if (j.decision === 'answer') {
        out.textContent = (j.this_card ? 'Risponde con questa scheda' : 'Risponde con un\u2019altra scheda: ' + j.card) +
          (j.section ? ', sezione «' + j.section + '»' : '') + ' (fiducia ' + conf + ').';
      } else if (j.decision === 'clarify') {
        out.textContent = 'Chiede al cittadino di scegliere tra più schede (fiducia ' + conf + ').';
      } else {
        out.textContent = 'Passa la domanda a una persona: nessuna scheda abbastanza sicura (fiducia ' + conf + ').';
      }
    }).catch(function () { out.textContent = 'Non è stato possibile provare la domanda.'; });
  });
})();
