/**
 * Bytes → text, shared by article files (article.ts) and fetched pages and feeds (ingest/decode.ts),
 * so a legacy Windows-1252 file reads the same whichever way it arrives. Encoding names follow the
 * WHATWG Encoding Standard; iconv-lite decodes what this Node's TextDecoder does not know.
 */
import iconv from 'iconv-lite';

export interface ByteOrderMark {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Bytes the mark takes at the start. */
  length: number;
}

/** The encoding a byte-order mark announces, or null when the bytes start with none. */
export function byteOrderMark(bytes: Uint8Array): ByteOrderMark | null {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** The WHATWG name for a label when TextDecoder knows it, else the label as iconv-lite knows it, else null. */
export function encodingName(label: string): string | null {
  const clean = label.trim().toLowerCase();
  try {
    return new TextDecoder(clean).encoding;
  } catch {
    return iconv.encodingExists(clean) ? clean : null;
  }
}

/**
 * Node built without full ICU decodes windows-1252 as Latin-1 (or not at all), which turns the
 * French ’ œ … € of legacy files into control characters: detect it once and use iconv-lite then.
 */
const WINDOWS_1252_OK = (() => {
  try {
    return new TextDecoder('windows-1252').decode(new Uint8Array([0x80, 0x9c])) === '€œ';
  } catch {
    return false;
  }
})();

/**
 * Decodes leniently (bad sequences become U+FFFD; in Windows-1252 the five undefined bytes do too,
 * through iconv-lite). Returns null when neither decoder knows the encoding.
 */
export function decodeAs(bytes: Uint8Array, encoding: string): string | null {
  if (encoding === 'windows-1252' && !WINDOWS_1252_OK) return iconv.decode(Buffer.from(bytes), 'windows-1252');
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    return iconv.encodingExists(encoding) ? iconv.decode(Buffer.from(bytes), encoding) : null;
  }
}

/** Decodes only when the bytes are valid in that encoding (UTF-8, UTF-16), else null. A leading BOM is dropped. */
export function decodeStrict(bytes: Uint8Array, encoding: ByteOrderMark['encoding']): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
