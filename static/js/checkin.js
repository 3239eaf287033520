// QR self check-in on the tablet (docs/run-mode.md, "Self check-in"): "Show check-in code"
// opens a panel with a QR code for the agenda item on screen. The code changes every minute
// and is derived here, offline too, from the slot's secret that the run-sheet snapshot
// brought when run mode last loaded online (kept in IndexedDB by runsheet.js):
// HMAC-SHA256(secret, minute) as hex, its first 10 digits, as runsheet/checkin_codes.py.
// The participant's phone opens the link and the server marks them present; the tablet shows
// it after its next sync (the roster's "by phone").
import { checkinUrl, MINUTE } from "./checkin-code.js";
import { kvGet } from "./queue-store.js";
import { qrSvg } from "./qr.js";

const root = document.getElementById("run");
const $ = (id) => document.getElementById(id);
const SNAPSHOT_KEY = `snapshot:${root.dataset.training}:${root.dataset.user}`;
let shown = null;        // { uid, window } of the code on screen
let drawing = null;      // the drawing under way, so two ticks never draw at once

function problem(text) {
  $("checkin-qr").replaceChildren();
  $("checkin-link").removeAttribute("href");
  $("checkin-link").textContent = "";
  delete $("checkin-panel").dataset.url;
  $("checkin-problem").textContent = text;
  $("checkin-problem").hidden = false;
  shown = null;
}

async function draw() {
  const uid = $("slot-select").value;
  const minute = Math.floor(Date.now() / MINUTE);
  $("checkin-next").textContent = `New code in ${60 - Math.floor((Date.now() % MINUTE) / 1000)} s`;
  if (shown && shown.uid === uid && shown.window === minute) return;
  const snapshot = await kvGet(SNAPSHOT_KEY);
  const slot = snapshot && snapshot.slots.find((s) => s.uid === uid);
  const secret = snapshot && snapshot.checkin && snapshot.checkin.secrets[uid];
  if (!snapshot) {
    // run mode stores its data a moment after it loads; the next tick draws the code
    problem("Preparing the check-in code…");
    return;
  }
  if (!slot || !secret) {
    problem("No check-in code for this item on this tablet yet: open run mode once while online.");
    return;
  }
  if (!globalThis.crypto || !crypto.subtle) {
    problem("Check-in codes need a secure connection (https) on this tablet.");
    return;
  }
  const url = await checkinUrl(snapshot.checkin.url, uid, secret, minute);
  $("checkin-item").textContent = `${slot.local_start.split(" ").pop()}–${slot.local_end} · ${slot.title}`;
  $("checkin-qr").replaceChildren(qrSvg(url, `QR code to check in for ${slot.title}`));
  $("checkin-link").href = url;
  $("checkin-link").textContent = url;
  $("checkin-panel").dataset.url = url;
  $("checkin-problem").hidden = true;
  shown = { uid, window: minute };
}

function refresh() {
  if ($("checkin-panel").hidden || drawing) return drawing;
  drawing = draw()
    .catch((err) => problem(`The check-in code could not be shown: ${err.message}`))
    .finally(() => { drawing = null; });
  return drawing;
}

function open() {
  $("checkin-panel").hidden = false;
  $("btn-checkin").setAttribute("aria-expanded", "true");
  shown = null;
  refresh();
  $("btn-checkin-close").focus();
}

function close() {
  $("checkin-panel").hidden = true;
  $("btn-checkin").setAttribute("aria-expanded", "false");
  $("btn-checkin").focus();
}

$("btn-checkin").addEventListener("click", open);
$("btn-checkin-close").addEventListener("click", close);
$("checkin-panel").addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
$("slot-select").addEventListener("change", refresh);
setInterval(refresh, 1000);
