import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';

/** Every migration in order, listed by hand: globs do not work with ESM. */
export const MIGRATIONS = [InitialSchema1764000000000];
