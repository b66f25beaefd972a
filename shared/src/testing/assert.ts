// node:assert/strict for tests under Jest, where a test file's modules live in their own realm
// (a VM context) while node's own APIs build their results in the main one: the arrays and
// objects of fetch's res.json(), fs.readdir, events.once, structuredClone have another
// Array.prototype and Object.prototype than the literals a test compares them with, and node's
// deep equality counts that as a difference ("Compared values have no visual difference").
// Here the deep comparisons that fail ONLY for that reason pass; every other failure is node's
// own, message and all, and every other assertion is node's unchanged.
import strictAssert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';

/** The root prototype of some realm: what `{}` and `Object.prototype` are made of. */
function isRootObjectPrototype(proto: object | null): boolean {
  return (
    proto !== null &&
    Object.getPrototypeOf(proto) === null &&
    typeof (proto as { constructor?: unknown }).constructor === 'function' &&
    (proto as { constructor: { name: string } }).constructor.name === 'Object'
  );
}

/**
 * A copy of `value` whose plain objects and plain arrays, from whichever realm, are this realm's;
 * anything else (class instances, Buffers, Maps, Dates) stays as it is.
 */
function inThisRealm(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (copies.has(value)) return copies.get(value);
  const proto = Object.getPrototypeOf(value);
  const plainArray = Array.isArray(value) && isRootObjectPrototype(Object.getPrototypeOf(proto)) && proto.constructor?.name === 'Array';
  if (!plainArray && !isRootObjectPrototype(proto)) return value;
  const copy = (plainArray ? new Array((value as unknown[]).length) : {}) as Record<PropertyKey, unknown>;
  copies.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    if (plainArray && key === 'length') continue;
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!descriptor.enumerable) continue;
    copy[key] = inThisRealm((value as Record<PropertyKey, unknown>)[key], copies);
  }
  return copy;
}

function sameButForRealm(actual: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(inThisRealm(actual), inThisRealm(expected));
}

/** Node's assertion error, its stack starting where the test called the assertion. */
function rethrowFrom(err: unknown, caller: (...args: never[]) => unknown): never {
  if (typeof err === 'object' && err !== null) Error.captureStackTrace(err, caller);
  throw err;
}

function deepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  try {
    strictAssert.deepStrictEqual(actual, expected, message);
  } catch (err) {
    if (!sameButForRealm(actual, expected)) rethrowFrom(err, deepStrictEqual);
  }
}

function notDeepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  try {
    strictAssert.notDeepStrictEqual(inThisRealm(actual), inThisRealm(expected), message);
  } catch (err) {
    rethrowFrom(err, notDeepStrictEqual);
  }
}

const realmTolerant: Partial<Record<PropertyKey, unknown>> = {
  deepEqual: deepStrictEqual,
  deepStrictEqual,
  notDeepEqual: notDeepStrictEqual,
  notDeepStrictEqual,
};

/**
 * `assert(value)` and every method of node:assert/strict, node's own functions except deep
 * equality as above (a proxy, so that `assert(value)` still reports the test's own expression).
 */
const assert: typeof strictAssert = new Proxy(strictAssert, {
  get: (target, key, receiver) => (Object.hasOwn(realmTolerant, key) ? realmTolerant[key] : Reflect.get(target, key, receiver)),
});

export default assert;
