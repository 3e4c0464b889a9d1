#!/usr/bin/env node
// The `trovato` command: runs the bundled CLI (scripts/cli-bundle.js), which is rebuilt first
// when the TypeScript sources changed since it was built.
import { loadCli } from '../scripts/cli-bundle.js';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
