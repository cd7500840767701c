// Lint rule of the house style: no imports across features, no barrel (index) files, and imports that
// leave their own area (a feature, app/, lib/, components/) go through the `@/` alias (`@/x` is `src/x`,
// see tsconfig.json and vite.config.ts), never by climbing with `../../`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const problems = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|tsx)$/.test(name)) check(path);
  }
}

function featureOf(path) {
  const parts = relative(root, path).split(sep);
  return parts[0] === 'features' ? parts[1] : null;
}

/** The area a file belongs to: its feature (`features/chat`), its top folder (`lib`), or '' (a file of src/ itself). */
function areaOf(path) {
  const parts = relative(root, path).split(sep);
  if (parts[0] === 'features') return `features/${parts[1]}`;
  return parts.length === 1 ? '' : parts[0];
}

/** The file or folder an import names, or null for a package. */
function targetOf(file, spec) {
  if (spec.startsWith('@/')) return join(root, spec.slice(2));
  if (spec.startsWith('.')) return resolve(dirname(file), spec);
  return null;
}

// `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
const IMPORTS = /(?:(?:import|export)[^'"]*?from\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function check(file) {
  const rel = relative(root, file);
  if (/^index\.(ts|tsx)$/.test(file.split(sep).pop())) problems.push(`${rel}: barrel/index files are not allowed`);
  const source = readFileSync(file, 'utf8');
  const own = featureOf(file);
  for (const match of source.matchAll(IMPORTS)) {
    const spec = match[1];
    const target = targetOf(file, spec);
    if (target === null) continue;
    if (spec.startsWith('@/') && relative(root, target).startsWith('..')) problems.push(`${rel}: "${spec}" leaves src/`);
    if (spec.startsWith('.')) {
      if (/(^|\/)\.\.\/\.\.(\/|$)/.test(spec)) problems.push(`${rel}: climbs directories (${spec}): import through "@/"`);
      else if (areaOf(target) !== areaOf(file) || (areaOf(file) === '' && relative(root, target).includes(sep))) {
        problems.push(`${rel}: reaches outside its area (${spec}): import through "@/"`);
      }
    }
    const other = featureOf(target);
    if (own && other && other !== own) problems.push(`${rel}: imports feature "${other}" (${spec})`);
    if (!own && other && !rel.startsWith(`app${sep}`)) problems.push(`${rel}: shared code imports feature "${other}" (${spec})`);
  }
}

walk(root);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('check-imports: OK');
