/**
 * Bytes → text for fetched pages and feeds. The charset comes, in order, from a byte-order mark, the
 * Content-Type header, then the document itself (<meta charset>, <meta http-equiv>, or the XML
 * declaration), else UTF-8, the web's default (with Windows-1252 as the fallback when the bytes are
 * not valid UTF-8, as browsers do for undeclared legacy French pages). Labels follow the WHATWG
 * Encoding Standard (so "iso-8859-1" means Windows-1252, as in every browser); iconv-lite decodes what
 * this Node's TextDecoder does not know.
 */
import iconv from 'iconv-lite';

export class DecodeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DecodeError';
  }
}

export interface Decoded {
  text: string;
  /** The encoding used, canonical name. */
  encoding: string;
  /** Where it came from. */
  from: 'bom' | 'header' | 'document' | 'default' | 'fallback';
}

export function decodeBody(bytes: Uint8Array, headerCharset: string | null, kind: 'html' | 'xml'): Decoded {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { text: decodeAs(bytes.subarray(3), 'utf-8'), encoding: 'utf-8', from: 'bom' };
  if (b0 === 0xff && b1 === 0xfe) return { text: decodeAs(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le', from: 'bom' };
  if (b0 === 0xfe && b1 === 0xff) return { text: decodeAs(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be', from: 'bom' };
  if (headerCharset) {
    const encoding = canonical(headerCharset);
    return { text: decodeAs(bytes, encoding), encoding, from: 'header' };
  }
  const declared = kind === 'html' ? sniffHtmlCharset(bytes) : sniffXmlCharset(bytes);
  if (declared) {
    const encoding = canonical(declared);
    return { text: decodeAs(bytes, encoding), encoding, from: 'document' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', from: 'default' };
  } catch {
    return { text: decodeAs(bytes, 'windows-1252'), encoding: 'windows-1252', from: 'fallback' };
  }
}

/** The WHATWG name for a label when TextDecoder knows it, else the label as iconv-lite knows it. */
function canonical(label: string): string {
  const clean = label.trim().toLowerCase();
  try {
    const encoding = new TextDecoder(clean).encoding;
    // The Encoding Standard decodes "utf-16" declared inside an ASCII-compatible document as UTF-8.
    return encoding;
  } catch {
    if (iconv.encodingExists(clean)) return clean;
    throw new DecodeError(`unknown character encoding "${label}"`);
  }
}

/** Node built without full ICU decodes windows-1252 as Latin-1: detect it once and use iconv-lite then. */
const WINDOWS_1252_OK = (() => {
  try {
    return new TextDecoder('windows-1252').decode(new Uint8Array([0x80, 0x9c])) === '€œ';
  } catch {
    return false;
  }
})();

function decodeAs(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'windows-1252' && !WINDOWS_1252_OK) return iconv.decode(Buffer.from(bytes), 'windows-1252');
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    if (iconv.encodingExists(encoding)) return iconv.decode(Buffer.from(bytes), encoding);
    throw new DecodeError(`cannot decode "${encoding}"`);
  }
}

/** <meta charset="…"> or <meta http-equiv="content-type" content="…; charset=…"> in the first 4 KB. */
function sniffHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return direct ? direct[1]! : null;
}

function sniffXmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const m = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return m ? m[1]! : null;
}
