/**
 * The browser build's stand-in for src/engine/tfjs-gradients.js (web/vite.config.ts
 * aliases that file here): the bundler reads tfjs-core's ES modules itself, so
 * the page takes the core's gradient and chained-op registrations from them
 * instead of from the bundled copy Node needs.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
