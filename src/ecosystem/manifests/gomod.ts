import type { ParsedManifest } from '../schema.js';
import { DependencyCollector, done, failed } from './result.js';

function addRequire(deps: DependencyCollector, line: string): void {
  const indirect = /\/\/\s*indirect\b/.test(line);
  const code = line.replace(/\/\/.*$/, '').trim();
  const m = /^(\S+)\s+v\S+$/.exec(code);
  if (m?.[1] !== undefined) deps.add(m[1], indirect ? 'indirect' : 'runtime');
}

/** go.mod: `module` path and `require` lines (single and block); `// indirect` ones are marked. */
export function parseGoMod(path: string, text: string): ParsedManifest {
  const deps = new DependencyCollector('go');
  let module: string | null = null;
  let inRequire = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (inRequire) {
      if (line.startsWith(')')) inRequire = false;
      else if (line !== '' && !line.startsWith('//')) addRequire(deps, line);
      continue;
    }
    const mod = /^module\s+("?)([^\s"]+)\1\s*(\/\/.*)?$/.exec(line);
    if (mod?.[2] !== undefined) module = mod[2];
    else if (/^require\s*\($/.test(line)) inRequire = true;
    else if (line.startsWith('require ')) addRequire(deps, line.slice('require '.length));
  }
  if (module === null) return failed(path, 'go', 'go.mod has no module directive');
  return done(path, 'go', deps, module);
}
