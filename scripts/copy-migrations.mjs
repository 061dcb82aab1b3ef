// The compiler does not copy SQL or JSON files; the built package needs its migrations and the
// built-in KPI definitions beside the code.
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/store/migrations', {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});

cpSync('src/pet/kpi/definitions', 'dist/pet/kpi/definitions', { recursive: true });
