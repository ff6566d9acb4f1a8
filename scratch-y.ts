import { readFileSync } from 'node:fs';
import { extractArticle } from './src/ingest/extract.ts';
const [name, n] = [process.argv[2]!, Number(process.argv[3] ?? 4)];
const a = extractArticle(readFileSync(`tests/fixtures/real-pages/${name}.html`, 'utf8'), 'http://127.0.0.1/x');
const p = a.text.split('\n\n');
console.log(p.slice(0, n).join('\n|'), '\n.....\n', p.slice(-n).join('\n|'));
