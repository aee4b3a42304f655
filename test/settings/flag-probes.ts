import type { Probe } from './env-probes.js';

export const FLAG_PROBES: Record<string, Probe> = {};
