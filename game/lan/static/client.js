// Silicon Shield: a team's page. It holds no game state of its own: the game sends the
// team's state, and the page keeps only the team's token (in this browser), so a reload,
// a sleeping phone or another device with the token finds the seat as it was left.
"use strict";

const PROTOCOL = 1;
const TOKEN_KEY = "silicon-shield-token:" + location.host;
const $ = (id) => document.getElementById(id);

let socket = null;
let retry = 500;
let seat = null;          // our nation, once joined
let state = null;         // the last state the game sent
let shownTurn = null;     // the quarter the form was built for
let split = {};           // line -> whole percent
let moved = false;        // untouched sliders keep the standing split exactly
let unsent = false;       // changes made on the page since the last submit
let deadline = null;      // when the quarter's clock runs out (this page's time), if any
let failures = 0;         // connection attempts failed in a row
let leftSeat = null;      // the nation whose seat the instructor took from this page
let rejoining = false;    // this connection has asked for the seat with the token

// A teammate's link (#seat=TOKEN, from "Another device for your team"): the token is kept
// in this browser and taken out of the address bar. A fragment never reaches the server.
if (location.hash.startsWith("#seat=")) {
  localStorage.setItem(TOKEN_KEY, decodeURIComponent(location.hash.slice(6)));
  history.replaceState(null, "", location.pathname);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function say(text) { $("connection").textContent = text; }

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + location.host + "/ws");
  socket.onopen = () => { retry = 500; failures = 0; rejoining = false; say("Connected."); };
  socket.onmessage = (event) => receive(JSON.parse(event.data));
  socket.onclose = () => {
    failures += 1;
    say(failures < 4 ? "Connection lost: reconnecting… (the game keeps your team's choices)"
      : "Cannot reach the game. If the projector shows another address, open that one and "
        + "join again with the code; otherwise this page keeps trying.");
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 8000);
  };
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  else say("Not connected: reconnecting…");
}

function receive(message) {
  switch (message.type) {
    case "hello": return hello(message);
    case "joined":
      seat = message.nation;
      leftSeat = null;
      localStorage.setItem(TOKEN_KEY, message.token);
      say("Joined. Read the news, split your budget, choose your moves, then press "
          + "\u201cSubmit our decision\u201d at the bottom.");
      $("team-link").textContent = `${location.origin}/#seat=${encodeURIComponent(message.token)}`;
      return;
    case "state": return show(message);
    case "accepted":
      $("submit-problem").textContent = "";
      $("decided").textContent = "Submitted. You can change it until the quarter is played.";
      say("Your decision is in: you can change it until the quarter is played.");
      return;
    case "error": return problem(message.message);
    case "left": return leave(message.message);
  }
}

function hello(message) {
  if (message.protocol !== PROTOCOL) { location.reload(); return; }
  $("title").textContent = message.title;
  // The seat is asked for once per connection: a hello comes again whenever the seats
  // change, and the page may still be waiting for the answer to its first request.
  const token = localStorage.getItem(TOKEN_KEY);
  if (token && !rejoining) { rejoining = true; send({type: "join", protocol: PROTOCOL, token}); }
  const open = message.seats.find((s) => s.nation === leftSeat && !s.taken);
  if (open && !seat) {
    $("join-problem").textContent = `${open.name}'s seat is open again: choose it and join with the code.`;
  }
  const box = $("seats");
  const picked = document.querySelector("input[name=nation]:checked");  // kept if still free
  box.replaceChildren();
  message.seats.forEach((s, i) => {
    const id = "seat-" + s.nation;
    const input = el("input", {type: "radio", name: "nation", id, value: s.nation, required: true});
    if (s.taken) input.disabled = true;
    else if (picked && picked.value === s.nation) input.checked = true;
    box.append(el("div", {class: "seat"}, input,
      el("label", {for: id}, `${s.name} — ${s.team}${s.taken ? " (taken)" : ""}`)));
  });
  if (!token) showOnly("join");
}

function showOnly(id) {
  for (const section of ["join", "game", "over"]) $(section).hidden = section !== id;
}

// This page no longer holds a seat: back to joining, saying why.
function leave(text) {
  localStorage.removeItem(TOKEN_KEY);
  if (seat) leftSeat = seat;
  seat = null; state = null; shownTurn = null; deadline = null;
  showOnly("join");
  $("join-problem").textContent = text;
  say(text);
}

