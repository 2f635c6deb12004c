// Sportello — the request page: "Inserisci nella risposta" puts a
// suggested section and its link into the reply box.
(function () {
  'use strict';
  var box = document.getElementById('risposta');
  if (!box) return;
  document.querySelectorAll('button[data-insert]').forEach(function (b) {
    b.addEventListener('click', function () {
      var add = b.getAttribute('data-insert');
      box.value = box.value ? box.value.replace(/\s*$/, '\n\n') + add : add;
      box.focus();
    });
  });
})();
