import { constants } from 'node:os';
import type { Violation, ViolationKind } from './schema.js';

/**
 * Output patterns that show the command reached for something the sandbox withholds. These
 * are heuristics over the text toolchains print (Python, Node, Go, curl, git, shells): they
 * report what was blocked, they do not decide whether it was blocked.
 */
const PATTERNS: Array<[ViolationKind, RegExp]> = [
  ['network', /Network is unreachable|ENETUNREACH|EAI_AGAIN|Temporary failure in name resolution|Could not resolve host|getaddrinfo \w*(ENOTFOUND|EAI_AGAIN)|no such host|Name or service not known/i],
  ['filesystem', /Read-only file system|EROFS/],
  ['memory-limit', /MemoryError|Cannot allocate memory|ENOMEM|allocation failed|out of memory/i],
  ['process-limit', /Cannot fork|fork: retry|Resource temporarily unavailable|EAGAIN.*spawn|spawn.*EAGAIN/i],
  ['cpu-limit', /CPU time limit exceeded/],
  ['file-size-limit', /File size limit exceeded/],
];

const MAX_VIOLATIONS = 20;

export function scanOutput(text: string): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    for (const [kind, re] of PATTERNS) {
      if (!re.test(line)) continue;
      const evidence = line.trim().slice(0, 240);
      const key = `${kind}\0${evidence}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ kind, evidence });
      if (out.length >= MAX_VIOLATIONS) return out;
    }
  }
  return out;
}

/** bwrap exits with 128+N when the command died of signal N; limits show up as signals. */
export function signalFromExitCode(code: number | null): string | null {
  if (code === null || code <= 128 || code > 128 + 64) return null;
  const n = code - 128;
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return null;
}

export function signalViolation(signal: string | null): Violation | null {
  if (signal === 'SIGXCPU') return { kind: 'cpu-limit', evidence: 'killed by SIGXCPU (CPU seconds limit)' };
  if (signal === 'SIGXFSZ') return { kind: 'file-size-limit', evidence: 'killed by SIGXFSZ (file size limit)' };
  return null;
}