function problem(text) {
  if (!seat || text.includes("no longer valid")) {
    if (text.includes("no longer valid")) { leave(text); return; }
    showOnly("join");
    $("join-problem").textContent = text;
  } else {
    // Next to the button the team just pressed, and in the bar at the top; a decision
    // accepted earlier still stands.
    $("decided").textContent = state && state.submitted
      ? "Your decision submitted earlier still stands." : "";
    $("submit-problem").textContent = text;
    say(text);
  }
}

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const chosen = document.querySelector("input[name=nation]:checked");
  $("join-problem").textContent = "";
  if (!chosen && !document.querySelector("input[name=nation]:not(:disabled)")) {
    $("join-problem").textContent = "Every seat is taken. To join your team's seat from this "
      + "device, open the link under \"Another device for your team\" on your team's page, "
      + "or ask the instructor to free the seat.";
    return;
  }
  send({type: "join", protocol: PROTOCOL, code: $("code").value.replace(/\s+/g, "").toUpperCase(),
        nation: chosen ? chosen.value : null});
});

function show(message) {
  state = message;
  seat = message.nation;
  deadline = message.seconds_left == null ? null : Date.now() + message.seconds_left * 1000;
  tick();
  if (message.over) {
    showOnly("over");
    $("final").textContent = `${message.team} — ${message.name}: final score ${message.score.toFixed(1)}`;
    showNews(message.news, $("final-news"));
    return;
  }
  showOnly("game");
  if (/^(Connect|Not connected)/.test($("connection").textContent)) say("Connected.");
  $("team").textContent = `${message.team} — ${message.name}`;
  $("quarter").textContent = `${message.date}: quarter ${message.turn} of ${message.last_turn}`;
  $("score").textContent = `Score ${message.score.toFixed(1)}`;
  $("aim").textContent = message.aim;
  $("briefing").textContent = message.briefing;
  $("terms").replaceChildren(...message.terms.map((t) =>
    el("li", {}, `${t.metric} (weight ${t.weight}): ${t.points.toFixed(1)} points so far — ${t.doc}`)));
  $("budget").textContent = `(${message.budget.toFixed(2)} this quarter)`;
  if (shownTurn !== message.turn) {
    const before = shownTurn;
    const late = unsent && before !== null;
    shownTurn = message.turn;
    buildForm(message);
    unsent = false;
    $("submit-problem").textContent = "";
    if (late) say("The quarter was played before your last changes were sent; they were not used.");
    else if (before !== null && message.late) {
      say(`${message.news_date} was played without your team's decision: your standing split was used. Now ${message.date}.`);
    } else if (before !== null) say(`A new quarter: ${message.date}. Read the news, then decide.`);
    if (before !== null) window.scrollTo(0, 0);  // the new quarter starts at the top
  }
  $("decided").textContent = message.submitted
    ? "Submitted. You can change it until the quarter is played." : "";
  showNews(message.news, $("news"));
  $("news-title").textContent = !message.news_date ? "The news"
    : `The news of ${message.news_date}` + (message.news.length ? ` (${message.news.length})` : "");
}

