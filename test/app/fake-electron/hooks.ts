// Module hooks (node:module register): `import ... from 'electron'` gets the stand-in next to this file.
const fake = new URL('./electron.js', import.meta.url).href;

export async function resolve(
  specifier: string,
  context: object,
  next: (specifier: string, context: object) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: fake, shortCircuit: true };
  return next(specifier, context);
}
