// The room display (/trainings/<id>/run/display/): the current item, a large timer and the
// groups, for a projector. Run mode on the same device drives it through room-channel.js
// (never through the server, so both work with the network off); the timer is computed here
// from the item's start, its "+N min" and the tablet's pauses (run-state.js timer), so it
// keeps time even when the tablet's page is in the background. Screen readers hear
// "1 minute left" and "Time is up", not every second. Sound at time up is off until switched
// on here.
import { channelName, roomChannel } from "./room-channel.js";
import { formatLeft, timer, timerCue } from "./run-state.js";

const root = document.getElementById("display");
const $ = (id) => document.getElementById(id);
const STATUS_TEXT = { ready: "Not started", running: "", paused: "Paused", over: "Over time",
                      ended: "Ended" };
let state = null;      // what run mode last sent
let reading = null;    // the timer's last reading, with the item it was for
let sound = null;      // the AudioContext, made when the sound is first switched on
let soundOn = false;
let chimes = 0;

function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

// ---- what run mode sends --------------------------------------------------------------
function receive(message) {
  if (!message || typeof message !== "object") return;
  if (message.type === "state" && message.state) {
    state = message.state;
    $("display-link-state").textContent = "";
    render();
  } else if (message.type === "bye") {
    $("display-link-state").textContent = "Run mode was closed on this device: the display " +
      "shows the last item it sent.";
  }
}

const channel = roomChannel(channelName(root.dataset.training, root.dataset.user), receive);

// ---- rendering --------------------------------------------------------------------------
function render() {
  const item = state && state.item;
  root.dataset.state = item ? "live" : "waiting";
  $("display-waiting").hidden = Boolean(item);
  $("display-item").textContent = item ? item.title : "";
  $("display-when").textContent = item
    ? `${item.when} (${item.zone})${item.module ? ` · Module ${item.module}` : ""}` : "";
  $("display-next").textContent = state && state.next ? `Next: ${state.next}` : "";
  const groups = (item && state.groups) || [];
  $("display-groups-section").hidden = groups.length === 0;
  root.classList.toggle("has-groups", groups.length > 0);
  root.classList.toggle("many-groups", groups.length > 6);
  $("display-groups").replaceChildren(...groups.map((group) => el("section", "display-group",
    el("h3", "", group.name),
    el("ul", "", ...group.members.map((m) => el("li", "", m.name, m.role ? ` (${m.role})` : ""))))));
  tick();
}

function tick() {
  const item = state && state.item;
  if (!item) {
    $("display-timer").textContent = "–";
    $("display-timer-state").textContent = "";
    $("display-signal").hidden = true;
    root.dataset.timer = "none";
    return;
  }
  const now = timer(state.slot, state.clock, Date.now());
  const cue = timerCue(reading && reading.uid === item.uid ? reading : null, now);
  reading = { ...now, uid: item.uid };
  const extended = state.slot.run ? state.slot.run.extended_minutes : 0;
  $("display-timer").textContent = formatLeft(now.status === "ready" ? now.planned_ms : now.left_ms);
  $("display-timer-state").textContent = [STATUS_TEXT[now.status],
    extended ? `extended by ${extended} min` : ""].filter(Boolean).join(" · ");
  const up = now.left_ms <= 0 && (now.status === "over" || now.status === "paused");
  $("display-signal").hidden = !up;
  root.dataset.timer = now.status;
  root.classList.toggle("time-up", up);
  if (cue) announce(cue);
  if (cue === "Time is up") chime();
}

// The polite live region: the same words twice in a row are still read out.
function announce(text) {
  const region = $("display-announce");
  region.textContent = region.textContent === text ? `${text}\u00a0` : text;
}

// ---- sound (off by default) -------------------------------------------------------------
function chime() {
  if (!soundOn || !sound) return;
  const start = sound.currentTime;
  [660, 880].forEach((frequency, i) => {
    const at = start + i * 0.5;
    const tone = sound.createOscillator();
    const gain = sound.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.45);
    tone.connect(gain).connect(sound.destination);
    tone.start(at);
    tone.stop(at + 0.5);
  });
  chimes += 1;
  root.dataset.chimes = String(chimes);
}

async function toggleSound() {
  const button = $("btn-sound");
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) {
    $("display-link-state").textContent = "This browser cannot play sound.";
    return;
  }
  soundOn = !soundOn;
  button.setAttribute("aria-pressed", String(soundOn));
  $("sound-state").textContent = soundOn ? "on" : "off";
  try {
    if (soundOn && !sound) sound = new Context();   // made on a click, so the browser allows it
    if (sound) await (soundOn ? sound.resume() : sound.suspend());
  } catch (err) {
    console.warn("room display: sound", err);
  }
}

// ---- full screen and staying awake ------------------------------------------------------
function toggleFullscreen() {
  if (document.fullscreenElement) {
    document.exitFullscreen().catch((err) => console.warn("room display: full screen", err));
  } else if (document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen()
      .catch((err) => console.warn("room display: full screen refused", err));
  }
}

async function stayAwake() {
  if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
  try {
    await navigator.wakeLock.request("screen");
  } catch (err) {
    console.warn("room display: the screen may dim", err);
  }
}

$("btn-sound").addEventListener("click", toggleSound);
$("btn-display-fullscreen").addEventListener("click", toggleFullscreen);
document.addEventListener("fullscreenchange", () => {
  $("btn-display-fullscreen").textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
});
document.addEventListener("visibilitychange", () => { stayAwake(); tick(); });
setInterval(tick, 250);
stayAwake();
channel.post({ type: "hello" });   // run mode answers with what it shows
render();
