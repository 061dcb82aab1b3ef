import { PetError } from '../events/errors.js';

/** Where a command writes; tests pass their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Prints an error with its stable code; returns the exit code. */
export function reportError(output: Output, error: unknown, json: boolean): number {
  const code = error instanceof PetError ? error.code : 'PET_UNEXPECTED';
  const message = error instanceof Error ? error.message : String(error);
  output.err(json ? JSON.stringify({ error: { code, message } }) : `error [${code}]: ${message}`);
  return 1;
}
