// The queue's state machine, with no browser API in it (unit-tested with `node --test`,
// tests/js/sync-core.test.js): which events go in the next request, what an answer means
// for each of them, and the loop that drains a queue without ever stalling on one event.
//
// Answers from the server (syncqueue/services.py):
//   acknowledged  the server holds it (applied, or refused for good): drop it;
//   errors[id]    refused for good, with the reason to show: drop it, report it;
//   retry[id]     a passing failure: keep it, send it again after the rest of the queue.
// A 413 names the server's limits: the batch is split and sent again. 401/403 keep the
// whole queue until the user signs in again; 409 means the queue belongs to another account.

export const DEFAULT_LIMITS = Object.freeze({ maxEvents: 200, maxBytes: 512 * 1024 });

const encoder = new TextEncoder();

// What travels: the event without the device's bookkeeping (scope, user).
export function wire(event) {
  return { id: event.id, type: event.type, payload: event.payload, recorded_at: event.recorded_at };
}

// Bytes the event takes in the request body (UTF-8, plus a comma).
export function sizeOf(event) {
  return encoder.encode(JSON.stringify(wire(event))).length + 1;
}

// The next batch: the oldest events, within both the count and the byte limit. The first
// event always goes, even alone over the limit: the server then says 413 and the event is
// reported as too large, instead of stalling the queue behind it.
export function planBatch(events, limits = DEFAULT_LIMITS) {
  const batch = [];
  let bytes = 64;   // the envelope {"user": …, "events": [ … ]}
  for (const event of events) {
    const size = sizeOf(event);
    if (batch.length && (batch.length >= limits.maxEvents || bytes + size > limits.maxBytes)) break;
    batch.push(event);
    bytes += size;
  }
  return batch;
}

export function planBatches(events, limits = DEFAULT_LIMITS) {
  const batches = [];
  let rest = events;
  while (rest.length) {
    const batch = planBatch(rest, limits);
    batches.push(batch);
    rest = rest.slice(batch.length);
  }
  return batches;
}

function tighter(limits, body) {
  return {
    maxEvents: Math.max(1, Math.min(limits.maxEvents, Number(body.max_events) || limits.maxEvents)),
    maxBytes: Math.max(1024, Math.min(limits.maxBytes, Number(body.max_bytes) || limits.maxBytes)),
  };
}

// What one answer means for the events of one batch.
// Returns { applied, refused: [{id, reason, event}], retry: [{id, reason}], drop: [ids],
//           state: "idle" | "auth" | "other-user" | "error", message, limits }.
export function settle(batch, response, limits = DEFAULT_LIMITS) {
  const out = { applied: [], refused: [], retry: [], drop: [], state: "idle", message: "",
                limits };
  const body = (response && typeof response.body === "object" && response.body) || {};
  const status = response ? response.status : 0;
  if (status === 200) {
    const acknowledged = new Set(Array.isArray(body.acknowledged) ? body.acknowledged : []);
    const errors = body.errors && typeof body.errors === "object" ? body.errors : {};
    const retry = body.retry && typeof body.retry === "object" ? body.retry : {};
    for (const event of batch) {
      if (Object.hasOwn(errors, event.id)) {
        out.refused.push({ id: event.id, reason: String(errors[event.id]), event });
        out.drop.push(event.id);
      } else if (acknowledged.has(event.id)) {
        out.applied.push(event.id);
        out.drop.push(event.id);
      } else {
        out.retry.push({ id: event.id,
                         reason: String(retry[event.id] || "no answer from the server yet") });
      }
    }
    out.limits = tighter(limits, body);
    return out;
  }
  if (status === 413) {
    out.limits = tighter(limits, body);
    if (batch.length > 1) {
      // split: at most half of this batch next time (and within the server's limits)
      out.limits = { ...out.limits,
                     maxEvents: Math.max(1, Math.min(out.limits.maxEvents, Math.ceil(batch.length / 2))) };
    } else if (batch.length === 1) {
      const [event] = batch;
      out.refused.push({ id: event.id, event, reason: `too large to send (${sizeOf(event)} bytes; ` +
                         `the server takes at most ${out.limits.maxBytes})` });
      out.drop.push(event.id);
    }
    return out;
  }
  if (status === 401 || status === 403) {
    out.state = "auth";
    out.message = String(body.detail || "Sign in again to send the queued actions.");
  } else if (status === 409) {
    out.state = "other-user";
    out.message = String(body.detail || "These actions belong to another account.");
  } else {
    out.state = "error";
    out.message = status ? `The server answered ${status}${body.detail ? `: ${body.detail}` : ""}; ` +
                           "trying again shortly." : "No answer from the server.";
  }
  return out;
}

// Send everything queued, batch after batch, until the queue is empty, the network is gone
// or the server asks for a sign-in. `load()` gives the queued events (oldest first),
// `send(body)` resolves to {status, body} (and throws when the network fails), `drop(ids)`
// removes events. A refused or a "retry" event never blocks the ones behind it.
export async function drain({ load, send, drop, user = null, limits = DEFAULT_LIMITS }) {
  const report = { state: "idle", message: "", applied: [], refused: [], retry: [], limits,
                   requests: 0 };
  const skipped = new Set();
  let current = { ...limits };
  for (;;) {
    const events = (await load()).filter((event) => !skipped.has(event.id));
    if (!events.length) break;
    const batch = planBatch(events, current);
    let response;
    try {
      report.requests += 1;
      response = await send({ user, events: batch.map(wire) });
    } catch (err) {
      report.state = "offline";
      report.message = String((err && err.message) || err);
      break;
    }
    const step = settle(batch, response, current);
    if (step.drop.length) await drop(step.drop);
    report.applied.push(...step.applied);
    report.refused.push(...step.refused);
    report.retry.push(...step.retry);
    step.retry.forEach((r) => skipped.add(r.id));
    const before = current;
    current = step.limits;
    if (step.state !== "idle") {
      report.state = step.state;
      report.message = step.message;
      break;
    }
    if (response.status === 413 && !step.drop.length && current.maxEvents >= before.maxEvents &&
        current.maxBytes >= before.maxBytes) {
      report.state = "error";   // a 413 that narrows nothing: do not loop
      report.message = "The server refuses even the smallest batch.";
      break;
    }
  }
  report.limits = current;
  return report;
}
