#!/usr/bin/env node
// Kept tiny: everything heavier is imported on demand by the command that needs it.
import { main } from '../dist/main/cli/index.js';

process.exitCode = await main(process.argv.slice(2));
