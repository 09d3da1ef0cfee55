#!/usr/bin/env node
// Kept tiny: everything heavier is imported on demand by the command that needs it.
let main;
try {
  ({ main } = await import('../dist/main/cli-bundle/index.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist')) throw error;
  process.stderr.write('Error: CCO is not built yet. Run `npm install` (or `npm run build`) in the CCO checkout.\n');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
