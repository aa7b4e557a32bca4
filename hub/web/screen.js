"use strict";
(function () {
  var params = new URLSearchParams(location.search);
  var zones = params.get("zones") || "";
  var lastCall = "", lastSpecial = "", specialUntil = 0, specialTimer = null, lastView = null;
  function text(id, value) { document.getElementById(id).textContent = value; }
  function row(call) {
    var tr = document.createElement("tr");
    if (!call.standing) { tr.className = "gone"; }
    var number = document.createElement("td");
    number.textContent = call.number + (call.priority ? " ★" : "");
    var window_ = document.createElement("td");
    window_.textContent = call.window_name;
    tr.appendChild(number); tr.appendChild(window_);
    return tr;
  }
  function flash() {
    var box = document.getElementById("latest");
    box.classList.remove("flash"); void box.offsetWidth; box.classList.add("flash");
  }
  // A special call (请大堂经理到3号窗口) takes the panel for its highlight time.
  function showSpecial(special) {
    var box = document.getElementById("latest");
    box.classList.add("special");
    text("latest-label", "特别呼叫 Special call");
    text("latest-number", special.call === "manager" ? "大堂经理" : "请评价");
    text("latest-window", special.call === "manager" ? "请到 " + special.window_name
      : special.window_name + " 请对本次服务进行评价");
    text("latest-window-en", special.call === "manager"
      ? "Hall manager, please come to window " + special.window
      : "Window " + special.window + ": please rate our service");
    text("latest-note", "");
  }
  function showCall(latest) {
    document.getElementById("latest").classList.remove("special");
    text("latest-label", "正在呼叫 Now calling");
    if (latest) {
      text("latest-number", latest.number);
      text("latest-window", "请到 " + latest.window_name + " 办理");
      text("latest-window-en", "Please go to window " + latest.window);
      text("latest-note", (latest.priority ? "★ 优先 Priority  " : "") +
        (latest.recall > 0 ? "重呼 Recall " + latest.recall : ""));
    } else {
      text("latest-number", "—"); text("latest-window", "等候叫号");
      text("latest-window-en", "Waiting for the next call");
      text("latest-note", "");
    }
  }
  function show(v) {
    if (v.type !== "screen") { return; }
    lastView = v;
    text("hall", v.hall.name);
    text("notice", v.notice || "请留意叫号，过号请到服务台咨询。Please watch for your number.");
    var latest = v.latest;
    var special = v.special;
    if (special) {
      var skey = special.window + "/" + special.call + "/" + special.at;
      if (skey !== lastSpecial) {
        lastSpecial = skey;
        specialUntil = Date.now() + 1000 * (v.highlight_s || 10);
        clearTimeout(specialTimer);
        specialTimer = setTimeout(function () { show(lastView); }, 1000 * (v.highlight_s || 10) + 50);
        flash();
      }
    }
    var covered = special && Date.now() < specialUntil;
    if (covered) {
      showSpecial(special);
    } else {
      showCall(latest);
      var key = latest ? latest.number + "/" + latest.window + "/" + latest.recall : "";
      if (latest && key !== lastCall) { flash(); }
      lastCall = key;
    }
    var body = document.getElementById("recent");
    // the call on the panel is not listed again, unless a special call covers it
    var onPanel = covered ? null : latest;
    var history = v.recent.filter(function (c) { return !onPanel || c.number !== onPanel.number; });
    body.replaceChildren.apply(body, history.slice(0, 10).map(row));
    var list = document.getElementById("waiting");
    list.replaceChildren.apply(list, v.waiting.map(function (z) {
      var li = document.createElement("li");
      li.textContent = z.name + " " + z.waiting + " 人" + (z.waiting && z.wait_text ? " · " + z.wait_text : "");
      if (!z.waiting) { li.className = "none"; }
      return li;
    }));
    text("paused", v.paused.length ? "暂停服务 Paused: " + v.paused.map(function (n) { return n + "号窗口"; }).join("、") : "");
  }
  function link(up) {
    document.getElementById("link").className = up ? "link up" : "link down";
    text("link-text", up ? "" : "正在重新连接… Reconnecting…");
  }
  function tick() {  // the hall's time, not this TV's (live.js)
    var clock = jiaohaoHallClock;
    text("clock", clock.time() ? clock.date() + " " + clock.time() : "\u00a0");
  }
  tick(); setInterval(tick, 1000);
  jiaohaoLive("screen=1&zones=" + encodeURIComponent(zones), show, link);
})();
