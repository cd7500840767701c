// Lint rule of the house style: no imports across features, no barrel (index) files.
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

function check(file) {
  const rel = relative(root, file);
  if (/^index\.(ts|tsx)$/.test(file.split(sep).pop())) problems.push(`${rel}: barrel/index files are not allowed`);
  const source = readFileSync(file, 'utf8');
  const own = featureOf(file);
  for (const match of source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
    const spec = match[1];
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
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
