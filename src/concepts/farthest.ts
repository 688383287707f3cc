import { extremeFamily } from './closest.js';

/** Identification: the agent and the entity farthest from it. */
export const farthest = extremeFamily('farthest', -1);
