// Model names and labels in a URL, percent-decoded as TF Serving does (curl_easy_unescape): the
// same rule for both protocols' URLs.

const utf8 = new TextDecoder();

/** curl_easy_unescape: every %XX becomes that byte, anything else (including `+`) stays. */
export function decodeName(raw: string): string {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // A whole code point: encoding half of a surrogate pair alone would give U+FFFD.
      const cp = raw.codePointAt(i)!;
      bytes.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
      if (cp > 0xffff) i++;
    }
  }
  return utf8.decode(new Uint8Array(bytes));
}
