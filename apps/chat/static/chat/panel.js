/* The citizen's chat panel (portal page and the embeddable frame).
 *
 * No inline script or style: everything is wired here from data- attributes, and every
 * text a person writes is put in the page with textContent (shown as text, never HTML).
 * The chat's signed token is kept in localStorage, so a reload finds the chat again (and
 * gets it whole); after a lost connection the panel says hello again with the id of the
 * last message it shows and gets exactly what it missed. Messages not yet acknowledged
 * are sent again with the same client id, which the server stores once.
 */
(function () {
  "use strict";
  var root = document.getElementById("hc-chat");
  if (!root) return;
  var KEY = "hc-chat";
  var lang = document.documentElement.lang || "ar";
  var ws = null;
  var retry = 0;
  var seen = {};
  var pending = {};  // client id -> body, until the server says "ok"
  var saved = load();
  var chatStatus = "";
  var lastId = 0;  // the last message this page shows (a reload starts from nothing)

  function $(sel) { return root.querySelector(sel); }
  function t(name) { return root.getAttribute("data-t-" + name) || ""; }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null") || {}; } catch (e) { return {}; }
  }
  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(saved)); } catch (e) { /* private mode */ }
  }
  function uid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function show(step) {
    root.querySelectorAll("[data-step]").forEach(function (el) {
      var on = el.getAttribute("data-step") === step || (step === "ended" && el.getAttribute("data-step") === "conversation");
      el.hidden = !on;
    });
    $("[data-role=composer]").hidden = step !== "conversation";
  }
  function error(text) {
    var box = $("[data-role=error]");
    box.textContent = text || "";
    box.hidden = !text;
  }
  function fieldErrors(body) {
    var parts = [body.message || t("network")];
    Object.keys(body.details || {}).forEach(function (k) { parts.push((body.details[k] || []).join(" ")); });
    return parts.join(" ");
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(data),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (body) { return {ok: r.ok, body: body}; });
    });
  }

  function formData(form) {
    var data = {language: lang};
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") data[k] = v; });
    return data;
  }

  // ------------------------------------------------------------- the log

  function render(message) {
    if (seen[message.id]) return;
    seen[message.id] = true;
    if (message.client_id) {
      delete pending[message.client_id];
      var temp = root.querySelector('[data-client="' + cssEscape(message.client_id) + '"]');
      if (temp) temp.remove();
    }
    var li = document.createElement("li");
    li.className = "hc-chat-msg hc-chat-" + message.sender;
    li.setAttribute("data-id", message.id);
    var who = document.createElement("small");
    who.className = "d-block text-body-secondary";
    who.textContent = message.sender === "citizen" ? t("you") : (message.sender === "agent" ? (message.author || t("agent")) : "");
    var body = document.createElement("div");
    body.className = "hc-chat-text";
    body.setAttribute("dir", "auto");
    body.textContent = message.body;
    li.appendChild(who);
    li.appendChild(body);
    if (message.attachment) {
      var a = document.createElement("a");
      a.href = message.attachment.url + "?t=" + encodeURIComponent(saved.token || "");
      a.textContent = message.attachment.name;
      li.appendChild(a);
    }
    $("[data-role=log]").appendChild(li);
    li.scrollIntoView({block: "nearest"});
    if (message.id > lastId) lastId = message.id;
  }
  function cssEscape(value) { return String(value).replace(/["\\]/g, "\\$&"); }

  function renderPending(clientId, text) {
    var li = document.createElement("li");
    li.className = "hc-chat-msg hc-chat-citizen hc-chat-pending";
    li.setAttribute("data-client", clientId);
    var body = document.createElement("div");
    body.className = "hc-chat-text";
    body.setAttribute("dir", "auto");
    body.textContent = text;
    var note = document.createElement("small");
    note.className = "text-body-secondary";
    note.textContent = t("sending");
    li.appendChild(body);
    li.appendChild(note);
    $("[data-role=log]").appendChild(li);
  }

  function applyState(chat) {
    chatStatus = chat.status;
    var queue = $("[data-role=queue]");
    if (chat.status !== "waiting") queue.textContent = "";
    if (chat.review_number) {
      $("[data-role=review]").textContent = t("review") + " " + chat.review_number;
    }
    if (chat.status === "waiting" || chat.status === "active") {
      show("conversation");
    } else {
      show("ended");
      $("[data-role=rating]").hidden = !chat.answered || chat.rated;
      if (chat.rated) { var r = $("[data-role=rated]"); r.textContent = t("thanks"); r.hidden = false; }
    }
  }

  // ------------------------------------------------------------- the socket

  function wsUrl() {
    var port = root.getAttribute("data-ws-port");
    var host = location.hostname.indexOf(":") >= 0 ? "[" + location.hostname + "]" : location.hostname;
    var p = port && port !== "0" ? ":" + port : (location.port ? ":" + location.port : "");
    return (location.protocol === "https:" ? "wss://" : "ws://") + host + p + "/ws/chat/";
  }

  function connect() {
    if (!saved.token) return;
    ws = new WebSocket(wsUrl());
    ws.onopen = function () {
      retry = 0;
      $("[data-role=status]").hidden = true;
      ws.send(JSON.stringify({type: "hello", token: saved.token, last_id: lastId}));
    };
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "state") {
        applyState(frame.chat);
        Object.keys(pending).forEach(function (id) {  // resend what was never acknowledged
          if (chatStatus === "waiting" || chatStatus === "active") ws.send(JSON.stringify({type: "message", body: pending[id], client_id: id}));
        });
      } else if (frame.type === "messages") {
        frame.messages.forEach(render);
      } else if (frame.type === "message") {
        render(frame.message);
      } else if (frame.type === "queue") {
        var text = frame.agents_available === false && frame.position ? t("no-agents") + " " : "";
        text += t("queue").replace("{position}", frame.position).replace("{minutes}", frame.expected_minutes);
        $("[data-role=queue]").textContent = text;
      } else if (frame.type === "ok") {
        if (frame.what === "rated") {
          $("[data-role=rating]").hidden = true;
          var r = $("[data-role=rated]"); r.textContent = t("thanks"); r.hidden = false;
        } else if (frame.what === "transcript") {
          error(""); var s = $("[data-role=rated]"); s.textContent = t("transcript-sent"); s.hidden = false;
        }
      } else if (frame.type === "error") {
        if (frame.code === "bad_token") { forget(); return; }
        if (frame.code === "unavailable" && pending[frame.client_id]) {  // the server was busy: again shortly
          var again = {type: "message", body: pending[frame.client_id], client_id: frame.client_id};
          window.setTimeout(function () { send(again); }, 3000);
        } else if (frame.client_id && frame.code !== "too_many_messages") {
          delete pending[frame.client_id];
          var temp = root.querySelector('[data-client="' + cssEscape(frame.client_id) + '"] small');
          if (temp) temp.textContent = t("failed");
        }
        error(fieldErrors(frame));
      }
    };
    ws.onclose = function () {
      ws = null;
      if (!saved.token) return;
      var status = $("[data-role=status]");
      status.textContent = t("reconnecting");
      status.hidden = false;
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function forget() {
    saved = {};
    save();
    seen = {};
    pending = {};
    lastId = 0;
    if (ws) { var old = ws; ws = null; old.onclose = null; old.close(); }
    $("[data-role=log]").textContent = "";
    show("prechat");
  }

  // ------------------------------------------------------------- the forms

  $("[data-step=prechat]").addEventListener("submit", function (event) {
    event.preventDefault();
    error("");
    var form = event.currentTarget;
    var leaving = root.getAttribute("data-open") !== "1";
    var url = root.getAttribute(leaving ? "data-leave-url" : "data-start-url");
    post(url, formData(form)).then(function (res) {
      if (!res.ok) { error(fieldErrors(res.body)); return; }
      if (leaving) {
        var text = t("left");
        if (res.body.review_number) text += " " + t("review") + " " + res.body.review_number;
        $("[data-role=left]").textContent = text;
        show("left");
        return;
      }
      saved = {token: res.body.token};
      save();
      show("conversation");
      connect();
    }).catch(function () { error(t("network")); });
  });

  $("[data-action=show-video]").addEventListener("click", function () { error(""); show("video"); });
  $("[data-action=back]").addEventListener("click", function () { show("prechat"); });
  $("[data-step=video]").addEventListener("submit", function (event) {
    event.preventDefault();
    var data = formData($("[data-step=prechat]"));
    data.preferred_time = event.currentTarget.elements.preferred_time.value;
    post(root.getAttribute("data-video-url"), data).then(function (res) {
      if (!res.ok) { show("prechat"); error(fieldErrors(res.body)); return; }
      $("[data-role=left]").textContent = t("video-sent");
      show("left");
    }).catch(function () { error(t("network")); });
  });

  $("[data-role=composer]").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = event.currentTarget.elements.body;
    var text = box.value.trim();
    if (!text) return;
    error("");
    var id = uid();
    pending[id] = text;
    renderPending(id, text);
    box.value = "";
    send({type: "message", body: text, client_id: id});  // if closed, resent on reconnect
  });
  $("[data-role=composer] textarea").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("[data-role=composer]").requestSubmit();
    }
  });
  $("[data-role=composer] input[type=file]").addEventListener("change", function (event) {
    var file = event.currentTarget.files[0];
    if (!file) return;
    var data = new FormData();
    data.append("token", saved.token || "");
    data.append("client_id", uid());
    data.append("file", file);
    fetch(root.getAttribute("data-attach-url"), {method: "POST", body: data, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) error(fieldErrors(b)); }); })
      .catch(function () { error(t("network")); });
    event.currentTarget.value = "";
  });
  $("[data-action=end]").addEventListener("click", function () { send({type: "end"}); });
  $("[data-role=rating]").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.currentTarget;
    var choice = form.querySelector("input[name=rating]:checked");
    send({type: "rate", rating: choice ? choice.value : "", comment: form.elements.comment.value});
  });
  $("[data-role=transcript]").addEventListener("submit", function (event) {
    event.preventDefault();
    send({type: "transcript", email: event.currentTarget.elements.email.value});
  });
  $("[data-action=sms]").addEventListener("click", function () { send({type: "transcript", sms: true}); });
  $("[data-action=new]").addEventListener("click", forget);

  if (saved.token) { show("conversation"); connect(); } else { show("prechat"); }
})();
