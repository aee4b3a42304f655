/** Values some flags accept, shared by the help text and the commands that check them. */
export const REPO_STATUSES = ['discovered', 'approved', 'rejected', 'gone'] as const;
export const PR_STATES = ['preview', 'pending', 'draft', 'open', 'merged', 'closed', 'failed'] as const;
