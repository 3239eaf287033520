// Shared by the Node tests: the empty run sheet of the contract fixtures.
import { readFileSync } from "node:fs";

export const contract = JSON.parse(
  readFileSync(new URL("./fixtures/run-contract.json", import.meta.url), "utf8"));

export function emptySnapshot({ roster, slots }) {
  return {
    training: { id: 1, title: "Fixture", time_zone: "UTC" },
    permissions: { capture_questions: true },
    slots: slots.map((uid) => ({ uid, run: { started_at: null, ended_at: null, extended_minutes: 0 },
                                 parts: [] })),
    roster: roster.map((id) => ({ id, name: `P${id}`, entity: "IOM", gender: "" })),
    attendance: {}, groups: {}, questions: [],
  };
}
