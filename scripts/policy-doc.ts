// Writes docs/policy.md from the policy table in src/fix/policy/rules.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPolicyDoc } from '../src/fix/policy/doc.js';

writeFileSync(fileURLToPath(new URL('../docs/policy.md', import.meta.url)), renderPolicyDoc());
