// The client's reducer against the shared contract fixtures; the server replays the same
// fixtures in tests/runsheet/test_contract.py (which also runs tests/js/replay.js and
// compares both results directly).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { replay, replayChecked, summary, validate } from "../../static/js/run-state.js";
import { contract, emptySnapshot } from "./helpers.js";

describe("run-mode reducer: the contract fixtures", () => {
  for (const fixture of contract.cases) {
    it(fixture.name, () => {
      const base = replay(emptySnapshot(contract), fixture.before);
      const { state, refused } = replayChecked(base, fixture.events);
      assert.deepEqual(summary(state), fixture.expected);
      assert.deepEqual(Object.keys(refused).sort(), [...fixture.refused].sort());
    });
  }
});

describe("run-mode reducer", () => {
  const base = emptySnapshot(contract);
  const at = (m) => `2026-01-10T09:${String(m).padStart(2, "0")}:00.000Z`;

  it("does not change the snapshot it replays on", () => {
    const copy = structuredClone(base);
    replay(base, [{ id: "a", type: "attendance.mark", recorded_at: at(1),
                    payload: { slot: "S1", participant: 1, status: "present" } }]);
    assert.deepEqual(base, copy);
  });

  it("compares times as times, not as strings (the server writes +00:00, the device Z)", () => {
    const snapshot = structuredClone(base);
    snapshot.attendance.S1 = { 1: { status: "late", recorded_at: "2026-01-10T09:05:00+00:00" } };
    const state = replay(snapshot, [{ id: "a", type: "attendance.mark", recorded_at: at(4),
                                      payload: { slot: "S1", participant: 1, status: "present" } }]);
    assert.equal(state.attendance.S1["1"].status, "late");
  });

  it("gives the reason the server would give for a person not on the roster", () => {
    assert.equal(validate(base, { id: "b", type: "attendance.mark", recorded_at: at(1),
                                  payload: { slot: "S1", participant: 99, status: "present" } }),
                 "not on the roster: [99]");
  });
});
