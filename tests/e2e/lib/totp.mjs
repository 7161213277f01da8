// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) for entering codes as an authenticator would.
import { createHmac } from "node:crypto";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export function hotp(secret, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", secret).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

export function totp(base32Secret, { atMs = Date.now(), stepSeconds = 30, digits = 6 } = {}) {
  return hotp(base32Decode(base32Secret), Math.floor(atMs / 1000 / stepSeconds), digits);
}

/** Waits until the current step has at least `marginMs` left, so a code is not stale on arrival. */
export async function freshStepStart(stepSeconds = 30, marginMs = 4000) {
  const left = stepSeconds * 1000 - (Date.now() % (stepSeconds * 1000));
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}
