/**
 * A model folder's checksum: SHA-256 over the manifest (without its own
 * `checksum` field, as JSON in the manifest's key order) and the weights
 * file's SHA-256. The CRC-32 in the manifest catches a damaged weights file;
 * this catches an edited manifest too (a moved offset, a swapped tensor, a
 * lost inference block), which loads and answers differently otherwise.
 * Node only (node:crypto); the browser's loader relies on the CRC-32.
 */
import { createHash } from 'node:crypto';
import type { ModelManifest } from './serialize.js';

export function modelChecksum(manifest: ModelManifest, weights: Uint8Array): string {
  const { checksum: _ignored, ...rest } = manifest;
  const weightsHash = createHash('sha256').update(weights).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify(rest))
    .update('\n')
    .update(weightsHash)
    .digest('hex');
}
