/* The agent's chat workspace: the agent's chats, the selected conversation, the citizen's
 * card and timeline beside it, and the actions (transfer, ticket, end, close).
 * Messages go over the agent websocket; actions are POSTs with the CSRF token. Every
 * text a citizen wrote is put in the page with textContent.
 */
(function () {
  "use strict";
  var root = document.getElementById("hc-ws");
  if (!root) return;
  var chats = {};      // id -> {info, messages: {id: msg}, last, unread}
  var current = null;
  var ws = null;
  var retry = 0;
  var watch = root.getAttribute("data-watch");

  function $(sel) { return root.querySelector(sel); }
  function t(name) { return root.getAttribute("data-t-" + name) || ""; }
  function url(name, id) { return root.getAttribute("data-" + name + "-url").replace("/0/", "/" + id + "/"); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function uid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function error(text) { var b = $("[data-role=error]"); b.textContent = text || ""; b.hidden = !text; }
  function describe(body) {
    var parts = [body.message || ""];
    Object.keys(body.details || {}).forEach(function (k) { parts.push((body.details[k] || []).join(" ")); });
    return parts.join(" ").trim();
  }
  function post(u, data) {
    return fetch(u, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json"},
      body: JSON.stringify(data)
    }).then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); });
  }
  function formData(form) {
    var data = {};
    new FormData(form).forEach(function (v, k) { data[k] = v; });
    return data;
  }

  // ------------------------------------------------------------- list and log

  function upsert(info) {
    var entry = chats[info.id] || {messages: {}, last: 0, unread: 0};
    entry.info = info;
    chats[info.id] = entry;
    drawList();
    if (current === info.id) drawHeader();
    return entry;
  }
  function drawList() {
    var list = $("[data-role=list]");
    list.textContent = "";
    var ids = Object.keys(chats);
    $("[data-role=empty]").hidden = ids.length > 0;
    ids.forEach(function (id) {
      var c = chats[id];
      var a = document.createElement("button");
      a.type = "button";
      a.className = "list-group-item list-group-item-action d-flex justify-content-between align-items-center" + (String(current) === id ? " active" : "");
      a.setAttribute("data-chat", id);
      var name = document.createElement("span");
      name.textContent = c.info.name + (c.info.purpose_label ? " · " + c.info.purpose_label : "");
      var badge = document.createElement("span");
      badge.className = "badge rounded-pill hc-unread " + (c.unread ? "text-bg-danger" : "text-bg-light");
      badge.textContent = c.unread ? String(c.unread) : c.info.status_label || "";
      a.appendChild(name);
      a.appendChild(badge);
      list.appendChild(a);
    });
  }
  function drawHeader() {
    var c = chats[current];
    if (!c) return;
    $("[data-role=title]").textContent = c.info.name + (c.info.review_number ? " — " + c.info.review_number : "");
    $("[data-role=status]").textContent = c.info.status_label || c.info.status;
    var open = c.info.status === "active" || c.info.status === "waiting";
    $("[data-role=composer]").hidden = !open || !!watch;
  }
  function messageItem(m, c) {
    var li = document.createElement("li");
    li.className = "hc-chat-msg hc-chat-" + (m.sender === "citizen" ? "agent" : (m.sender === "agent" ? "citizen" : "system"));
    li.setAttribute("data-id", m.id);
    var who = document.createElement("small");
    who.className = "d-block text-body-secondary";
    who.textContent = m.sender === "citizen" ? c.info.name : (m.sender === "agent" ? (m.author || t("you")) : "");
    var body = document.createElement("div");
    body.className = "hc-chat-text";
    body.setAttribute("dir", "auto");
    body.textContent = m.body;
    li.appendChild(who);
    li.appendChild(body);
    if (m.attachment) {
      var a = document.createElement("a");
      a.href = m.attachment.url;
      a.textContent = m.attachment.name;
      li.appendChild(a);
    }
    return li;
  }
  function addMessage(chatId, m) {
    var c = chats[chatId];
    if (!c || c.messages[m.id]) return;
    c.messages[m.id] = m;
    c.last = Math.max(c.last, m.id);
    if (current === chatId) {
      var log = $("[data-role=log]");
      log.appendChild(messageItem(m, c));
      log.scrollTop = log.scrollHeight;
    } else if (m.sender === "citizen") {
      c.unread += 1;
      drawList();
    }
  }
  function select(id) {
    current = id;
    var c = chats[id];
    c.unread = 0;
    $("[data-role=conversation]").hidden = false;
    var log = $("[data-role=log]");
    log.textContent = "";
    Object.keys(c.messages).map(Number).sort(function (a, b) { return a - b; }).forEach(function (mid) {
      log.appendChild(messageItem(c.messages[mid], c));
    });
    log.scrollTop = log.scrollHeight;
    drawList();
    drawHeader();
    fetch(url("side", id), {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      if (current === id) $("[data-role=side]").innerHTML = html;  // our own server-rendered partial
    });
  }
  function remove(id) {
    delete chats[id];
    if (current === id) {
      current = null;
      $("[data-role=conversation]").hidden = true;
      $("[data-role=side]").textContent = "";
    }
    drawList();
  }

  // ------------------------------------------------------------- the socket

  function wsUrl() {
    var port = root.getAttribute("data-ws-port");
    var p = port && port !== "0" ? ":" + port : (location.port ? ":" + location.port : "");
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.hostname + p + "/ws/chat/agent/";
  }
  function connect() {
    ws = new WebSocket(wsUrl());
    ws.onopen = function () {
      retry = 0;
      $("[data-role=conn]").hidden = true;
      if (watch) ws.send(JSON.stringify({type: "watch", chat: Number(watch)}));
    };
    ws.onmessage = function (event) {
      var f;
      try { f = JSON.parse(event.data); } catch (e) { return; }
      if (f.type === "chats") {
        f.chats.forEach(function (info) {
          var c = upsert(info);
          ws.send(JSON.stringify({type: "resume", chat: info.id, last_id: c.last}));
        });
        if (!current && f.chats.length) select(f.chats[0].id);
      } else if (f.type === "offer") {
        upsert(f.chat);
        (f.messages || []).forEach(function (m) { addMessage(f.chat.id, m); });
        if (!current) select(f.chat.id);
      } else if (f.type === "messages") {
        upsert(f.chat);
        f.messages.forEach(function (m) { addMessage(f.chat.id, m); });
        if (!current || String(watch) === String(f.chat.id)) select(f.chat.id);
      } else if (f.type === "message") {
        addMessage(f.message.chat, f.message);
      } else if (f.type === "revoke") {
        remove(f.chat);
      } else if (f.type === "state") {
        var c = chats[f.chat.id];
        if (c) {
          c.info.status = f.chat.status;
          c.info.status_label = "";
          c.info.review_number = f.chat.review_number || c.info.review_number;
          if (f.chat.status === "closed" || f.chat.status === "abandoned") { if (!watch) remove(f.chat.id); } else { drawList(); drawHeader(); }
        }
      } else if (f.type === "error") {
        error(describe(f));
      }
    };
    ws.onclose = function (event) {
      if (event.code === 4403) return;
      var s = $("[data-role=conn]");
      s.textContent = t("disconnected");
      s.hidden = false;
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  // ------------------------------------------------------------- actions

  $("[data-role=list]").addEventListener("click", function (event) {
    var item = event.target.closest("[data-chat]");
    if (item) select(Number(item.getAttribute("data-chat")));
  });
  $("[data-role=side]").addEventListener("click", function (event) {
    var qa = event.target.closest("[data-quick-answer]");
    if (!qa) return;
    var box = $("[data-role=composer] textarea");
    box.value = (box.value ? box.value + "\n" : "") + qa.getAttribute("data-quick-answer");
    box.focus();
  });
  $("[data-role=composer]").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = event.currentTarget.elements.body;
    var text = box.value.trim();
    if (!text || current === null || !ws || ws.readyState !== WebSocket.OPEN) return;
    error("");
    ws.send(JSON.stringify({type: "message", chat: current, body: text, client_id: uid()}));
    box.value = "";
  });
  $("[data-role=composer] textarea").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("[data-role=composer]").requestSubmit(); }
  });
  function action(name, form, after) {
    if (current === null) return;
    var id = current;
    error("");
    post(url(name, id), form ? formData(form) : {}).then(function (res) {
      if (!res.ok) { error(describe(res.body)); return; }
      if (res.body.chat) upsert(res.body.chat);
      if (after) after(id, res.body);
    }).catch(function () { error(t("disconnected")); });
  }
  $("[data-action=end]").addEventListener("click", function () { action("end", null); });
  $("[data-role=transfer]").addEventListener("submit", function (e) { e.preventDefault(); action("transfer", e.currentTarget, function (id) { remove(id); }); });
  $("[data-role=ticket]").addEventListener("submit", function (e) {
    e.preventDefault();
    action("ticket", e.currentTarget, function (id) { if (current === id) select(id); });  // the citizen may be on file now
  });
  $("[data-role=close]").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.currentTarget;
    action("close", form, function (id) { form.reset(); remove(id); });
  });
  $("[data-role=availability]").addEventListener("change", function (event) {
    var form = event.currentTarget;
    post(root.getAttribute("data-availability-url"), {
      available: form.elements.available.checked, max_chats: form.elements.max_chats.value
    }).then(function (res) { if (!res.ok) error(describe(res.body)); });
  });

  connect();
})();
