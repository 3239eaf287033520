// The check-in code of a minute (docs/run-mode.md, "Self check-in"), as the server computes
// it (runsheet/checkin_codes.py): HMAC-SHA256(slot secret, minute since 1970), the first 10
// hex digits. No DOM here, so node runs it in tests/runsheet/test_checkin.py.
export const CODE_LENGTH = 10;
export const MINUTE = 60000;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function codeFor(secret, minute) {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret),
                                            { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(String(minute)))).slice(0, CODE_LENGTH);
}

// The link the QR code carries: the snapshot's base URL, then slot, minute and code.
export async function checkinUrl(base, uid, secret, minute) {
  return `${base}${uid}/${minute}/${await codeFor(secret, minute)}/`;
}
