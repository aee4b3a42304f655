import type { Ecosystem, ParsedManifest } from '../schema.js';
import { parseCargoToml } from './cargo.js';
import { parseGoMod } from './gomod.js';
import { parsePackageJson } from './npm.js';
import { parseComposerJson } from './packagist.js';
import { parsePyproject } from './pyproject.js';
import { parseRequirementsTxt } from './requirements.js';
import { failed, MAX_MANIFEST_BYTES } from './result.js';
import { parseGemfile, parseGemspec } from './ruby.js';

interface Parser {
  ecosystem: Ecosystem;
  parse: (path: string, text: string) => ParsedManifest;
}

function parserFor(fileName: string): Parser | null {
  const lower = fileName.toLowerCase();
  if (lower === 'package.json') return { ecosystem: 'npm', parse: parsePackageJson };
  if (lower === 'composer.json') return { ecosystem: 'packagist', parse: parseComposerJson };
  if (lower === 'pyproject.toml') return { ecosystem: 'pypi', parse: parsePyproject };
  if (lower === 'cargo.toml') return { ecosystem: 'cargo', parse: parseCargoToml };
  if (lower === 'go.mod') return { ecosystem: 'go', parse: parseGoMod };
  if (lower === 'gemfile') return { ecosystem: 'rubygems', parse: parseGemfile };
  if (lower.endsWith('.gemspec')) return { ecosystem: 'rubygems', parse: parseGemspec };
  if (/^requirements[-_.]?(dev|test|tests|testing|lint|docs)\.(txt|in)$/.test(lower)) {
    return { ecosystem: 'pypi', parse: (p, t) => parseRequirementsTxt(p, t, 'dev') };
  }
  if (/^requirements[\w.-]*\.(txt|in)$/.test(lower)) return { ecosystem: 'pypi', parse: (p, t) => parseRequirementsTxt(p, t, 'runtime') };
  return null;
}

/** Whether `path`'s file name is a manifest this module can read. */
export function isManifestPath(path: string): boolean {
  return parserFor(path.split('/').pop() ?? '') !== null;
}

/**
 * Parses one manifest by its file name. Manifest text is untrusted: anything malformed or
 * oversized yields no dependencies and a recorded reason, never a throw. Unknown file names
 * return null.
 */
export function parseManifest(path: string, text: string): ParsedManifest | null {
  const parser = parserFor(path.split('/').pop() ?? '');
  if (parser === null) return null;
  if (text.length > MAX_MANIFEST_BYTES) {
    return failed(path, parser.ecosystem, `manifest larger than ${MAX_MANIFEST_BYTES} bytes`);
  }
  try {
    return parser.parse(path, text);
  } catch (err) {
    // Parsers already catch their own syntax errors; this guards against anything unforeseen.
    return failed(path, parser.ecosystem, `unexpected parse failure: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown'}`);
  }
}

export { parseCargoToml, parseComposerJson, parseGemfile, parseGemspec, parseGoMod, parsePackageJson, parsePyproject, parseRequirementsTxt };
