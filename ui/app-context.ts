/** What every page is given: who is signed in, and what they may open. */
import type { Abilities, Session } from './types.js';

export interface AppContext {
  readonly session: Session;
  readonly abilities: Abilities;
}
