/** Helpers shared by the tests beside this file; not part of the package. */

/** What `call` threw; fails the test when it returns. */
export function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
