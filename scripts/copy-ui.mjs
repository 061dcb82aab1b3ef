// The browser code is compiled by `tsc -p ui`; its page, styles and icon are copied beside it.
import { cpSync, readdirSync } from 'node:fs';

for (const name of readdirSync('ui')) {
  if (/\.(html|css|svg)$/.test(name)) cpSync(`ui/${name}`, `dist/ui/${name}`);
}
