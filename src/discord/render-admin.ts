/** Message contents for /admin replies. Pure, bounded to one message each. */
import type { AddResult, Status } from '../app/depeche.ts';
import type { ReindexProgress, ReindexReport } from '../app/indexer.ts';
import type { Usage } from '../app/libraries.ts';
import type { ArticleSummary } from '../app/snapshot.ts';
import type { Quotas } from '../settings/servers.ts';
import { escapeText, fitOne, fitQuote, linkOf, MAX_CONTENT } from './render.ts';
import { describeFailure, describeNote } from './wording.ts';

const PHASES: Record<ReindexProgress['phase'], string> = {
  scan: 'lecture des articles',
  embed: 'calcul des vecteurs',
  index: 'construction de l’index',
  commit: 'enregistrement',
};

const fr = (n: number): string => n.toLocaleString('fr-FR');

export function renderReindexStarted(full: boolean): string {
  return full ? 'Réindexation complète lancée : tout est relu et recalculé.' : 'Indexation lancée : seuls les articles nouveaux ou modifiés sont traités.';
}

export function renderProgress(prefix: string, p: ReindexProgress | null): string {
  if (!p) return `${prefix}…`;
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
  return `${prefix} : ${PHASES[p.phase]} ${fr(p.done)}/${fr(p.total)} (${pct} %)…`;
}

/** The figures of a reindex, on one line. */
function reportHead(r: ReindexReport): string {
  return (
    `en ${(r.durationMs / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s : ` +
    `${fr(r.articles)} articles (${r.added} nouveaux, ${r.updated} modifiés, ${r.removed} retirés, ${r.failed.length} refusés), ` +
    `${fr(r.passages)} passages, ${fr(r.embedded)} vecteurs calculés, ${fr(r.reusedVectors)} réutilisés.`
  );
}

export function renderReindexReport(r: ReindexReport): string {
  const lines = [
    `Indexation terminée ${reportHead(r)}`,
    ...r.notes.map((n) => `Note : ${escapeText(describeNote(n))}`),
    ...r.failed.map((f) => `Refusé : \`${fitQuote(f.file, 120)}\` : ${fitQuote(describeFailure(f.reason), 300)}`),
  ];
  return fitOne(lines, (n) => `… et ${n} autres lignes.`);
}

export function renderAddResult(result: AddResult): string {
  const lines: string[] = [];
  for (const a of result.added) {
    lines.push(
      `Article ajouté : \`${a.id}\``,
      `Titre : ${a.title ? fitQuote(a.title, 200) : '(aucun : le fichier n’en donne pas)'}`,
      `Média : ${a.source ? fitQuote(a.source, 100) : '(inconnu)'} — date : ${a.published ?? '(inconnue)'} — lien : ${linkOf(a.url) ?? '(aucun)'}`,
      `Longueur : ${fr(a.chars)} caractères, ${fr(a.passages)} passages.`,
      `Début : « ${fitQuote(a.opening, 300)} »`,
    );
  }
  for (const s of result.skipped) lines.push(`Ignoré : \`${fitQuote(s.file, 120)}\` : ${fitQuote(describeFailure(s.reason), 300)}`);
  for (const f of result.failed) lines.push(`Refusé : \`${fitQuote(f.file, 120)}\` : ${fitQuote(describeFailure(f.reason), 300)}`);
  if (lines.length === 0) lines.push('Rien n’a été ajouté.');
  return fitOne(lines, (n) => `… et ${n} autres lignes.`);
}

export function renderArticleList(articles: ArticleSummary[]): string {
  if (articles.length === 0) return 'Le corpus est vide.';
  const lines = [
    `**${fr(articles.length)} articles :**`,
    ...articles.map((a) => {
      const about = [a.source, a.published].filter((x): x is string => !!x).map((x) => fitQuote(x, 80));
      return `• \`${a.id}\` — ${a.title ? fitQuote(a.title, 120) : '(sans titre)'}${about.length ? ` — ${about.join(', ')}` : ''} — ${a.passages} passages`;
    }),
  ];
  return fitOne(lines, (n) => `… et ${fr(n)} autres (la commande /admin remove les retrouve par leur titre).`);
}

/** Which library /admin status describes, and for a server its usage against its quotas. */
export type LibraryDescription = { kind: 'shared' } | { kind: 'server'; usage: Usage & { feeds: number }; quotas: Quotas; sharedOff: boolean };

function libraryLines(d: LibraryDescription): string[] {
  if (d.kind === 'shared') return ['**Bibliothèque partagée** (gérée par l’opérateur du bot, répond dans tous les serveurs qui ne l’ont pas désactivée)'];
  const { usage: u, quotas: q } = d;
  return [
    `**Bibliothèque de ce serveur** — bibliothèque partagée ${d.sharedOff ? '**désactivée** (les membres n’ont que les articles de ce serveur)' : 'activée (les membres ont aussi ses articles)'}`,
    `**Utilisation :** ${fr(u.articles)}/${fr(q.articles)} articles, ${size(u.bytes)}/${size(q.bytes)}, ${fr(u.feeds)}/${fr(q.feeds)} flux, ${fr(u.reindexesLastHour)}/${fr(q.reindexesPerHour)} indexations dans l’heure`,
  ];
}

export function renderStatus(s: Status, now = Date.now(), library?: LibraryDescription): string {
  const lines = [
    ...(library ? libraryLines(library) : []),
    `**Articles :** ${fr(s.articles)} — **passages :** ${fr(s.passages)}`,
    `**Modèle :** \`${s.model}\`${s.indexModel && s.indexModel !== s.model ? ` (index construit avec \`${s.indexModel}\` : lancez /admin reindex)` : ''}`,
    s.builtAt
      ? `**Index :** génération ${s.generation}, construit il y a ${age(now - Date.parse(s.builtAt))} (${s.builtAt}), ${size(s.indexBytes)} de vecteurs, ${size(s.databaseBytes)} de métadonnées`
      : '**Index :** aucun pour l’instant (lancez /admin reindex)',
    s.reindexing ? '**Indexation en cours.**' : '**Indexation :** aucune en cours',
  ];
  // Only the figures: a report stored by an older version may hold reasons in another form.
  if (s.lastReindex) lines.push(`**Dernière indexation :** terminée ${reportHead(s.lastReindex)}`);
  return fitOne(lines, () => '…', MAX_CONTENT);
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} j`;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} Kio`;
  return `${(bytes / 1024 / 1024).toFixed(1)} Mio`;
}
