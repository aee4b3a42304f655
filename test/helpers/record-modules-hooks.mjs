// Module hooks for record-modules.mjs: runs on the loader thread, records each resolved URL.
import { appendFileSync } from 'node:fs';

let out = '';

/** @param {{ out: string }} data */
export function initialize(data) {
  out = data.out;
}

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(out, `${resolved.url}\n`);
  return resolved;
}
