import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// uuid asks the system for 16 random bytes on every call; appends make ids in bulk, so draw
// the randomness from a pool refilled 256 ids at a time.
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;

/** A fresh UUIDv7: time-ordered, so ids made later sort later. */
export function newEventId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const random = pool.subarray(16 * next, 16 * (next + 1));
  next += 1;
  return uuidv7({ random });
}
