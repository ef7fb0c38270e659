"use strict";
const live = document.getElementById("live");
const scheme = location.protocol === "https:" ? "wss://" : "ws://";
const socket = new WebSocket(scheme + location.host + "/ws");
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.type === "hello") {
    live.textContent = `The live connection works too: ${message.title}, ${message.seats.length} team seats.`;
    socket.close();
  }
};
socket.onerror = () => {
  live.textContent = "The live connection failed: a proxy or firewall may block WebSockets.";
};
