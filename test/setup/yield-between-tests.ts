/**
 * A macrotask after every test, so that a test fork reads the runner's
 * replies.
 *
 * Why: vitest's fork reports each test to the runner over birpc, whose
 * timeout is a fixed 60 s that no option reaches. The reply is read only when
 * the fork's event loop reaches its poll phase, and the runner's own awaits
 * between tests are microtasks that never get there. Our heavy tests compute
 * synchronously, so a file of them (the experiments on the shipped model,
 * about 140 s) blocked the loop past 60 s. The expired timer then fires before
 * the waiting reply is read, and the run exits 1 with every test passing
 * (vitest-dev/vitest#6479). With this yield, the longest block is one test.
 */
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
