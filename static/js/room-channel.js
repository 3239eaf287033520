// Run mode and the room display talk on the same device, never through the server (so the
// display follows the tablet with the network off): a BroadcastChannel, or, in a browser
// without one, the `storage` event of a key written and removed at once (nothing personal
// stays in localStorage). Messages: {type: "hello"} (a display opened: send the state),
// {type: "state", state} (run mode's item, timer and groups), {type: "bye"} (run mode closed).

export function channelName(training, user) {
  return `unct-room:${training}:${user}`;
}

export function roomChannel(name, onMessage) {
  if (typeof BroadcastChannel === "function") {
    const channel = new BroadcastChannel(name);
    channel.addEventListener("message", (event) => onMessage(event.data));
    return { post: (message) => channel.postMessage(message), close: () => channel.close() };
  }
  const listener = (event) => {
    if (event.key !== name || !event.newValue) return;
    try {
      onMessage(JSON.parse(event.newValue).message);
    } catch (err) {
      console.warn("room display: a message that is not JSON", err);
    }
  };
  window.addEventListener("storage", listener);
  let count = 0;
  return {
    post(message) {
      // a new value every time, or a repeated message would not fire the event
      localStorage.setItem(name, JSON.stringify({ message, n: (count += 1), at: Date.now() }));
      localStorage.removeItem(name);
    },
    close: () => window.removeEventListener("storage", listener),
  };
}
