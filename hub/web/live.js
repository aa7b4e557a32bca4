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
      if (view && typeof view.now === "string") { jiaohaoHallClock.heard(view.now); }
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
// The hall's time, whatever this device's clock or time zone says. The hub stamps
// every view with its own time in the hall's zone ("now": ISO-8601 with the zone's
// offset); the page keeps how far the hub's clock is from its own and the offset,
// and counts on from there with its own clock.
var jiaohaoHallClock = (function () {
  var skew = null, offsetMs = 0;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // The hall's wall-clock reading as a Date whose UTC fields are the hall's local
  // ones; null before the hub was heard.
  function local() {
    return skew === null ? null : new Date(Date.now() + skew + offsetMs);
  }
  return {
    heard: function (now) {
      var at = Date.parse(now);
      var zone = /(?:([+-])(\d\d):?(\d\d)|Z)$/.exec(now);
      if (isNaN(at) || !zone) { return; }
      skew = at - Date.now();
      offsetMs = zone[1] ? (zone[1] === "-" ? -1 : 1) * (+zone[2] * 60 + +zone[3]) * 60000 : 0;
    },
    // "2026/11/22", or "" before the hub was heard
    date: function () {
      var t = local();
      return t ? t.getUTCFullYear() + "/" + (t.getUTCMonth() + 1) + "/" + t.getUTCDate() : "";
    },
    // "09:05:03", or "" before the hub was heard
    time: function () {
      var t = local();
      return t ? pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes()) + ":" + pad(t.getUTCSeconds()) : "";
    }
  };
})();
