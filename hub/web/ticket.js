"use strict";
(function () {
  var token = location.pathname.split("/").pop();
  var lastStatus = null;
  function text(id, value) { document.getElementById(id).textContent = value; }
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
  function show(v) {
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
    if (v.status === "called" && lastStatus !== null && (lastStatus !== "called" || v.recalls > 0)) {
      if (navigator.vibrate) { navigator.vibrate([400, 200, 400, 200, 400]); }
    }
    lastStatus = v.status;
    text("updated", "更新于 Updated " + new Date().toLocaleTimeString("zh-CN", { hour12: false }));
  }
  function link(up) {
    document.getElementById("link").className = up ? "link up" : "link down";
    text("link-text", up ? "实时更新 Live" : "正在重新连接… Reconnecting…");
  }
  jiaohaoLive("t=" + encodeURIComponent(token), show, link);
})();
