/**
 * Hides secrets by their shape before configs leave netsync (PR comments, check pages, API); the shape rules
 * live with the renderer (render/secretShapes.ts) so syncto's diffs use the same ones.
 */
export { MASK } from '../render/maskSecrets.ts';
export { maskSecretShapes } from '../render/secretShapes.ts';
