// The room timer (static/js/run-state.js): what run mode's countdown and the room display
// show, with pause, resume and "+5 min", at times given to it (no waiting on a real clock).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { applyEvent, clockEvent, emptyClock, formatLeft, replay, timer, timerCue }
  from "../../static/js/run-state.js";
import { contract, emptySnapshot } from "./helpers.js";

const T0 = Date.parse("2027-03-01T07:00:00.000Z");
const iso = (minutes, seconds = 0) => new Date(T0 + minutes * 60000 + seconds * 1000).toISOString();
const at = (minutes, seconds = 0) => T0 + minutes * 60000 + seconds * 1000;

// A 30-minute agenda item from T0, with the run events given applied through the reducer.
function item(...events) {
  const snapshot = emptySnapshot(contract);
  const slot = snapshot.slots[0];
  slot.start = iso(0);
  slot.end = iso(30);
  const state = replay(snapshot, []);
  events.forEach(([type, minutes, extra], i) => applyEvent(state, {
    id: `e${i}`, type, recorded_at: iso(minutes), payload: { slot: slot.uid, ...extra } }));
  return state.slots[0];
}

describe("room timer", () => {
  it("shows the planned length before the item starts", () => {
    assert.deepEqual(timer(item(), emptyClock(), at(50)),
                     { status: "ready", planned_ms: 30 * 60000, left_ms: 30 * 60000 });
  });

  it("counts down from the start and goes over time after the planned length", () => {
    const slot = item(["run.start", 0]);
    assert.equal(timer(slot, null, at(10)).status, "running");
    assert.equal(formatLeft(timer(slot, null, at(10)).left_ms), "20:00");
    assert.equal(formatLeft(timer(slot, null, at(29, 59.5)).left_ms), "0:01");
    assert.equal(timer(slot, null, at(30)).status, "over");
    assert.equal(formatLeft(timer(slot, null, at(31, 30)).left_ms), "+1:30");
  });

  it("stands still while paused and resumes where it stopped", () => {
    const slot = item(["run.start", 0]);
    const paused = clockEvent(slot, emptyClock(), "timer.pause", iso(10));
    assert.equal(timer(slot, paused, at(10)).status, "paused");
    assert.equal(timer(slot, paused, at(25)).left_ms, 20 * 60000);
    const resumed = clockEvent(slot, paused, "timer.resume", iso(25));
    assert.deepEqual(resumed, { paused_at: null, paused_ms: 15 * 60000 });
    assert.equal(timer(slot, resumed, at(26)).status, "running");
    assert.equal(timer(slot, resumed, at(26)).left_ms, 19 * 60000);
    // two holds add up; a second pause or a resume without a pause changes nothing
    const again = clockEvent(slot, clockEvent(slot, resumed, "timer.pause", iso(30)), "timer.pause", iso(31));
    assert.equal(again.paused_at, iso(30));
    assert.deepEqual(clockEvent(slot, resumed, "timer.resume", iso(40)), resumed);
    assert.equal(clockEvent(slot, again, "timer.resume", iso(32)).paused_ms, 17 * 60000);
  });

  it("does not hold an item that has not started or has ended", () => {
    assert.equal(clockEvent(item(), null, "timer.pause", iso(1)).paused_at, null);
    const ended = item(["run.start", 0], ["run.end", 12]);
    assert.equal(clockEvent(ended, null, "timer.pause", iso(13)).paused_at, null);
    assert.deepEqual(timer(ended, null, at(40)), { status: "ended", planned_ms: 30 * 60000,
                                                   left_ms: 18 * 60000 });
  });

  it("adds five minutes with +5, also while paused and after the time is up", () => {
    const paused = clockEvent(item(["run.start", 0]), null, "timer.pause", iso(10));
    const extended = item(["run.start", 0], ["run.extend", 11, { minutes: 5 }]);
    assert.equal(timer(extended, paused, at(11)).left_ms, 25 * 60000);
    assert.equal(timer(extended, paused, at(11)).status, "paused");
    const late = item(["run.start", 0], ["run.extend", 32, { minutes: 5 }]);
    assert.equal(timer(late, null, at(32)).status, "running");
    assert.equal(formatLeft(timer(late, null, at(32)).left_ms), "3:00");
  });

  it("announces the last minute and the time up once, not every second", () => {
    const slot = item(["run.start", 0]);
    const reading = (m, s) => timer(slot, null, at(m, s));
    assert.equal(timerCue(null, reading(29, 30)), "");
    assert.equal(timerCue(reading(28, 59), reading(29, 0)), "1 minute left");
    assert.equal(timerCue(reading(29, 0), reading(29, 1)), "");
    assert.equal(timerCue(reading(29, 59), reading(30, 0)), "Time is up");
    assert.equal(timerCue(reading(30, 0), reading(30, 1)), "");
    const paused = clockEvent(slot, null, "timer.pause", iso(29, 50));
    assert.equal(timerCue(reading(29, 49), timer(slot, paused, at(31))), "");
  });
});
