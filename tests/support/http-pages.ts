/**
 * French news pages and feeds written for the ingestion tests: each article sits in a real page
 * layout (cookie banner, navigation, ads, "À lire aussi", share buttons, comments, footer) that the
 * extraction must leave out.
 */

export interface TestArticle {
  slug: string;
  title: string;
  outlet: string;
  author: string;
  /** ISO timestamp as pages write it. */
  published: string;
  paragraphs: string[];
}

export const SNCF: TestArticle = {
  slug: 'sncf-commande-tgv-m',
  title: 'La SNCF commande quarante-deux rames TGV M supplémentaires à Alstom',
  outlet: 'Le Courrier du Rail',
  author: 'Claire Martin',
  published: '2024-03-12T08:30:00+01:00',
  paragraphs: [
    'La SNCF a annoncé mardi la commande de 42 rames TGV M supplémentaires auprès du constructeur Alstom, pour un montant de 1,3 milliard d’euros.',
    'Ces trains à grande vitesse de nouvelle génération, assemblés à La Rochelle et à Belfort, doivent entrer en service commercial sur l’axe Paris-Lyon-Marseille à partir de 2025.',
    'Selon la direction de SNCF Voyageurs, chaque rame pourra transporter jusqu’à 740 passagers, soit 20 % de plus que les rames Duplex actuelles, tout en consommant 20 % d’énergie en moins.',
    'Cette commande porte à 157 le nombre total de rames TGV M attendues d’ici à 2031. Elle répond à une fréquentation record : les trains à grande vitesse ont transporté 122 millions de voyageurs l’an dernier.',
    '« Nous devons augmenter notre capacité de façon massive pour répondre à la demande », a déclaré le président de la SNCF, qui souhaite également moderniser les ateliers de maintenance.',
    'Les syndicats de cheminots saluent une bonne nouvelle pour l’industrie ferroviaire française, mais rappellent que les recrutements de conducteurs devront suivre.',
  ],
};

export const BREST: TestArticle = {
  slug: 'brest-terminal-eolien',
  title: 'Le port de Brest inaugure un terminal pour les éoliennes flottantes',
  outlet: 'Ouest Matin',
  author: 'Yann Le Goff',
  published: '2024-05-02T07:00:00+02:00',
  paragraphs: [
    'Le port de Brest a inauguré jeudi un terminal de quatorze hectares consacré à l’assemblage des éoliennes flottantes, après trois années de travaux.',
    'Le chantier a coûté 220 millions d’euros, financés en majorité par la région Bretagne, qui mise sur l’éolien en mer pour créer plusieurs milliers d’emplois.',
    'Les premiers flotteurs doivent être assemblés sur le quai dès l’automne pour le parc pilote de Groix et Belle-Île, situé au large du Morbihan.',
    'Les pêcheurs restent vigilants : ils demandent que les zones de pêche autour des futurs parcs soient préservées et que les câbles sous-marins soient ensouillés.',
    'La présidente de la région a rappelé que la Bretagne ambitionne de produire localement la moitié de son électricité d’ici à 2040.',
  ],
};

export const VENDANGES: TestArticle = {
  slug: 'vendanges-bourgogne',
  title: 'Vendanges : la récolte bourguignonne en baisse d’un tiers',
  outlet: 'Ouest Matin',
  author: 'Agence',
  published: '2024-09-20T10:15:00+02:00',
  paragraphs: [
    'Les vignerons de Bourgogne s’attendent à une récolte en baisse de 30 % cette année, après un printemps marqué par le gel et une forte pression du mildiou.',
    'Dans la Côte de Nuits, certains domaines ont perdu plus de la moitié de leurs raisins, tandis que le Chablisien a été relativement épargné par les intempéries.',
    'L’interprofession estime toutefois que la qualité sera au rendez-vous grâce à un mois de septembre ensoleillé, favorable à la maturité des grappes.',
    'Les prix des vins de Bourgogne, déjà élevés, pourraient encore augmenter sur les marchés internationaux, où la demande reste soutenue.',
    'Les coopératives réclament un dispositif d’assurance récolte mieux adapté aux aléas climatiques qui se multiplient depuis dix ans.',
  ],
};

export const LOUVRE: TestArticle = {
  slug: 'louvre-nocturnes',
  title: 'Le Louvre ouvrira jusqu’à 22 heures le vendredi',
  outlet: 'Ouest Matin',
  author: 'Léa Dubois',
  published: '2024-10-01T09:00:00+02:00',
  paragraphs: [
    'Le musée du Louvre prolongera ses horaires d’ouverture jusqu’à 22 heures chaque vendredi à partir du mois de novembre, a annoncé sa direction.',
    'Cette nocturne hebdomadaire doit permettre de mieux répartir les visiteurs, alors que le musée a accueilli près de neuf millions de personnes l’an dernier.',
    'Une jauge quotidienne de 30 000 visiteurs reste en vigueur, et la réservation d’un créneau horaire demeure obligatoire pour tous les publics.',
    'Les agents d’accueil et de surveillance seront renforcés le vendredi soir, selon un accord conclu avec les organisations syndicales du musée.',
    'Des visites guidées thématiques seront proposées pendant ces soirées, notamment autour des antiquités égyptiennes et de la peinture française.',
  ],
};

