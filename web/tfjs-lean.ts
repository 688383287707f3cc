/**
 * The browser build's stand-in for the `@tensorflow/tfjs` union package
 * (web/vite.config.ts aliases that name here; nothing imports this file
 * directly, so src/engine/index.ts stays the only module that uses tfjs).
 * It is the union minus what the engine never uses (layers, converter, data,
 * the webgl backend): tfjs-core with its gradients and chained ops, and the
 * cpu backend (the fallback when wasm cannot start). The wasm backend is
 * imported by the engine itself. This halves the page's script.
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-backend-cpu';
