/**
 * `pet-events serve` as an operator runs it: a process of its own, stopped with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PET_CONTRACTS } from '../../src/pet/catalogue.js';
import { PET_CONSUMERS } from '../../src/pet/consumers/catalogue.js';
import { createPet } from '../../src/pet/pet.js';
import { syncContracts } from '../../src/registry/sync.js';
import { createToken } from '../../src/service/tokens.js';
import { createSqliteEventStore } from '../../src/store/sqlite/store.js';
import { systemPrincipal } from '../../src/unit-of-work/principal.js';

describe('pet-events serve, stopped with SIGTERM', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'pet-serve-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('finishes what it acknowledged, stops its consumers at a checkpoint and exits 0', async () => {
    const path = join(folder, 'pet.db');
    const store = createSqliteEventStore({ path });
    await store.migrate();
    await syncContracts(store, PET_CONTRACTS);
    const pet = createPet(store);
    const bootstrap = { principal: systemPrincipal('bootstrap') };
    await pet.employees.hire(bootstrap, {
      id: 'E-ada',
      name: 'Ada',
      email: 'ada@example.com',
      role: 'admin',
    });
    await pet.customers.create(bootstrap, { id: 'C-1', name: 'Acme' });
    const { token } = await createToken(store, { subject: { employeeId: 'E-ada' } });
    await store.close();

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        '--db',
        `sqlite:${path}`,
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--log-level',
        'silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /serving an SQLite file at http:\/\/localhost:(\d+)/.exec(stderr);
        if (match) resolve(`http://127.0.0.1:${match[1]}`);
      });
      void exited.then(() => reject(new Error(`serve ended before listening: ${stderr}`)));
    });

    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(`${url}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `T-${i}`, customerId: 'C-1', subject: 'Down', priority: 'low' }),
      });
      expect(response.status).toBe(201);
      acknowledged.push(`T-${i}`);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping');
    expect(stderr).toContain('Stopped.');

    const after = createSqliteEventStore({ path });
    try {
      const tickets = await after.query<{ id: string }>('SELECT id FROM pet_tickets ORDER BY id');
      expect(tickets.map((t) => t.id)).toEqual(acknowledged);
      const statuses = await after.readConsumerStatuses();
      expect(statuses.map((s) => [s.consumer, s.state]).sort()).toEqual(
        PET_CONSUMERS.map((c) => [c.name, 'stopped']).sort(),
      );
    } finally {
      await after.close();
    }
  });
});
