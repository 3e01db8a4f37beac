/** Locations of test models; tests that need one skip with a message naming it when it is absent. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '..', '..');
export const tinyParityDir = path.resolve(root, '..', 'shared', 'models', 'tiny-parity');
export const tinyModelDir = path.join(root, 'models', 'generated', 'tiny');
/** The tiny model with the shape and text rules of the french_24l bundle (models/generate.py --variant french_24l). */
export const tinyFrenchModelDir = path.join(root, 'models', 'generated', 'tiny-french_24l');
export const distDir = path.join(root, 'dist');

export function skipUnless(dir: string, what: string): string | false {
  return existsSync(dir) ? false : `${what} not found at ${dir}`;
}
