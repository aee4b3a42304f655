import { drop, KEEP, type RepositoryFilter } from './types.js';

/** Archived, disabled, forked and template repositories are not worth contributing to. */
export const statusFilter: RepositoryFilter = {
  name: 'status',
  apply: (s) => {
    if (s.isArchived) return drop('status', 'archived: read-only, no pull requests accepted');
    if (s.isDisabled) return drop('status', 'disabled by GitHub');
    if (s.isFork) return drop('status', 'a fork: contribute to the upstream repository instead');
    if (s.isTemplate) return drop('status', 'a template repository, not a maintained project');
    return KEEP;
  },
};