// The quarter's clock, when the instructor set one: counted down on the page.
function tick() {
  const clock = $("clock");
  clock.hidden = deadline === null || (state && state.over);
  if (clock.hidden) return;
  const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
  clock.textContent = left ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left` : "Time's up";
  clock.className = "clock" + (left < 30 ? " late" : "");
}
setInterval(tick, 1000);

function buildForm(message) {
  const pending = message.pending;
  const shares = pending && pending.invest ? pending.invest
    : Object.fromEntries(message.lines.map((l) => [l.id, l.share]));
  moved = Boolean(pending && pending.invest);
  split = wholePercents(message.lines.map((l) => l.id), shares);
  const lines = $("lines");
  lines.replaceChildren();
  for (const line of message.lines) {
    const id = "line-" + line.id;
    const input = el("input", {type: "range", id, min: "0", max: "100", step: "1",
                               value: String(split[line.id])});
    input.setAttribute("aria-describedby", id + "-doc");
    const out = el("output", {for: id}, `${split[line.id]}%`);
    input.addEventListener("input", () => { moved = true; rebalance(line.id, Number(input.value)); });
    lines.append(el("div", {class: "line"}, el("label", {for: id}, line.label), input, out),
                 el("div", {class: "doc", id: id + "-doc"}, line.doc));
  }
  const chosen = new Set((pending ? pending.actions : []).map((a) => `${a.action}|${a.target}`));
  const proposals = $("proposals");
  proposals.replaceChildren();
  $("proposals-box").hidden = message.proposals.length === 0;
  for (const p of message.proposals) {
    const name = "answer-" + p.from;
    const box = el("fieldset", {class: "proposal"}, el("legend", {}, `${p.name}: ${p.label}`),
                   el("p", {class: "doc"}, p.doc));
    for (const [answer, words] of [["accept", "Accept"], ["reject", "Reject"], ["", "Answer later"]]) {
      const id = `${name}-${answer || "none"}`;
      const input = el("input", {type: "radio", name, id, value: answer});
      input.checked = answer ? chosen.has(`${answer}_proposal|${p.from}`) : !["accept", "reject"]
        .some((a) => chosen.has(`${a}_proposal|${p.from}`));
      box.append(el("div", {class: "seat"}, input, el("label", {for: id}, words)));
    }
    proposals.append(box);
  }
  // One card per move; a move against a nation offers the nations in a menu, as the
  // front end does (one target per move and quarter).
  const moves = $("moves");
  moves.replaceChildren();
  const groups = new Map();
  for (const move of message.moves) {
    if (!groups.has(move.action)) groups.set(move.action, []);
    groups.get(move.action).push(move);
  }
  for (const [action, options] of groups) {
    const first = options[0];
    const id = "move-" + action;
    const input = el("input", {type: "checkbox", id, value: action});
    const reason = el("span", {class: "reason", id: id + "-reason"});
    const card = el("div", {class: "move"});
    let menu = null;
    if (first.target) {
      menu = el("select", {id: id + "-target", "aria-label": `${first.label}: nation`});
      for (const o of options) {
        const option = el("option", {value: o.target}, o.available ? o.target_name : `${o.target_name} (not now)`);
        menu.append(option);
      }
      const picked = options.find((o) => chosen.has(`${action}|${o.target}`))
        || options.find((o) => o.available) || first;
      menu.value = picked.target;
    }
    const update = () => {
      const option = menu ? options.find((o) => o.target === menu.value) : first;
      input.disabled = !option.available;
      if (!option.available) input.checked = false;
      reason.textContent = option.available ? "" : "Not now: " + option.reason;
      card.className = "move" + (options.some((o) => o.available) ? "" : " closed");
    };
    input.checked = options.some((o) => chosen.has(`${action}|${o.target}`));
    const text = el("span", {}, first.label, el("br"), el("span", {class: "doc"}, first.doc));
    card.append(el("label", {for: id}, input, text));
    if (menu) {
      menu.addEventListener("change", update);
      card.append(el("div", {class: "against"}, el("label", {for: menu.id}, "Nation "), menu));
    }
    card.append(reason);
    update();
    moves.append(card);
  }
}

function wholePercents(ids, shares) {
  const total = ids.reduce((sum, id) => sum + (shares[id] || 0), 0);
  const raw = ids.map((id) => (total > 0 ? (shares[id] || 0) / total * 100 : 100 / ids.length));
  return largestRemainder(ids, raw, 100);
}

// Whole numbers adding up to `total`, as close as can be to `raw`.
function largestRemainder(ids, raw, total) {
  const floors = raw.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((v, i) => [v - floors[i], i]).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) floors[order[k][1]] += 1;
  return Object.fromEntries(ids.map((id, i) => [id, floors[i]]));
}

// One line moved to `value`: the others share what is left, in their proportions.
function rebalance(changed, value) {
  const ids = Object.keys(split);
  const others = ids.filter((id) => id !== changed);
  const rest = others.reduce((sum, id) => sum + split[id], 0);
  const room = 100 - value;
  const raw = others.map((id) => (rest > 0 ? split[id] / rest * room : room / others.length));
  split = {...largestRemainder(others, raw, room), [changed]: value};
  for (const id of ids) {
    $("line-" + id).value = String(split[id]);
    $("line-" + id).nextSibling.textContent = `${split[id]}%`;
  }
}

$("decide").addEventListener("input", () => { unsent = true; });
$("decide").addEventListener("change", () => { unsent = true; });

$("decide").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!state) return;
  unsent = false;
  const actions = [];
  for (const input of document.querySelectorAll("#moves input:checked")) {
    const menu = $(input.id + "-target");
    actions.push({action: input.value, target: menu ? menu.value : null});
  }
  for (const p of state.proposals) {
    const answer = document.querySelector(`input[name="answer-${p.from}"]:checked`);
    if (answer && answer.value) actions.push({action: `${answer.value}_proposal`, target: p.from});
  }
  const invest = moved
    ? Object.fromEntries(Object.entries(split).filter(([, v]) => v > 0).map(([k, v]) => [k, v / 100]))
    : null;
  $("decided").textContent = "Sending…";
  send({type: "submit", turn: state.turn, invest, actions});
});

function showNews(items, box) {
  box.replaceChildren();
  if (!items.length) {
    const played = state && state.news_date;
    box.append(el("p", {class: "muted"}, played ? "A quiet quarter: no news." : "No news yet: the first quarter is still to play."));
    return;
  }
  for (const item of items) {
    const why = el("details", {}, el("summary", {}, "Why?"));
    for (const cause of item.causes) {
      why.append(el("p", {}, el("strong", {}, cause.title), ` (${cause.kind}): ${cause.doc}`));
      for (const o of cause.origin) why.append(el("p", {class: "doc"}, `${o.label}: ${o.text}`));
    }
    if (item.changes.length) {
      why.append(el("ul", {}, ...item.changes.map((c) =>
        el("li", {}, `${c.what}: ${fmt(c.before)} → ${fmt(c.after)}`))));
    }
    box.append(el("div", {class: "news"}, el("p", {}, item.text), why));
  }
}

function fmt(x) { return Number.isInteger(x) || Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2); }

connect();
