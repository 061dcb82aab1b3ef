// The compiler does not copy SQL files; the built package needs its migrations beside the code.
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/store/migrations', {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
