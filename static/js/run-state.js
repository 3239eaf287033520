// Run mode's state on the device: the server's snapshot with the queued events applied on
// top. The rules are the server's (runsheet/events.py): the contract test
// (tests/runsheet/test_contract.py and tests/js/run-state.test.js) replays the same fixtures
// through this reducer and through the server and compares the results.
//
// - attendance: the latest mark per person and agenda item wins, by the time it was recorded
//   (on equal times, the later event);
// - groups: a split replaces the item's groups unless the groups shown are newer;
// - timer: the earliest start wins, a start after the end reopens the item, the latest end
//   wins, "+N min" adds up to 600 minutes;
// - questions: added once per event id.

export const STATUSES = ["present", "late", "absent", "excused"];
export const MAX_GROUPS = 12;
export const MAX_EXTENDED = 600;
export const MAX_QUESTION = 2000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

const time = (iso) => Date.parse(iso);
const isId = (value) => Number.isInteger(value) && value >= 1 && value <= 2147483647;
const isText = (value, max) => typeof value === "string" && value.length <= max && !CONTROL.test(value);

export function emptyRun() {
  return { started_at: null, ended_at: null, extended_minutes: 0 };
}

function onRoster(state, ids) {
  const roster = new Set(state.roster.map((p) => p.id));
  const missing = [...new Set(ids)].filter((id) => !roster.has(id)).sort((a, b) => a - b);
  return missing.length ? `not on the roster: [${missing.join(", ")}]` : "";
}

// The reason the server would refuse this event (structure and references; the role is
// the server's to check), or "" when it applies.
export function validate(state, event) {
  const p = event.payload;
  if (!p || typeof p !== "object" || Array.isArray(p)) return "payload: must be an object";
  if (Number.isNaN(time(event.recorded_at))) return "recorded_at: is not a valid time";
  const slot = () => (state.slots.some((s) => s.uid === p.slot) ? "" : "no such slot in this training");
  switch (event.type) {
    case "attendance.mark":
      if (!isId(p.participant)) return "participant: must be a whole number";
      if (!STATUSES.includes(p.status)) return "status: must be one of present, late, absent or excused";
      return slot() || onRoster(state, [p.participant]);
    case "attendance.all_present":
      if (!Array.isArray(p.participants)) return "participants: must be a list";
      if (!p.participants.every(isId)) return "participants: must be whole numbers";
      return slot() || onRoster(state, p.participants);
    case "groups.set": {
      if (!Array.isArray(p.groups)) return "groups: must be a list";
      if (p.groups.length < 1 || p.groups.length > MAX_GROUPS) return `groups: 1 to ${MAX_GROUPS} groups`;
      const seen = new Set();
      for (const [index, group] of p.groups.entries()) {
        const where = `groups #${index + 1}`;
        if (!group || typeof group !== "object" || Array.isArray(group)) return `${where}: must be an object`;
        const members = group.members === undefined ? [] : group.members;
        if (!Array.isArray(members)) return `${where} members: must be a list`;
        if (!members.every(isId)) return `${where} members: must be whole numbers`;
        if (group.name != null && !isText(group.name, 100)) return `${where} name: must be short text`;
        for (const role of ["chair", "rapporteur"]) {
          if (group[role] != null && !isId(group[role])) return `${where} ${role}: must be a whole number`;
        }
      }
      const invalid = slot();
      if (invalid) return invalid;
      for (const [index, group] of p.groups.entries()) {
        const members = group.members ?? [];
        for (const person of members) {
          if (seen.has(person)) return `participant ${person} is in two groups`;
          seen.add(person);
        }
        for (const role of ["chair", "rapporteur"]) {
          if (group[role] != null && !members.includes(group[role])) {
            return `the ${role} of group ${index + 1} is not one of its members`;
          }
        }
      }
      return onRoster(state, [...seen]);
    }
    case "question.capture":
      if (!isText(p.text, MAX_QUESTION) || !p.text.trim()) return "text: a question of 1 to 2000 characters";
      if (p.asked_by != null && !isId(p.asked_by)) return "asked_by: must be a whole number";
      if (p.asked_by_name != null && !isText(p.asked_by_name, 200)) return "asked_by_name: must be short text";
      if (p.slot != null && slot()) return slot();
      return p.asked_by != null ? onRoster(state, [p.asked_by]) : "";
    case "run.start":
    case "run.end":
      return slot();
    case "run.extend": {
      const minutes = p.minutes ?? 5;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) return "minutes: 1 to 60";
      return slot();
    }
    default:
      return `unknown event type “${event.type}”`;
  }
}

