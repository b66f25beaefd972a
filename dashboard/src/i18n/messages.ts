import type { zhCN } from './zh-CN';

/** Same tree as the source catalogue with every leaf widened to `string`. */
type CatalogueShape<T> = { [K in keyof T]: T[K] extends string ? string : CatalogueShape<T[K]> };

/**
 * The shape every language must have. Annotating a catalogue with it makes a missing key
 * an error, and an extra key too (excess property check on the object literal).
 */
export type Messages = CatalogueShape<typeof zhCN>;
