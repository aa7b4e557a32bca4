// A socket to the hub that reconnects by itself and says when it is stale; it only
// receives views, except a ticket page's rating of its own ticket.
"use strict";
function jiaohaoLive(query, onView, onLink) {
  var delay = 1000, socket = null, lastView = 0, polling = null;
  function url() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + "/public/ws?" + query;
  }
  function connect() {
    onLink(false);
    try { socket = new WebSocket(url()); } catch (e) { retry(); return; }
    socket.onopen = function () { delay = 1000; onLink(true); };
    socket.onmessage = function (message) {
      var view;
      try { view = JSON.parse(message.data); } catch (e) { return; }
      lastView = Date.now();
      onView(view);
    };
    socket.onclose = function (event) {
      onLink(false);
      if (event.code === 4404) { onView({ type: "error", error: "unknown_ticket" }); return; }
      retry();
    };
  }
  function retry() {
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 8000);
  }
  connect();
  return {
    lastView: function () { return lastView; },
    // A message to the hub on this page's own socket (a rating); false when it is down.
    send: function (message) {
      if (!socket || socket.readyState !== 1) { return false; }
      socket.send(JSON.stringify(message));
      return true;
    }
  };
}
function jiaohaoTime(iso) {
  if (!iso) { return ""; }
  var match = /T(\d\d:\d\d)/.exec(iso);
  return match ? match[1] : "";
}
