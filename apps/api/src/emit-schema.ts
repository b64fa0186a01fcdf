/**
 * `npm run schema:emit` writes schema/schema.graphql; `--check` fails when the committed
 * file differs from what the code builds (run in CI).
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApiSchema, printApiSchema } from './schema.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schema/schema.graphql');
const sdl = printApiSchema(await buildApiSchema());
if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== sdl) {
    console.error('schema/schema.graphql is stale: run `npm run build` and commit the result.');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date');
} else {
  await writeFile(target, sdl);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
