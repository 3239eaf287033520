// The channel between run mode and the room display on one device (static/js/room-channel.js),
// on Node's own BroadcastChannel: a display hears its training and account only.
import assert from "node:assert/strict";
import { once } from "node:events";
import { it } from "node:test";

import { channelName, roomChannel } from "../../static/js/room-channel.js";

it("carries run mode's messages to the display of the same training and account only", async () => {
  const heard = { display: [], otherTraining: [], otherUser: [] };
  let arrived;
  const displayHeard = new Promise((resolve) => { arrived = resolve; });
  const display = roomChannel(channelName(7, 3), (m) => { heard.display.push(m); arrived(); });
  const otherTraining = roomChannel(channelName(8, 3), (m) => heard.otherTraining.push(m));
  const otherUser = roomChannel(channelName(7, 4), (m) => heard.otherUser.push(m));
  const probe = new BroadcastChannel(channelName(7, 3));   // to know when delivery is done
  const delivered = once(probe, "message");
  const tablet = roomChannel(channelName(7, 3), () => {});
  tablet.post({ type: "state", state: { item: { title: "Activity 1" } } });
  await Promise.all([delivered, displayHeard]);
  await new Promise((resolve) => setImmediate(resolve));   // the other channels had their turn
  assert.deepEqual(heard.display, [{ type: "state", state: { item: { title: "Activity 1" } } }]);
  assert.deepEqual(heard.otherTraining, []);
  assert.deepEqual(heard.otherUser, []);
  [display, otherTraining, otherUser, tablet].forEach((c) => c.close());
  probe.close();
});
