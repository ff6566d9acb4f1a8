import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { extractArticle } from './src/ingest/extract.ts';
import { PAGES } from './tests/fixtures/real-pages/prepare.mjs';
const CANDS = ['Abonnez-vous', 'abonner', 'Newsletter', 'newsletter', 'Partager', 'Lire aussi', 'Publicité', 'Mentions légales', 'Continue reading the main story', 'Advertisement', 'Share this', 'Cookies', 'cookies', 'Se connecter', 'Connexion', 'Commentaires', 'Tous droits réservés', 'Sign in', 'Related', 'Top Stories', 'Most popular', 'Suivez-nous', 'Facebook', 'Twitter', 'Accueil', 'Menu', 'Contact', 'Photo', 'Crédit photo', '©', 'Sur le même sujet', 'Les plus lus', 'Plus de', 'Skip to'];
for (const name of Object.keys(PAGES)) {
  if (process.argv[2] && name !== process.argv[2]) continue;
  const html = readFileSync(`tests/fixtures/real-pages/${name}.html`, 'utf8');
  const a = extractArticle(html, 'http://127.0.0.1/x');
  const p = a.text.split('\n\n');
  const pageText = new JSDOM(html).window.document.body.textContent ?? '';
  const bp = CANDS.filter((c) => pageText.includes(c) && !a.text.includes(c));
  console.log(`=== ${name}\nFIRST: ${p[0]!.slice(0, 300)}\nLAST-1: ${p.at(-2)!.slice(-200)}\nLAST: ${p.at(-1)!.slice(-300)}\nBOILER: ${JSON.stringify(bp)}\nIN-TEXT: ${JSON.stringify(CANDS.filter((c) => a.text.includes(c)))}`);
}
