// Preloaded with `node --import`: appends the URL of every module the process loads to the file
// named by GLOBALLM_RECORD_MODULES (ES modules through a resolve hook, CommonJS modules from
// require's cache at exit), so a test can tell which packages a command loaded.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.GLOBALLM_RECORD_MODULES;
if (!out) throw new Error('GLOBALLM_RECORD_MODULES is not set');
register('./record-modules-hooks.mjs', import.meta.url, { data: { out } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  appendFileSync(out, Object.keys(cache).map((f) => `${pathToFileURL(f).href}\n`).join(''));
});