function mark(marks, person, status, at) {
  const key = String(person);
  const old = marks[key];
  if (!old || time(old.recorded_at) <= time(at)) marks[key] = { status, recorded_at: at };
}

// Apply one event to the state (in place); events that the server would refuse are skipped.
export function applyEvent(state, event) {
  if (validate(state, event)) return state;
  const p = event.payload;
  const at = event.recorded_at;
  const slot = state.slots.find((s) => s.uid === p.slot);
  switch (event.type) {
    case "attendance.mark":
      mark((state.attendance[p.slot] ??= {}), p.participant, p.status, at);
      break;
    case "attendance.all_present": {
      const marks = (state.attendance[p.slot] ??= {});
      p.participants.forEach((person) => mark(marks, person, "present", at));
      break;
    }
    case "groups.set": {
      const shown = state.groups[p.slot] || [];
      if (shown.some((g) => g.recorded_at && time(g.recorded_at) > time(at))) break;
      state.groups[p.slot] = p.groups.map((g, i) => ({
        number: i + 1, name: g.name || "", members: [...(g.members ?? [])],
        chair: g.chair ?? null, rapporteur: g.rapporteur ?? null, recorded_at: at }));
      break;
    }
    case "question.capture":
      if (!state.questions.some((q) => q.id === event.id)) {
        state.questions.push({ id: event.id, text: p.text.trim(), slot: p.slot || null,
                               asked_by_name: p.asked_by_name || "", captured_at: at,
                               pending: true });
      }
      break;
    case "run.start": {
      const run = (slot.run ??= emptyRun());
      if (!run.started_at || time(at) < time(run.started_at)) run.started_at = at;
      if (run.ended_at && time(run.ended_at) <= time(at)) run.ended_at = null;
      break;
    }
    case "run.end": {
      const run = (slot.run ??= emptyRun());
      if (!run.ended_at || time(at) > time(run.ended_at)) run.ended_at = at;
      break;
    }
    case "run.extend": {
      const run = (slot.run ??= emptyRun());
      run.extended_minutes = Math.min(run.extended_minutes + (p.minutes ?? 5), MAX_EXTENDED);
      break;
    }
  }
  return state;
}

// The snapshot with the queued events on top (the snapshot itself is not changed).
export function replay(snapshot, events) {
  const state = structuredClone(snapshot);
  state.attendance ??= {};
  state.groups ??= {};
  state.questions ??= [];
  events.forEach((event) => applyEvent(state, event));
  return state;
}

