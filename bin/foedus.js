#!/usr/bin/env node
// The `foedus` command. TypeScript sources run through tsx so that a fresh
// clone needs no build step before `npx foedus`.
import { register } from 'tsx/esm/api';

register();
const { main, endQuietlyWhenOutputCloses } = await import('../src/cli/main.ts');
endQuietlyWhenOutputCloses();
process.exitCode = await main(process.argv);
