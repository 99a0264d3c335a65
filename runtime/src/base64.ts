// Standard base64 (RFC 4648 §4: `A-Z a-z 0-9 + /`, `=` padding) for blobs in
// JSON bodies. Written by hand because workerd has no Buffer and atob/btoa
// work on "binary strings" and accept sloppy input (whitespace, missing
// padding) that we want to reject.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Char code of each base64 digit, indexed by its 6-bit value. */
const DIGITS = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

/** 6-bit value of each ASCII char code, or 255 for a char outside the alphabet. */
const VALUES = new Uint8Array(128).fill(255);
DIGITS.forEach((code, value) => (VALUES[code] = value));

const PAD = 61; // "="

const ascii = new TextDecoder();

/** Encodes bytes as padded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = DIGITS[n >> 18]!;
    out[o++] = DIGITS[(n >> 12) & 63]!;
    out[o++] = DIGITS[(n >> 6) & 63]!;
    out[o++] = DIGITS[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = DIGITS[n >> 18]!;
    out[o++] = DIGITS[(n >> 12) & 63]!;
    out[o++] = rest === 2 ? DIGITS[(n >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

/**
 * Decodes padded standard base64, or returns null when text is not exactly
 * what {@link encodeBase64} produces for some bytes: a length that is a
 * multiple of 4, only alphabet digits, at most two `=` and only at the end,
 * no whitespace, and zero unused bits in the last digit (so every byte
 * sequence has one accepted spelling).
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  let pad = 0;
  if (text.length > 0 && text.charCodeAt(text.length - 1) === PAD) {
    pad = text.charCodeAt(text.length - 2) === PAD ? 2 : 1;
  }
  const digits = text.length - pad;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < digits; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code]! : 255;
    if (value === 255) return null;
    acc = ((acc << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >> bits;
      acc &= (1 << bits) - 1;
    }
  }
  return acc === 0 ? out : null;
}