// A comparable summary of a state: what the contract test compares with the server's.
export function summary(state) {
  const iso = (value) => (value ? new Date(value).toISOString() : null);
  const attendance = {};
  for (const [slot, marks] of Object.entries(state.attendance || {})) {
    const row = Object.fromEntries(Object.entries(marks).map(([p, m]) => [p, m.status]).sort());
    if (Object.keys(row).length) attendance[slot] = row;
  }
  const groups = {};
  for (const [slot, list] of Object.entries(state.groups || {})) {
    if (list.length) {
      groups[slot] = list.map((g) => ({ name: g.name || "", members: [...g.members].sort((a, b) => a - b),
                                        chair: g.chair ?? null, rapporteur: g.rapporteur ?? null }));
    }
  }
  const runs = {};
  for (const slot of state.slots) {
    const run = slot.run || emptyRun();
    if (run.started_at || run.ended_at || run.extended_minutes) {
      runs[slot.uid] = { started_at: iso(run.started_at), ended_at: iso(run.ended_at),
                         extended_minutes: run.extended_minutes };
    }
  }
  const questions = (state.questions || []).map((q) => ({ id: q.id, text: q.text }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { attendance, groups, runs, questions };
}

// Like replay, and also which events the server would refuse ({id: reason}).
export function replayChecked(snapshot, events) {
  const state = replay(snapshot, []);
  const refused = {};
  for (const event of events) {
    const why = validate(state, event);
    if (why) refused[event.id] = why;
    else applyEvent(state, event);
  }
  return { state, refused };
}

// ---- the room timer (run mode and the room display) ---------------------------------
// The countdown of an agenda item: its planned length plus the "+N min" above, from the
// synced start, less the time the moderator held it. Pause and resume are this device's
// own (the tablet keeps a "clock" per agenda item; the room display gets it from the tablet
// on the same device, never through the server): the schedule's start, end and "+N min"
// are what the server records.
export const CLOCK_EVENTS = ["timer.pause", "timer.resume"];
export const ONE_MINUTE = 60000;

export function emptyClock() {
  return { paused_at: null, paused_ms: 0 };
}

// The slot's clock after a pause or a resume at `at` (an ISO time); the clock given is not
// changed. A pause holds only an item that runs; a resume adds the time held.
export function clockEvent(slot, clock, type, at) {
  const next = { ...emptyClock(), ...(clock || {}) };
  const run = slot.run || emptyRun();
  const running = Boolean(run.started_at && !run.ended_at);
  if (type === "timer.pause" && running && !next.paused_at) {
    next.paused_at = at;
  } else if (type === "timer.resume" && next.paused_at) {
    next.paused_ms += Math.max(0, time(at) - time(next.paused_at));
    next.paused_at = null;
  }
  return next;
}

// Where the timer stands at `now` (milliseconds, injected so tests and pages agree):
// status ready | running | paused | over | ended, the planned length and the time left
// (negative once over time).
export function timer(slot, clock, now) {
  const run = slot.run || emptyRun();
  const held = { ...emptyClock(), ...(clock || {}) };
  const planned = time(slot.end) - time(slot.start) + run.extended_minutes * ONE_MINUTE;
  if (!run.started_at) return { status: "ready", planned_ms: planned, left_ms: planned };
  let stop = run.ended_at ? time(run.ended_at) : now;
  if (held.paused_at) stop = Math.min(stop, time(held.paused_at));
  const left = time(run.started_at) + planned + held.paused_ms - stop;
  let status = left <= 0 ? "over" : "running";
  if (run.ended_at) status = "ended";
  else if (held.paused_at) status = "paused";
  return { status, planned_ms: planned, left_ms: left };
}

// "12:05", "0:09", "+1:30" (over time), whole seconds rounded up while counting down so that
// "0:00" is the moment the time is up.
export function formatLeft(ms) {
  const seconds = ms > 0 ? Math.ceil(ms / 1000) : Math.floor(-ms / 1000);
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  return ms < 0 && seconds > 0 ? `+${text}` : text;
}

// What to announce between two readings of the timer (aria-live is off for the seconds):
// "1 minute left" when a running item crosses the last minute, "Time is up" when it runs
// out, "" otherwise. `before` is null on the first reading (nothing is announced then).
export function timerCue(before, after) {
  if (!before || after.status !== "over" && after.status !== "running") return "";
  if (before.left_ms > 0 && after.left_ms <= 0) return "Time is up";
  if (before.left_ms > ONE_MINUTE && after.left_ms <= ONE_MINUTE) return "1 minute left";
  return "";
}
