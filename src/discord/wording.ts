/**
 * The French wording of every reason code (core/failure.ts, ingest/failure.ts) and reindex note, for
 * Discord replies. Each switch is exhaustive: a new code without its wording does not compile. The
 * details the libraries give in English (`detail` fields) stay in the logs and are never shown here.
 */
import type { ReindexNote } from '../app/indexer.ts';
import type { ValueKind } from '../core/failure.ts';
import type { FailureReason, RefusedRange } from '../ingest/failure.ts';
import { LockedError } from '../store/lock.ts';
import { WriterUnavailableError } from './shards/rpc.ts';

/** One reason in French, lowercase first, without a final full stop (callers add "Refusé : … ."). */
export function describeFailure(reason: FailureReason): string {
  switch (reason.code) {
    // Article files
    case 'unsupported-type':
      return `type de fichier non pris en charge (${reason.ext || 'sans extension'}) : utilisez .md ou .txt`;
    case 'file-too-large':
      return `fichier trop gros (${size(reason.bytes)}, la limite est de ${size(reason.limit)})`;
    case 'binary':
      return 'fichier binaire, ce n’est pas du texte';
    case 'unreadable-encoding':
      return 'encodage des caractères illisible (enregistrez le fichier en UTF-8)';
    case 'no-text':
      return 'fichier sans texte';
    case 'only-boilerplate':
      return 'aucun texte d’article une fois retirés menus, boutons et mentions de mise en forme';
    case 'front-matter-unclosed':
      return 'en-tête (front matter) non refermé : la première ligne est --- mais aucune ligne --- ne le termine';
    case 'front-matter-syntax':
      return `en-tête (front matter) illisible${reason.line !== null ? ` à la ligne ${reason.line}` : ''} : attendu des lignes « clé: valeur »`;
    case 'front-matter-shape':
      return 'en-tête (front matter) mal formé : attendu des lignes « clé: valeur » (title, source, url, published, language)';
    case 'front-matter-not-text':
      return `en-tête (front matter) : ${reason.field} doit être du texte (reçu ${kind(reason.got)})`;
    case 'front-matter-url':
      return `en-tête (front matter) : url doit être une adresse http(s) (reçu « ${reason.value} »)`;
    case 'front-matter-date':
      return `en-tête (front matter) : published doit être une date comme 2024-05-31 (reçu ${reason.value !== null ? `« ${reason.value} »` : kind(reason.got ?? 'other')})`;
    case 'id-clash':
      return `même identifiant d’article « ${reason.id} » que ${reason.with} : renommez l’un des deux fichiers`;
    case 'unreadable-file':
      return `fichier illisible sur le disque${reason.errno ? ` (${reason.errno})` : ''}`;
    case 'duplicate':
      return `même texte que l’article ${reason.of}, déjà dans le corpus`;
    case 'unchanged':
      return `inchangé : l’article ${reason.of} a déjà ce texte`;
    case 'not-indexed':
      return 'n’a pas été indexé';

    // Fetching
    case 'invalid-url':
      return 'adresse invalide (attendu https://…)';
    case 'unsupported-scheme':
      return `seules les adresses http et https peuvent être récupérées (reçu ${reason.scheme}:)`;
    case 'credentials-in-url':
      return 'les adresses contenant un nom d’utilisateur ou un mot de passe sont refusées';
    case 'private-address': {
      const what = reason.host === reason.address ? `${reason.host} est une adresse ${RANGES[reason.range]}` : `${reason.host} pointe vers ${reason.address}, une adresse ${RANGES[reason.range]}`;
      return `${what} (ajoutez l’hôte à FETCH_ALLOW_HOSTS pour l’autoriser)`;
    }
    case 'unresolvable-host':
      return `impossible de trouver l’adresse de ${reason.host}${reason.errno ? ` (${reason.errno})` : ''}`;
    case 'no-address':
      return `${reason.host} n’a aucune adresse`;
    case 'timeout':
      return reason.phase === 'connect'
        ? `connexion impossible en ${seconds(reason.seconds)} s`
        : `pas de réponse complète en ${seconds(reason.seconds)} s (FETCH_TIMEOUT_MS)`;
    case 'network':
      return `erreur réseau${reason.errno ? ` (${reason.errno})` : ''}`;
    case 'http-status':
      return `le serveur a répondu ${reason.status}${STATUS[reason.status] ? ` (${STATUS[reason.status]})` : reason.status >= 500 ? ' (erreur du serveur)' : ''}`;
    case 'redirect-without-location':
      return `redirection (${reason.status}) sans adresse de destination`;
    case 'too-many-redirects':
      return `trop de redirections (plus de ${reason.max})`;
    case 'content-type':
      return `type de contenu inattendu « ${reason.got ?? 'aucun'} » (attendu : ${expected(reason.expected)})`;
    case 'response-too-large':
      return `la réponse dépasse ${size(reason.limit)} (FETCH_MAX_BYTES)`;
    case 'not-modified-unconditional':
      return 'le serveur a répondu 304 (inchangé) à une requête sans condition';
    case 'robots-disallowed':
      return `le fichier robots.txt de ${reason.host} interdit au bot de lire ${reason.path}`;
    case 'robots-unreachable':
      return `le fichier robots.txt de ${reason.host} est injoignable${reason.status === null ? '' : ` (le serveur a répondu ${reason.status})`} : rien n’est lu sur ce site pour l’instant, nouvel essai plus tard`;

    // Decoding and extraction
    case 'unknown-charset':
      return `encodage des caractères inconnu « ${reason.label} »`;
    case 'undecodable':
      return `impossible de décoder le texte en ${reason.encoding}`;
    case 'no-article-text':
      return reason.chars === 0
        ? 'aucun texte d’article dans ce document (est-ce bien un article ?)'
        : `aucun texte d’article dans ce document : seulement ${fr(reason.chars)} caractères de texte principal (est-ce bien un article ?)`;
    case 'paywalled':
      return `article réservé aux abonnés : seul le chapeau est lisible (${fr(reason.chars)} caractères)`;

    // Feeds
    case 'not-a-feed':
      return 'ce n’est pas un flux RSS ou Atom';
    case 'item-without-link':
      return 'élément sans lien';
    case 'item-bad-link':
      return `le lien de l’élément n’est pas une adresse http(s) : « ${reason.link} »`;
    case 'item-unreadable':
      return 'élément illisible';

    // Storing
    case 'same-page':
      return `même article que ${reason.as}`;
    case 'indexing-failed':
      return 'l’indexation a échoué : rien n’a été gardé, nouvel essai au prochain passage';
    case 'unrecorded':
      return 'raison non enregistrée (échec noté par une version précédente du bot)';
    default:
      return unreachable(reason);
  }
}

