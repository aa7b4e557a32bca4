"use strict";
(function () {
  var token = location.pathname.split("/").pop();
  var lastStatus = null, nearShown = false, live = null, chosen = 0, reason = "", levelsFor = "";
  var audio = null, alertsOn = false;
  function el(id) { return document.getElementById(id); }
  function text(id, value) { el(id).textContent = value; }
  // a wait worth saying: a range (约 15–25 分钟), or that none can be given (暂无法估计)
  function shown(v) { return v.estimated_wait_min > 0 || v.wait_range_min === null; }
  var states = {
    waiting: function (v) {
      return ["…", "等候中", "Waiting",
        v.ahead > 0 ? "您前面还有 " + v.ahead + " 人" + (shown(v) ? (v.wait_range_min === null ? "，等候时间" : "，预计等候") + v.wait_text : "") : "您是下一位，请留意叫号",
        v.ahead > 0 ? v.ahead + " ahead of you" + (shown(v) ? ", expected wait: " + v.wait_text_en : "") : "You are next: listen for your number"];
    },
    called: function (v) {
      var recall = v.recalls > 0 ? "（第 " + (v.recalls + 1) + " 次呼叫）" : "";
      return ["➜", "请到 " + (v.window_name || (v.window + "号窗口")) + " 办理" + recall,
        "Please go to window " + v.window + " now",
        "工作人员正在等您。", "The clerk is waiting for you."];
    },
    finished: function () { return ["✓", "已办结", "Served", "感谢您的耐心等候。", "Thank you for waiting."]; },
    skipped: function () {
      return ["!", "已过号", "Missed",
        "您未在叫号时到场。请到服务台说明，或重新取号。",
        "You were called but did not come. Ask at the service desk or take a new number."];
    },
    closed: function () {
      return ["✕", "号票已失效", "Ticket closed", "本日办理已结束，请下次再来或重新取号。",
        "Today's service has ended; please take a new number next time."];
    },
    expired: function () {
      return ["✕", "号票已失效", "Ticket expired", "这不是今天的号票。", "This ticket is not from today."];
    }
  };
  // What a refused rating says (the hub's error code).
  var refusals = {
    already_rated: ["本次服务已评价过（窗口评价器或本页），谢谢您！", "This service has been rated already (on the pad or here). Thank you!"],
    rating_closed: ["已超过评价时限，无法再评价。", "The time for rating this service is over."],
    rate_limited: ["操作过于频繁，请稍后再试。", "Too many tries; please wait a moment."],
    bad_request: ["评价内容有误，请检查后重试。", "Something in the rating is not right; please check it."]
  };
  function beep() {
    if (!audio) { return; }
    try {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.3;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.6);
    } catch (e) { /* no sound here */ }
  }
  function alertCitizen(pattern) {
    if (navigator.vibrate) { try { navigator.vibrate(pattern); } catch (e) { /* not allowed */ } }
    beep();
  }
  el("alerts-on").addEventListener("click", function () {
    // Browsers allow sound (and often vibration) only after a tap on the page.
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    if (audio && audio.resume) { audio.resume(); }
    alertsOn = true;
    el("alerts").hidden = true;
    alertCitizen([200]);
  });
  function showNear(v) {
    var near = el("near");
    if (v.status === "called") {
      near.hidden = false; near.className = "near near-called";
      text("near-zh", "请到 " + (v.window_name || (v.window + "号窗口")) + " 办理");
      text("near-en", v.number + ": please go to window " + v.window);
      return;
    }
    var n = v.near_turn || 0;
    if (v.status === "waiting" && n > 0 && v.ahead <= n) {
      near.hidden = false; near.className = "near";
      text("near-zh", v.ahead > 0 ? "快到您了！前面还有 " + v.ahead + " 人，请回到大厅等候叫号" : "马上到您了！请留意叫号");
      text("near-en", v.ahead > 0 ? "Your turn is near: " + v.ahead + " ahead of you. Please come back to the hall." : "You are next: listen for your number.");
      if (!nearShown) { nearShown = true; if (lastStatus !== null) { alertCitizen([300, 150, 300]); } }
      return;
    }
    near.hidden = true;
  }
  function levelButtons(r) {
    var box = el("levels");
    if (levelsFor === r.until) { return; }
    levelsFor = r.until;
    box.textContent = "";
    r.levels.forEach(function (level) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "level"; b.dataset.score = level.score;
      b.setAttribute("role", "radio"); b.setAttribute("aria-checked", "false");
      var zh = document.createElement("span"); zh.className = "level-zh"; zh.textContent = level.name;
      var en = document.createElement("span"); en.className = "level-en"; en.lang = "en"; en.textContent = level.name_en;
      b.appendChild(zh); b.appendChild(en);
      b.addEventListener("click", function () { choose(level.score); });
      box.appendChild(b);
    });
    var list = el("reason-list");
    list.textContent = "";
    r.reasons.forEach(function (item) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "reason"; b.dataset.reason = item.reason;
      b.setAttribute("aria-pressed", "false");
      b.textContent = item.reason + " · " + item.reason_en;
      b.addEventListener("click", function () {
        reason = reason === item.reason ? "" : item.reason;
        Array.prototype.forEach.call(list.children, function (c) {
          c.setAttribute("aria-pressed", c.dataset.reason === reason ? "true" : "false");
        });
      });
      list.appendChild(b);
    });
    el("note").maxLength = r.comment_max; text("note-max", String(r.comment_max));
  }
  function choose(score) {
    chosen = score;
    Array.prototype.forEach.call(el("levels").children, function (b) {
      b.setAttribute("aria-checked", Number(b.dataset.score) === score ? "true" : "false");
    });
    el("reasons").hidden = score > 2;
    if (score > 2) { reason = ""; }
    el("rate-send").disabled = false;
  }
  function showRated(zh, en) {
    el("rating").hidden = true;
    el("rated").hidden = false;
    text("rated-zh", zh); text("rated-en", en);
  }
  function showRating(v) {
    var r = v.rating || {};
    if (r.state === "open") {
      levelButtons(r);
      el("rating").hidden = false; el("rated").hidden = true;
      text("rate-until", "可在 " + jiaohaoTime(r.until) + " 前评价（" + r.until.slice(0, 10) + "） · Open until " + r.until.slice(0, 16).replace("T", " "));
    } else if (r.state === "done") {
      if (el("rated").hidden) { showRated("本次服务已评价，感谢您的反馈！", "This service is rated. Thank you for your feedback!"); }
    } else if (r.state === "closed") {
      showRated("评价时限已过。", "The time for rating this service is over.");
    } else {
      el("rating").hidden = true; el("rated").hidden = true;
    }
  }
  el("note").addEventListener("input", function () { text("note-count", String(el("note").value.length)); });
  el("rate-send").addEventListener("click", function () {
    if (!chosen || !live) { return; }
    var message = { type: "rate", score: chosen };
    if (chosen <= 2 && reason) { message.reason = reason; }
    var note = el("note").value.trim();
    if (note) { message.comment = note; }
    if (!live.send(message)) {
      text("rate-until", "暂时无法连接，请稍后再试 · Not connected; please try again shortly");
      return;
    }
    el("rate-send").disabled = true;
  });
  function answered(a) {
    if (a.ok) {
      showRated("感谢您的评价！", "Thank you for rating our service!");
      return;
    }
    var words = refusals[a.error] || ["暂时无法提交，请稍后再试。", "Could not send the rating; please try again."];
    if (a.error === "already_rated" || a.error === "rating_closed") { showRated(words[0], words[1]); return; }
    text("rate-until", words[0] + " · " + words[1]);
    el("rate-send").disabled = false;
  }
  function show(v) {
    if (v.type === "rated") { answered(v); return; }
    if (v.type === "error") {
      text("status-zh", "未找到该号票"); text("status-en", "No such ticket");
      document.getElementById("status").className = "status status-expired";
      return;
    }
    if (v.type !== "ticket") { return; }
    text("hall", v.hall ? v.hall.name : "");
    if (v.number) {
      text("number", v.number);
      text("service", (v.zone_name ? v.zone_name + " · " : "") + v.service_name);
      document.title = v.number + " · " + v.service_name;
    }
    var mark = document.getElementById("mark");
    mark.hidden = !v.mark;
    text("mark", v.mark ? "★ " + v.mark + " " + v.mark_en : "");
    var build = states[v.status] || states.expired;
    var parts = build(v);
    text("status-icon", parts[0]); text("status-zh", parts[1]); text("status-en", parts[2]);
    text("detail-zh", parts[3]); text("detail-en", parts[4]);
    document.getElementById("status").className = "status status-" + v.status;
    document.body.dataset.status = v.status;
    el("alerts").hidden = alertsOn || !(v.status === "waiting");
    showNear(v);
    showRating(v);
    if (v.status === "called" && lastStatus !== null && (lastStatus !== "called" || v.recalls > 0)) {
      alertCitizen([400, 200, 400, 200, 400]);
    }
    lastStatus = v.status;
    text("updated", "更新于 Updated " + jiaohaoHallClock.time());  // hall time (live.js)
  }
  function link(up) {
    document.getElementById("link").className = up ? "link up" : "link down";
    text("link-text", up ? "实时更新 Live" : "正在重新连接… Reconnecting…");
  }
  live = jiaohaoLive("t=" + encodeURIComponent(token), show, link);
})();
