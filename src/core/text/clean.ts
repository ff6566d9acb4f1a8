/**
 * Removes page boilerplate (comment forms, "À lire aussi" link blocks, follow-us / newsletter / share
 * footers, cookie notices) from an article's text. Kept lines are never rewritten (only trailing
 * whitespace goes), so quotes taken from the result can be checked character for character.
 */

export interface CleanResult {
  text: string;
  /** The dropped lines, as they were (minus trailing whitespace), in order. */
  removed: string[];
}

/** Lines longer than this are article prose, whatever they contain. */
const MAX_BOILERPLATE_CHARS = 300;
/** A "related articles" link title is shorter than this. */
const MAX_LINK_CHARS = 200;
/** At most this many link lines follow one "À lire aussi" heading. */
const MAX_LINKS_PER_BLOCK = 6;

/** Whole-line boilerplate, matched on the line's key (see `lineKey`). */
const BOILERPLATE: RegExp[] = [
  // comment forms
  /^laisser un commentaire\b/,
  /^(?:\d+\s+)?commentaires?\s*:?$/,
  /^(?:ajouter|écrire|publier) un commentaire\s*:?$/,
  /^please enter your (?:comment|name|e-?mail(?: address)?)(?: here)?\s*!?$/,
  /^you have entered an incorrect e-?mail address/,
  /^votre adresse (?:e-?mail|électronique|de messagerie) ne sera pas publiée/,
  /^save my name, e-?mail,? and website in this browser/,
  /^enregistrer mon nom, mon e-?mail et mon site/,
  /^annuler la réponse$/,
  // follow-us / newsletter / share footers
  /^pour ne manquer aucune actualité/,
  /\bsuivez-nous sur\b/,
  /^(?:abonnez|inscrivez)-vous (?:gratuitement )?à (?:notre|nos|la) newsletters?\b/,
  /^recevez (?:gratuitement )?(?:notre|nos|la) newsletters?\b/,
  /^partager (?:sur|via) (?:facebook|twitter|x|linkedin|whatsapp|pinterest|bluesky|threads|e-?mail|messenger)\b/,
  /^partage[rz] cet article\b/,
  /^cliquez pour partager\b/,
  /^partager\s*:?$/,
  /^share this\s*:?$/,
];

/** Headings that open a block of links to other articles. */
const RELATED_HEADING =
  /^(?:[àa] lire|lire|[àa] voir|voir|[àa] découvrir) (?:aussi|également)\b|^sur le même (?:sujet|thème)\b|^(?:articles|contenus) (?:similaires|liés|associés)\b|^dans la même rubrique\b/;

/** Cookie banners: a cookie word plus the site talking to the reader. */
const COOKIE_WORD = /\bcookies?\b/;
const COOKIE_BANNER =
  /\b(?:ce site|notre site|nous utilisons|vous acceptez|en poursuivant votre navigation|en continuant (?:à|de) naviguer|accepter (?:tous )?les cookies|tout accepter|j'accepte|gérer (?:mes|les|vos) (?:choix|préférences|cookies)|paramétrer les cookies|this (?:web)?site uses|we use cookies)\b/;

export function cleanArticleText(raw: string): CleanResult {
  const lines = raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd());

  const keep: string[] = [];
  const removed: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isBoilerplate(line)) {
      removed.push(line);
      continue;
    }
    const related = relatedBlockEnd(lines, i);
    if (related > i) {
      for (let j = i; j < related; j++) {
        const dropped = lines[j] ?? '';
        if (dropped !== '') removed.push(dropped);
      }
      i = related - 1;
      continue;
    }
    keep.push(line);
  }

  const text = keep.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return { text, removed };
}

/** Lowercased, apostrophes unified, leading emoji/bullets/punctuation dropped: what patterns see. */
function lineKey(line: string): string {
  return line
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’ʼ`´]/g, "'")
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .trim();
}

function isBoilerplate(line: string): boolean {
  if (line.trim() === '' || line.length > MAX_BOILERPLATE_CHARS) return false;
  const key = lineKey(line);
  if (BOILERPLATE.some((re) => re.test(key))) return true;
  return COOKIE_WORD.test(key) && COOKIE_BANNER.test(key);
}

/** A line that reads like a link title: short and not a finished sentence. */
function isLinkLike(line: string): boolean {
  const t = line.trim();
  return t !== '' && t.length < MAX_LINK_CHARS && !/[.!?…]["»”')\]]*$/.test(t);
}

/**
 * If line `i` opens a "related articles" block, returns the index just past the block; otherwise `i`.
 * The block is the heading plus the link-like lines that follow it. To keep article content, a
 * link-like line directly followed by a prose line is taken for a section heading (and kept),
 * unless it is the first link of the block.
 */
function relatedBlockEnd(lines: string[], i: number): number {
  const heading = lines[i] ?? '';
  if (heading.trim() === '' || heading.length > MAX_BOILERPLATE_CHARS) return i;
  const key = lineKey(heading);
  const match = RELATED_HEADING.exec(key);
  if (!match) return i;
  const rest = key.slice(match[0].length).trim();
  if (rest !== '' && !/^[:|>»–—-]*$/.test(rest)) {
    // "Lire aussi : Un titre" on one line: the title is the link. Without a separator it may be prose.
    return /^[:|>»–—-]/.test(rest) && heading.length < MAX_LINK_CHARS + 30 ? i + 1 : i;
  }
  let j = i + 1;
  while (j < lines.length && lines[j] === '') j++; // blank lines between heading and links
  let links = 0;
  while (j < lines.length && links < MAX_LINKS_PER_BLOCK && isLinkLike(lines[j] ?? '')) {
    const next = lines[j + 1];
    const nextIsProse = next !== undefined && next.trim() !== '' && !isLinkLike(next) && !isBoilerplate(next);
    if (links > 0 && nextIsProse) break;
    links++;
    j++;
  }
  return links > 0 ? j : i + 1;
}