/** One reindex note in French. */
export function describeNote(note: ReindexNote): string {
  switch (note.code) {
    case 'model-changed':
      return `l’index avait été construit avec le modèle ${note.from} : tous les vecteurs sont recalculés avec ${note.to}`;
    case 'chunking-changed':
      return 'les réglages des passages ont changé depuis la dernière indexation : chaque article est redécoupé';
    case 'kept-previous':
      return `${note.file} : la version indexée précédemment est conservée`;
    case 'index-rebuilt':
      return 'le fichier d’index était abîmé : il a été reconstruit à partir des vecteurs enregistrés';
    default:
      return unreachable(note);
  }
}

/** An unexpected error of a background job (reindex), for its reply: the details are in the log. */
export function describeJobError(error: unknown): string {
  if (error instanceof LockedError) return `une indexation est déjà en cours dans un autre processus (n° ${error.holderPid}, depuis ${error.since}) : réessayez quand elle sera terminée`;
  if (error instanceof WriterUnavailableError) return 'le processus qui écrit l’index ne répond pas (il redémarre peut-être) : réessayez dans un instant, puis vérifiez avec /admin list';
  return 'erreur interne (le détail est dans le journal du bot)';
}

const RANGES: Record<RefusedRange, string> = {
  loopback: 'locale (boucle)',
  private: 'de réseau privé',
  linkLocal: 'de lien local',
  uniqueLocal: 'de réseau privé (unique locale)',
  carrierGradeNat: 'de NAT d’opérateur',
  unspecified: 'non spécifiée',
  broadcast: 'de diffusion',
  multicast: 'de multidiffusion',
  reserved: 'réservée',
  ipv4Mapped: 'IPv4 encapsulée',
  rfc6052: 'NAT64 (IPv4 incorporée)',
  rfc6145: 'IPv4 traduite',
  '6to4': '6to4 (IPv4 incorporée)',
  teredo: 'Teredo (IPv4 incorporée)',
  ipv4Compatible: 'IPv6 compatible IPv4',
  notGlobalUnicast: 'IPv6 non publique (hors 2000::/3)',
  unparseable: 'illisible',
};

const STATUS: Record<number, string> = {
  400: 'requête invalide',
  401: 'authentification requise',
  403: 'accès interdit',
  404: 'introuvable',
  410: 'supprimé',
  429: 'trop de requêtes',
  500: 'erreur interne du serveur',
  502: 'passerelle en erreur',
  503: 'service indisponible',
  504: 'délai de passerelle dépassé',
};

const KINDS: Record<ValueKind, string> = {
  list: 'une liste',
  date: 'une date',
  mapping: 'un dictionnaire',
  number: 'un nombre',
  boolean: 'un booléen',
  other: 'une valeur d’un autre type',
};

function kind(k: ValueKind): string {
  return KINDS[k];
}

function expected(types: string[]): string {
  if (types.includes('text/html')) return 'du HTML';
  if (types.includes('application/rss+xml') || types.includes('application/atom+xml')) return 'un flux RSS ou Atom';
  return types.join(' ou ');
}

const fr = (n: number): string => n.toLocaleString('fr-FR');

function seconds(s: number): string {
  return s.toLocaleString('fr-FR', { maximumFractionDigits: 1 });
}

/** Bytes in French units (Ko, Mo), as the limits are written. */
function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  return `${fr(Math.round(bytes / 1024))} Ko`;
}

/** Compile time: every code has its wording. Run time (a report stored by an older version): a neutral phrase. */
function unreachable(_value: never): string {
  return 'raison inconnue';
}

/** /admin … library:shared from someone who is not the bot's operator. */
export const SHARED_REFUSED =
  'La bibliothèque partagée est réservée à l’opérateur du bot (propriétaire de l’application ou membre de son équipe) : vos commandes /admin agissent sur la bibliothèque de ce serveur.';
