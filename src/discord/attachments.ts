/** Checks and downloads the file an admin attaches to /admin add. */
import { extname } from 'node:path';
import type { DiscordConfig } from './config.ts';
import { Refusal } from './refusal.ts';

export interface AttachmentInfo {
  name: string;
  url: string;
  /** Size Discord reports (checked again while downloading). */
  size: number;
  contentType: string | null;
}

export class AttachmentError extends Refusal {
  constructor(reason: string, code?: string) {
    super(reason, code);
    this.name = 'AttachmentError';
  }
}

/** Discord's attachment hosts. */
const DISCORD_CDN = ['https://cdn.discordapp.com', 'https://media.discordapp.net'];

/**
 * Where attachments may be downloaded from: Discord's CDN, and the origin of DISCORD_REST_API when
 * set (a proxy, or the tests' double, serves attachments from there).
 */
export function allowedAttachmentOrigins(config: Pick<DiscordConfig, 'restApi'>): string[] {
  return config.restApi ? [...DISCORD_CDN, new URL(config.restApi).origin] : DISCORD_CDN;
}

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Origins (`https://host[:port]`) the URL must belong to. */
  allowedOrigins: readonly string[];
}

interface Format {
  /** Content types Discord may report for this extension (absent is accepted too). */
  contentTypes: RegExp;
}

const TEXT = /^(text\/[\w.+-]+|application\/octet-stream)(;|$)/i;

/**
 * Accepted article files. A web page (.html) goes through the same extraction as an article added by
 * URL (html-attachment.ts) before Depeche.addArticles.
 */
const FORMATS: Record<string, Format> = {
  '.md': { contentTypes: TEXT },
  '.markdown': { contentTypes: TEXT },
  '.txt': { contentTypes: TEXT },
  '.html': { contentTypes: /^(text\/html|application\/xhtml\+xml|application\/octet-stream)(;|$)/i },
  '.htm': { contentTypes: /^(text\/html|application\/xhtml\+xml|application\/octet-stream)(;|$)/i },
};

export const ACCEPTED_EXTENSIONS = ['.md', '.txt', '.html'];

/** Refuses, with the reason, a file that cannot be an article: wrong type, too large, empty. */
export function checkAttachment(a: AttachmentInfo, maxBytes: number): void {
  const ext = extname(a.name).toLowerCase();
  const format = FORMATS[ext];
  if (!format) throw new AttachmentError(`type de fichier non accepté (${ext || 'sans extension'}) : envoyez un fichier ${ACCEPTED_EXTENSIONS.join(', ')}`);
  if (a.contentType && !format.contentTypes.test(a.contentType)) {
    throw new AttachmentError(`le contenu annoncé (${a.contentType.split(';')[0]}) ne correspond pas à un fichier ${ext}`);
  }
  if (a.size > maxBytes) throw new AttachmentError(`fichier trop gros (${megabytes(a.size)} ; ${megabytes(maxBytes)} au plus)`);
  if (a.size === 0) throw new AttachmentError('le fichier est vide');
}

/**
 * Downloads the file from the attachment's URL and nowhere else (an allowed origin, no redirect),
 * with one timeout for the whole download, stopping as soon as it grows past `maxBytes`.
 */
export async function downloadAttachment(a: AttachmentInfo, { maxBytes, timeoutMs, allowedOrigins }: DownloadLimits): Promise<Uint8Array> {
  let origin: string;
  try {
    origin = new URL(a.url).origin;
  } catch {
    throw new AttachmentError('l’adresse du fichier est invalide');
  }
  if (!allowedOrigins.includes(origin)) throw new AttachmentError('le fichier n’est pas hébergé par Discord');
  let response: Response;
  try {
    response = await fetch(a.url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (error) {
    throw new AttachmentError(isTimeout(error) ? 'le téléchargement du fichier a pris trop de temps' : 'le fichier n’a pas pu être téléchargé');
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new AttachmentError('le fichier redirige ailleurs : il n’est pas téléchargé');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new AttachmentError(`le fichier n’a pas pu être téléchargé (HTTP ${response.status})`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) throw new AttachmentError(`fichier trop gros (plus de ${megabytes(maxBytes)})`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof AttachmentError) throw error;
    throw new AttachmentError(isTimeout(error) ? 'le téléchargement du fichier a pris trop de temps' : 'le fichier n’a pas pu être lu en entier');
  }
  if (total === 0) throw new AttachmentError('le fichier est vide');
  return Buffer.concat(chunks);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}