/** Written in Windows-1252 by the test: ’, œ, € and « » are single bytes there. */
export const CAFE: TestArticle = {
  slug: 'prix-du-cafe',
  title: 'Le prix du café s’envole chez les torréfacteurs',
  outlet: 'La Gazette du Marché',
  author: 'Paul Renaud',
  published: '2024-11-05T06:00:00+01:00',
  paragraphs: [
    'Le prix du café vert a atteint 4,80 € le kilo sur les marchés, un niveau jamais vu depuis 1977, ce qui inquiète les torréfacteurs indépendants.',
    'Au cœur de cette flambée, la sécheresse qui a frappé le Brésil et le Vietnam, les deux premiers producteurs mondiaux, a réduit l’offre de robusta.',
    'Les torréfacteurs lyonnais interrogés prévoient de répercuter une hausse de 15 % sur leurs tarifs de détail avant la fin de l’année.',
    '« C’est l’œuvre d’une spéculation autant que du climat », estime un négociant, qui conseille aux consommateurs de ne pas constituer de stocks.',
    'Les cafés vendus en grande surface devraient suivre la même tendance au premier trimestre, selon les distributeurs.',
  ],
};

export interface PageOptions {
  /** The page's own address, for link rel=canonical (absolute). */
  canonical?: string;
  /** `<meta charset>` value; null writes none. */
  charset?: string | null;
  /** Override the paragraphs (an updated version of the article). */
  paragraphs?: string[];
  /** Leave out the JSON-LD block (metadata from meta tags and <time> only). */
  noJsonLd?: boolean;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function articlePage(a: TestArticle, options: PageOptions = {}): string {
  const paragraphs = options.paragraphs ?? a.paragraphs;
  const charset = options.charset === undefined ? 'utf-8' : options.charset;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: a.title,
    datePublished: a.published,
    author: [{ '@type': 'Person', name: a.author }],
    publisher: { '@type': 'Organization', name: a.outlet },
    inLanguage: 'fr-FR',
  };
  return `<!DOCTYPE html>
<html lang="fr-FR">
<head>
${charset ? `<meta charset="${charset}">` : ''}
<title>${escapeHtml(a.title)} | ${escapeHtml(a.outlet)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="${escapeHtml(a.title)}">
<meta property="og:site_name" content="${escapeHtml(a.outlet)}">
<meta property="og:type" content="article">
${options.noJsonLd ? '' : `<meta property="article:published_time" content="${a.published}">`}
<meta name="author" content="${escapeHtml(a.author)}">
${options.canonical ? `<link rel="canonical" href="${escapeHtml(options.canonical)}">` : ''}
${options.noJsonLd ? '' : `<script type="application/ld+json">${JSON.stringify(jsonLd)}</script>`}
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({event: 'pageview'}); document.write('<p>injected by a script</p>');</script>
<style>.pub { width: 300px; height: 250px; } .cookie-banner { position: fixed; }</style>
</head>
<body>
<div class="cookie-banner" id="cookie-consent"><p>Nous utilisons des cookies pour améliorer votre expérience. En poursuivant votre navigation, vous acceptez leur utilisation.</p><button>Accepter</button><button>Paramétrer</button></div>
<header class="site-header">
  <a class="logo" href="/">${escapeHtml(a.outlet)}</a>
  <nav class="main-nav"><ul>
    <li><a href="/politique">Politique</a></li><li><a href="/economie">Économie</a></li><li><a href="/societe">Société</a></li>
    <li><a href="/culture">Culture</a></li><li><a href="/sport">Sport</a></li><li><a href="/abonnement">S’abonner</a></li>
  </ul></nav>
</header>
<div class="pub ad-banner" id="ad-top"><span>Publicité</span><a href="https://ads.example/click?id=1">Découvrez nos offres de crédit à taux réduit, simulation gratuite en ligne !</a></div>
<main id="content">
  <nav class="breadcrumb"><a href="/">Accueil</a> › <a href="/economie">Économie</a></nav>
  <article class="article">
    <h1 class="article-title">${escapeHtml(a.title)}</h1>
    <p class="byline">Par <span class="author">${escapeHtml(a.author)}</span> — <time datetime="${a.published}">Publié le ${a.published.slice(0, 10)}</time></p>
    <div class="share"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur X</a> <a href="#">Copier le lien</a></div>
    <div class="article-body">
${paragraphs.map((p, i) => `      <p>${escapeHtml(p)}</p>${i === 2 ? '\n      <aside class="related"><h3>À lire aussi</h3><ul><li><a href="/autre-article">Les prix de l’immobilier reculent encore à Paris</a></li><li><a href="/encore">Météo : un week-end pluvieux sur la moitié nord</a></li></ul></aside>\n      <div class="pub ad-inread"><span>Publicité</span><p>Votre mutuelle dès 9,90 € par mois, sans questionnaire de santé.</p></div>' : ''}`).join('\n')}
    </div>
  </article>
  <section class="comments" id="comments">
    <h2>Commentaires (3)</h2>
    <div class="comment"><p class="comment-author">jeanmi75</p><p>N’importe quoi, encore une annonce sans lendemain, on verra bien dans dix ans.</p></div>
    <div class="comment"><p class="comment-author">Sylvie</p><p>Très bon article, merci pour ces précisions utiles et bien sourcées.</p></div>
    <div class="comment"><p class="comment-author">contribuable</p><p>Et qui va payer tout ça ? Toujours les mêmes, évidemment.</p></div>
    <form class="comment-form"><textarea placeholder="Votre commentaire"></textarea><button>Publier</button></form>
  </section>
</main>
<aside class="sidebar"><h3>Les plus lus</h3><ol><li><a href="/a">Un automobiliste flashé à 210 km/h sur l’A7</a></li><li><a href="/b">Les soldes d’hiver commencent mercredi</a></li></ol><div class="pub"><span>Publicité</span></div></aside>
<footer class="site-footer"><p>Suivez-nous sur les réseaux sociaux.</p><p>© 2024 ${escapeHtml(a.outlet)} — Tous droits réservés — Mentions légales — Contact</p></footer>
</body>
</html>`;
}

