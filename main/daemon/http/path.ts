/**
 * The one form of a request path that security decisions are made on. Routes match leniently
 * (any case, a trailing slash) and URL parsers resolve `..`, `%2e%2e` and `\`, so a check on the
 * raw path can be walked around; a check on this form cannot, because it is the widest reading
 * any of them makes: percent-decoded (repeatedly), `\` read as `/`, tabs and newlines dropped
 * (WHATWG URLs drop them), empty segments collapsed, dot segments resolved, no trailing slash.
 * Case is kept (the upstream's paths are case-sensitive); compare with `isUnder`, which ignores it.
 * Null when the path cannot be decoded at all.
 */
export function normalisePath(rawPath: string): string | null {
  let path = rawPath.split('?', 1)[0] ?? '';
  for (let round = 0; round < 3; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const segment of path.replace(/[\t\n\r]/g, '').replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** Whether a normalised path is `prefix` or below it, in any case (`/API/cache` is under `/api`). */
export function isUnder(normalised: string, prefix: string): boolean {
  const path = normalised.toLowerCase();
  return path === prefix || path.startsWith(`${prefix}/`);
}
