/**
 * The seams moved to `util/seams.ts`; this re-export only keeps `transfer/` (being rebuilt on its own
 * branch) compiling until it imports them from there. Do not import this file in new code.
 */
export * from '../util/seams.js';
