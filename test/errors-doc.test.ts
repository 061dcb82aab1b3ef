import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../src/events/errors.js';

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('docs/errors.md', () => {
  const documented = [
    ...readFileSync('docs/errors.md', 'utf8').matchAll(
      /^\|\s*`(PET_[A-Z_]+)`\s*\|\s*`?(\w+|\(any other error\))`?\s*\|/gm,
    ),
  ];

  it('lists every code the source uses, and no other', () => {
    const inSource = new Set(
      sourceFiles('src').flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/'(PET_[A-Z_]+)'/g)].map((m) => m[1]),
      ),
    );
    expect(new Set(documented.map((m) => m[1]))).toEqual(inSource);
  });

  it('names the class that carries each code', () => {
    const classes = Object.entries(errors).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof errors.PetError,
    );
    const declared = new Map(
      [
        ...readFileSync('src/events/errors.ts', 'utf8').matchAll(
          /class (\w+) extends PetError \{\n\s+readonly code = '(PET_[A-Z_]+)'/g,
        ),
      ].map((m) => [m[1], m[2]]),
    );
    const byClass = new Map(documented.map((m) => [m[2], m[1]]));
    expect(classes.length).toBeGreaterThan(20);
    for (const [name] of classes) {
      expect(declared.get(name), name).toMatch(/^PET_/);
      expect(byClass.get(name), name).toBe(declared.get(name));
    }
  });
});
