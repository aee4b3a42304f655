import { fileURLToPath } from 'node:url';

/** The folder that holds package.json (two levels above this file). */
export const projectRoot: string = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
