/**
 * Bytes → text for fetched pages and feeds. The charset comes, in order, from a byte-order mark, the
 * Content-Type header, then the document itself (<meta charset>, <meta http-equiv>, or the XML
 * declaration), else UTF-8, the web's default (with Windows-1252 as the fallback when the bytes are
 * not valid UTF-8, as browsers do for undeclared legacy French pages). Labels follow the WHATWG
 * Encoding Standard (so "iso-8859-1" means Windows-1252, as in every browser); the decoding itself is
 * core/charset.ts, shared with article files.
 */
import { byteOrderMark, decodeAs, decodeStrict, encodingName } from '../core/charset.ts';
import { reasonText } from '../core/failure.ts';
import type { DecodeReason } from './failure.ts';

export class DecodeError extends Error {
  constructor(readonly reason: DecodeReason) {
    super(reasonText(reason));
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
  const bom = byteOrderMark(bytes);
  if (bom) return { text: decodeWith(bytes.subarray(bom.length), bom.encoding), encoding: bom.encoding, from: 'bom' };
  if (headerCharset) {
    const encoding = canonical(headerCharset);
    return { text: decodeWith(bytes, encoding), encoding, from: 'header' };
  }
  const declared = kind === 'html' ? sniffHtmlCharset(bytes) : sniffXmlCharset(bytes);
  if (declared) {
    const encoding = canonical(declared);
    return { text: decodeWith(bytes, encoding), encoding, from: 'document' };
  }
  const utf8 = decodeStrict(bytes, 'utf-8');
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8', from: 'default' };
  return { text: decodeWith(bytes, 'windows-1252'), encoding: 'windows-1252', from: 'fallback' };
}

function canonical(label: string): string {
  const encoding = encodingName(label);
  if (encoding === null) throw new DecodeError({ code: 'unknown-charset', label });
  return encoding;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  const text = decodeAs(bytes, encoding);
  if (text === null) throw new DecodeError({ code: 'undecodable', encoding });
  return text;
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
