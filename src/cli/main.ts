#!/usr/bin/env node
/** Entry point of the `concept-ebm` command (see src/cli/program.ts). */
import { processIo } from './io.js';
import { runCli } from './program.js';

runCli(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `concept-ebm: error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
