#!/usr/bin/env node
import { buildProgram } from './program.js';

// A reader that stops early (`pet-events events | head`) ends the output, not in a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

await buildProgram().parseAsync(process.argv);
