"use strict";
(function () {
  var params = new URLSearchParams(location.search);
  var zones = params.get("zones") || "";
  var lastCall = "";
  function text(id, value) { document.getElementById(id).textContent = value; }
  function row(call) {
    var tr = document.createElement("tr");
    var number = document.createElement("td");
    number.textContent = call.number + (call.priority ? " ★" : "");
    var window_ = document.createElement("td");
    window_.textContent = call.window_name;
    tr.appendChild(number); tr.appendChild(window_);
    return tr;
  }
  function show(v) {
    if (v.type !== "screen") { return; }
    text("hall", v.hall.name);
    text("notice", v.notice || "请留意叫号，过号请到服务台咨询。Please watch for your number.");
    var latest = v.latest;
    if (latest) {
      text("latest-number", latest.number);
      text("latest-window", "请到 " + latest.window_name + " 办理");
      text("latest-window-en", "Please go to window " + latest.window);
      text("latest-note", (latest.priority ? "★ 优先 Priority  " : "") +
        (latest.recall > 0 ? "重呼 Recall " + latest.recall : ""));
      var key = latest.number + "/" + latest.window + "/" + latest.recall;
      if (key !== lastCall) {
        var box = document.getElementById("latest");
        box.classList.remove("flash"); void box.offsetWidth; box.classList.add("flash");
        lastCall = key;
      }
    } else {
      text("latest-number", "—"); text("latest-window", "等候叫号");
      text("latest-window-en", "Waiting for the first call");
      text("latest-note", "");
    }
    var body = document.getElementById("recent");
    body.replaceChildren.apply(body, v.recent.slice(1, 11).map(row));
    var list = document.getElementById("waiting");
    list.replaceChildren.apply(list, v.waiting.map(function (z) {
      var li = document.createElement("li");
      li.textContent = z.name + " " + z.waiting + " 人";
      if (!z.waiting) { li.className = "none"; }
      return li;
    }));
    text("paused", v.paused.length ? "暂停服务 Paused: " + v.paused.map(function (n) { return n + "号窗口"; }).join("、") : "");
  }
  function link(up) {
    document.getElementById("link").className = up ? "link up" : "link down";
    text("link-text", up ? "" : "正在重新连接… Reconnecting…");
  }
  function tick() {
    var now = new Date();
    text("clock", now.toLocaleDateString("zh-CN") + " " + now.toLocaleTimeString("zh-CN", { hour12: false }));
  }
  tick(); setInterval(tick, 1000);
  jiaohaoLive("screen=1&zones=" + encodeURIComponent(zones), show, link);
})();
