// Replays run-mode events through the client's reducer for the contract test
// (tests/runsheet/test_contract.py): reads {base, events} as JSON on stdin, writes
// {summary, refused: [ids]} as JSON on stdout.
import { readFileSync } from "node:fs";
import { replayChecked, summary } from "../../static/js/run-state.js";

const { base, events } = JSON.parse(readFileSync(0, "utf8"));
const { state, refused } = replayChecked(base, events);
process.stdout.write(JSON.stringify({ summary: summary(state), refused: Object.keys(refused) }));
