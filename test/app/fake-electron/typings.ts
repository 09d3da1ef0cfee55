import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const typings = readFileSync(createRequire(import.meta.url).resolve('electron/electron.d.ts'), 'utf8');

/** The event names Electron's typings declare for a class or interface (and what it extends). */
export function eventsOf(...names: string[]): Set<string> {
  const found = new Set<string>();
  for (const name of names) {
    const start = typings.search(new RegExp(`\\n  (class|interface) ${name} extends`));
    if (start < 0) throw new Error(`electron.d.ts has no ${name}`);
    const end = typings.slice(start + 1).search(/\n {2}(class|interface) /) + start + 1;
    for (const m of typings.slice(start, end).matchAll(/\n {4}on\(event: '([^']+)'/g)) found.add(m[1]!);
  }
  return found;
}

/** Whether Electron's typings give a class or interface this method. */
export function hasMethod(name: string, method: string): boolean {
  const start = typings.search(new RegExp(`\\n  (class|interface) ${name} extends`));
  if (start < 0) return false;
  const end = typings.slice(start + 1).search(/\n {2}(class|interface) /) + start + 1;
  return new RegExp(`\\n    ${method}\\(`).test(typings.slice(start, end));
}
