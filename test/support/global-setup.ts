/**
 * Says loudly, before and after the run, when the PostgreSQL suites are skipped, and prints
 * the plain summary line last.
 */
const WARNING = [
  '',
  '!!! PostgreSQL suites SKIPPED: PET_TEST_POSTGRES_URL is not set.',
  '!!! Every storage behaviour is only proven on SQLite in this run.',
  '!!! Run with PET_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test (as .ci/run does).',
  '',
].join('\n');

export default function setup(): () => void {
  const skipped = !process.env.PET_TEST_POSTGRES_URL;
  if (skipped) console.warn(WARNING);
  return () => {
    if (skipped) console.warn(WARNING);
    const summary = (globalThis as { petTestSummary?: string }).petTestSummary;
    if (summary) process.stdout.write(`${summary}\n`);
  };
}
