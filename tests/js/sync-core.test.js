// The queue's state machine (static/js/sync-core.js): batching by count and bytes, what
// each answer means, and a drain that never stalls. The peer here is a small in-memory
// server speaking the protocol of syncqueue/services.py (limits, 413, refusals, "retry");
// the real server is exercised by the contract test and the browser tests.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { DEFAULT_LIMITS, drain, planBatch, planBatches, settle, sizeOf } from "../../static/js/sync-core.js";

const ARABIC = "نص طويل عن الهجرة والتنمية المستدامة في خطة الأمم المتحدة ";

let counter = 0;
function event(payload = {}, type = "attendance.mark") {
  counter += 1;
  return { id: `e${String(counter).padStart(6, "0")}`, type, payload,
           recorded_at: new Date(Date.UTC(2026, 0, 10, 9, 0, counter)).toISOString(),
           scope: "training:1", user: "7" };
}

// A queue in memory, as IndexedDB holds it.
function memoryQueue(events) {
  const items = [...events];
  return {
    items,
    load: async () => items.slice(),
    drop: async (ids) => {
      const gone = new Set(ids);
      for (let i = items.length - 1; i >= 0; i--) if (gone.has(items[i].id)) items.splice(i, 1);
    },
  };
}

// The server side of the protocol.
function server({ maxEvents = 1000, maxBytes = 2 * 1024 * 1024, user = "7", down = false } = {}) {
  const held = new Map();
  const tries = new Map();
  const requests = [];
  async function send(body) {
    if (down) throw new TypeError("Failed to fetch");
    const bytes = new TextEncoder().encode(JSON.stringify(body)).length;
    requests.push({ events: body.events.length, bytes });
    if (body.user !== user) return { status: 409, body: { detail: "another account", code: "other_user" } };
    if (bytes > maxBytes || body.events.length > maxEvents) {
      return { status: 413, body: { detail: "too large", max_events: maxEvents, max_bytes: maxBytes } };
    }
    const out = { acknowledged: [], errors: {}, retry: {}, max_events: maxEvents, max_bytes: maxBytes };
    for (const e of body.events) {
      if (e.payload.flaky && (tries.get(e.id) || 0) < e.payload.flaky) {
        tries.set(e.id, (tries.get(e.id) || 0) + 1);
        out.retry[e.id] = "the database was busy; it is sent again";
      } else if (e.payload.bad) {
        out.acknowledged.push(e.id);
        out.errors[e.id] = e.payload.bad;
      } else {
        held.set(e.id, e);
        out.acknowledged.push(e.id);
      }
    }
    return { status: 200, body: out };
  }
  return { send, held, requests };
}

describe("planBatch", () => {
  it("takes the oldest events within the count limit", () => {
    const events = Array.from({ length: 450 }, () => event({ slot: "S1", participant: 1 }));
    assert.deepEqual(planBatches(events).map((b) => b.length), [200, 200, 50]);
    assert.deepEqual(planBatches(events).flat(), events);
  });

  it("splits a backlog of long notes by bytes, every request under the limit", () => {
    const text = ARABIC.repeat(1000).slice(0, 50_000);
    const notes = Array.from({ length: 32 }, () => event({ section: "key_points", text }, "note.save"));
    assert.ok(sizeOf(notes[0]) > 90_000);   // UTF-8: two bytes a letter
    const batches = planBatches(notes);
    assert.ok(batches.length >= 6, `${batches.length} batches`);
    for (const batch of batches) {
      const bytes = new TextEncoder().encode(JSON.stringify({ user: "7", events: batch })).length;
      assert.ok(bytes <= DEFAULT_LIMITS.maxBytes, `${bytes} bytes`);
    }
    assert.equal(batches.flat().length, 32);
  });

  it("always sends the first event, even alone over the limit (so it cannot stall the queue)", () => {
    const huge = event({ text: "x".repeat(1000) }, "note.save");
    assert.deepEqual(planBatch([huge, event()], { maxEvents: 10, maxBytes: 100 }), [huge]);
  });
});

