/** Checks on the names git is given: object ids and branch names. */

/** A full object id. */
export const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** A branch name git would accept and that cannot be read as an option or a revision expression. */
export function isSafeBranch(name: string): boolean {
  return /^[A-Za-z0-9._/-]{1,200}$/.test(name) && !name.startsWith('-') && !name.startsWith('/') && !name.endsWith('/')
    && !name.includes('..') && !name.includes('//') && !name.endsWith('.lock') && !name.endsWith('.') && !name.split('/').some((s) => s.startsWith('.'));
}
