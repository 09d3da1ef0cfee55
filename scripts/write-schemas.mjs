#!/usr/bin/env node
// Writes the JSON Schemas shipped for editors from the schemas the daemon validates with, so the
// two never drift (a test compares them). Run after `npm run build`: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const routing = await import(pathToFileURL(join(root, 'dist', 'main', 'daemon', 'routing', 'schema.js')).href);
const file = join(root, 'assets', 'schema', 'model-routing.schema.json');
writeFileSync(file, `${JSON.stringify(routing.routingJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
