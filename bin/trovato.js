#!/usr/bin/env node
// The `trovato` command. The CLI is TypeScript run through tsx, so the kernel the CLI uses is
// the very source the browser bundle is built from: no separate build step to drift.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