describe("settle", () => {
  const batch = [event(), event(), event(), event()];
  const [a, b, c, d] = batch;

  it("drops acknowledged and refused events, keeps retry and unanswered ones", () => {
    const out = settle(batch, { status: 200, body: {
      acknowledged: [a.id, b.id], errors: { [b.id]: "not on the roster: [9]" },
      retry: { [c.id]: "busy" } } });
    assert.deepEqual(out.applied, [a.id]);
    assert.deepEqual(out.refused.map((r) => [r.id, r.reason]), [[b.id, "not on the roster: [9]"]]);
    assert.deepEqual(out.retry.map((r) => r.id), [c.id, d.id]);
    assert.deepEqual(out.drop, [a.id, b.id]);
    assert.equal(out.state, "idle");
  });

  it("halves the batch after a 413 and adopts the server's limits", () => {
    const out = settle(batch, { status: 413, body: { max_events: 1000, max_bytes: 4096 } });
    assert.deepEqual(out.limits, { maxEvents: 2, maxBytes: 4096 });
    assert.deepEqual(out.drop, []);
  });

  it("reports a single event the server will never take as too large", () => {
    const out = settle([a], { status: 413, body: { max_events: 1000, max_bytes: 2048 } });
    assert.deepEqual(out.drop, [a.id]);
    assert.match(out.refused[0].reason, /too large to send/);
  });

  it("keeps everything when the session expired, the account differs or the server fails", () => {
    assert.equal(settle(batch, { status: 401, body: {} }).state, "auth");
    assert.equal(settle(batch, { status: 403, body: {} }).state, "auth");
    assert.equal(settle(batch, { status: 409, body: { code: "other_user" } }).state, "other-user");
    const failed = settle(batch, { status: 502, body: { detail: "not JSON" } });
    assert.equal(failed.state, "error");
    assert.match(failed.message, /502/);
    for (const status of [401, 409, 502]) assert.deepEqual(settle(batch, { status, body: {} }).drop, []);
  });
});

describe("drain", () => {
  it("a refused event never blocks the events behind it", async () => {
    const bad = event({ bad: "participant: must be a whole number" });
    const queue = memoryQueue([bad, ...Array.from({ length: 5 }, () => event())]);
    const peer = server();
    // one event per request: the refused one is answered alone, before the others are sent
    const report = await drain({ ...queue, send: peer.send, user: "7",
                                 limits: { maxEvents: 1, maxBytes: 65536 } });
    assert.equal(report.state, "idle");
    assert.deepEqual(queue.items, []);
    assert.equal(peer.held.size, 5);
    assert.equal(peer.requests.length, 6);
    assert.deepEqual(report.refused.map((r) => [r.id, r.reason]),
                     [[bad.id, "participant: must be a whole number"]]);
  });

  it("a 'retry later' event is kept without blocking the others, and goes next time", async () => {
    const flaky = event({ flaky: 1 });
    const others = Array.from({ length: 3 }, () => event());
    const queue = memoryQueue([flaky, ...others]);
    const peer = server();
    const first = await drain({ ...queue, send: peer.send, user: "7" });
    assert.deepEqual(queue.items, [flaky]);
    assert.deepEqual(first.retry.map((r) => r.id), [flaky.id]);
    assert.equal(peer.held.size, 3);
    await drain({ ...queue, send: peer.send, user: "7" });
    assert.deepEqual(queue.items, []);
    assert.ok(peer.held.has(flaky.id));
  });

  it("delivers 5,000 events in batches, every one answered", async () => {
    const events = Array.from({ length: 5000 }, () => event({ slot: "S1", participant: 1 }));
    const queue = memoryQueue(events);
    const peer = server();
    const report = await drain({ ...queue, send: peer.send, user: "7" });
    assert.equal(report.state, "idle");
    assert.equal(peer.held.size, 5000);
    assert.equal(peer.requests.length, 25);
  });

  it("narrows its batches when the server's limits are smaller than its own", async () => {
    const queue = memoryQueue(Array.from({ length: 120 }, () => event()));
    const peer = server({ maxEvents: 50 });
    const report = await drain({ ...queue, send: peer.send, user: "7" });
    assert.equal(peer.held.size, 120);
    assert.equal(report.limits.maxEvents, 50);
    assert.ok(peer.requests.filter((r) => r.events <= 50).length >= 3);
  });

  it("gets a backlog of 32 long notes through a server taking 300 KB per request", async () => {
    const text = ARABIC.repeat(1000).slice(0, 50_000);
    const queue = memoryQueue(Array.from({ length: 32 }, () => event({ text }, "note.save")));
    const peer = server({ maxBytes: 300 * 1024 });
    const report = await drain({ ...queue, send: peer.send, user: "7" });
    assert.equal(report.state, "idle");
    assert.equal(peer.held.size, 32);
    assert.ok(peer.requests.every((r, i) => i === 0 || r.bytes <= 300 * 1024));
  });

  it("stops when the network is gone and keeps what was not sent", async () => {
    const queue = memoryQueue(Array.from({ length: 3 }, () => event()));
    const report = await drain({ ...queue, send: server({ down: true }).send, user: "7" });
    assert.equal(report.state, "offline");
    assert.equal(queue.items.length, 3);
  });

  it("keeps another account's queue: the server answers 409", async () => {
    const queue = memoryQueue([event()]);
    const report = await drain({ ...queue, send: server({ user: "8" }).send, user: "7" });
    assert.equal(report.state, "other-user");
    assert.equal(queue.items.length, 1);
  });

  it("ends even when the server answers without naming the events", async () => {
    const queue = memoryQueue([event(), event()]);
    const report = await drain({ ...queue, user: "7",
                                 send: async () => ({ status: 200, body: { acknowledged: [] } }) });
    assert.equal(report.retry.length, 2);
    assert.equal(queue.items.length, 2);
  });
});
