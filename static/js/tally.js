// Keeps every live tally on the page current by polling its small JSON endpoint.
(function () {
  "use strict";
  var POLL_MS = 2500;
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function update(block, data) {
    var count = block.querySelector("[data-tally-count]");
    var bar = block.querySelector("[data-tally-progress]");
    if (count) { count.textContent = format.format(data.count); }
    if (bar) {
      bar.max = data.goal;
      bar.value = Math.min(data.count, data.goal);
      bar.textContent = Math.round(100 * bar.value / data.goal) + "%";
    }
  }

  function poll(block) {
    if (document.hidden) { return; }
    fetch(block.dataset.tallyUrl, { cache: "no-cache", credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { update(block, data); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function start() {
    var blocks = document.querySelectorAll("[data-tally-url]");
    blocks.forEach(function (block) {
      window.setInterval(function () { poll(block); }, POLL_MS);
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { blocks.forEach(poll); }
    });
  }

  start();
}());