/** A home page: links and teasers, no article. */
export function homePage(): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Ouest Matin — Accueil</title></head><body>
<header><nav><ul><li><a href="/politique">Politique</a></li><li><a href="/economie">Économie</a></li></ul></nav></header>
<main><ul class="teasers">
<li><a href="/a1">Le port de Brest inaugure un terminal</a></li>
<li><a href="/a2">Vendanges : la récolte en baisse</a></li>
<li><a href="/a3">Le Louvre ouvrira plus tard</a></li>
</ul></main><footer>© Ouest Matin</footer></body></html>`;
}

/** A subscriber-only page: a teaser, then the paywall. */
export function paywallPage(): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Enquête : les coulisses du rachat | Le Journal</title>
<meta property="og:site_name" content="Le Journal">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Enquête : les coulisses du rachat","isAccessibleForFree":false}</script>
</head><body><header><nav><a href="/">Accueil</a></nav></header>
<main><article><h1>Enquête : les coulisses du rachat</h1>
<p>Pendant des mois, les négociations se sont déroulées dans le plus grand secret entre les deux groupes.</p>
<div class="paywall"><p>Cet article est réservé aux abonnés. Pour lire la suite, abonnez-vous pour 1 € le premier mois.</p><a href="/abonnement">Je m’abonne</a> <a href="/connexion">Déjà abonné ? Se connecter</a></div>
</article></main><footer>© Le Journal</footer></body></html>`;
}

export interface FeedItem {
  title: string;
  link: string;
  /** RSS guid / Atom id; defaults to the link. */
  id?: string;
  published: string;
}

export function rssFeed(title: string, site: string, items: FeedItem[], extraItemXml = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>${escapeHtml(title)}</title>
<link>${escapeHtml(site)}</link>
<description>Toute l’actualité</description>
<language>fr</language>
${items
  .map(
    (i) => `<item>
  <title>${escapeHtml(i.title)}</title>
  <link>${escapeHtml(i.link)}</link>
  <guid isPermaLink="${i.id ? 'false' : 'true'}">${escapeHtml(i.id ?? i.link)}</guid>
  <pubDate>${new Date(i.published).toUTCString()}</pubDate>
  <description>${escapeHtml(i.title)}</description>
</item>`,
  )
  .join('\n')}
${extraItemXml}
</channel>
</rss>`;
}

export function atomFeed(title: string, site: string, items: FeedItem[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
<title>${escapeHtml(title)}</title>
<link href="${escapeHtml(site)}"/>
<id>${escapeHtml(site)}</id>
<updated>2024-10-01T09:00:00Z</updated>
${items
  .map(
    (i) => `<entry>
  <title>${escapeHtml(i.title)}</title>
  <link rel="alternate" type="text/html" href="${escapeHtml(i.link)}"/>
  <id>${escapeHtml(i.id ?? i.link)}</id>
  <updated>${new Date(i.published).toISOString()}</updated>
  <published>${new Date(i.published).toISOString()}</published>
  <summary>${escapeHtml(i.title)}</summary>
</entry>`,
  )
  .join('\n')}
</feed>`;
}
