/**
 * REST response objects, one builder per GitHub object type, following the OpenAPI
 * component schemas (simple-user, full-repository, issue, pull-request, …).
 */
import type { CommitInfo } from './gitops.js';
import type { CheckRunRec, CommentRec, IssueRec, LabelRec, RepoRec, StatusRec, UserRec, World } from './world.js';

export interface ShapeContext {
  world: World;
  /** REST base URL. */
  api: string;
  /** Web/git base URL (the stand-in serves both). */
  web: string;
}

type Obj = Record<string, unknown>;

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64');
}

export function simpleUser(ctx: ShapeContext, u: UserRec): Obj {
  const url = `${ctx.api}/users/${u.login}`;
  return {
    login: u.login, id: u.id, node_id: nodeId(u.type === 'Organization' ? 'Organization' : 'User', u.id),
    avatar_url: `${ctx.web}/avatars/u/${u.id}?v=4`, gravatar_id: '', url, html_url: `${ctx.web}/${u.login}`,
    followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`, gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`, organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`,
    type: u.type, user_view_type: 'public', site_admin: false,
  };
}

export function userByLogin(ctx: ShapeContext, login: string): Obj {
  return simpleUser(ctx, ctx.world.user(login));
}

function license(ctx: ShapeContext, r: RepoRec): Obj | null {
  if (!r.license) return null;
  return { key: r.license.key, name: r.license.name, spdx_id: r.license.spdxId, url: `${ctx.api}/licenses/${r.license.key}`, node_id: nodeId('License', r.license.key.length) };
}

export function openIssueCount(r: RepoRec): number {
  return r.issues.filter((i) => i.state === 'open').length;
}

/** `repository` / `full-repository` / `repo-search-result-item`. */
export function repository(ctx: ShapeContext, r: RepoRec, variant: 'full' | 'search' | 'minimal' = 'full'): Obj {
  const full = `${r.owner}/${r.name}`;
  const url = `${ctx.api}/repos/${full}`;
  const base: Obj = {
    id: r.id, node_id: nodeId('Repository', r.id), name: r.name, full_name: full, private: false,
    owner: userByLogin(ctx, r.owner), html_url: `${ctx.web}/${full}`, description: r.description, fork: r.isFork, url,
    forks_url: `${url}/forks`, keys_url: `${url}/keys{/key_id}`, collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`, hooks_url: `${url}/hooks`, issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`, assignees_url: `${url}/assignees{/user}`, branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`, blobs_url: `${url}/git/blobs{/sha}`, git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`, trees_url: `${url}/git/trees{/sha}`, statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`, stargazers_url: `${url}/stargazers`, contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`, subscription_url: `${url}/subscription`, commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`, comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`, contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`, merges_url: `${url}/merges`, archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`, issues_url: `${url}/issues{/number}`, pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`, notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`, releases_url: `${url}/releases{/id}`, deployments_url: `${url}/deployments`,
  };
  if (variant === 'minimal') return base;
  const open = openIssueCount(r);
  const out: Obj = {
    ...base,
    created_at: r.createdAt, updated_at: r.updatedAt, pushed_at: r.pushedAt,
    git_url: `${ctx.web.replace(/^http/, 'git')}/${full}.git`, ssh_url: `git@github.com:${full}.git`,
    clone_url: `${ctx.web}/${full}.git`, svn_url: `${ctx.web}/${full}`, homepage: r.homepage, size: r.sizeKb,
    stargazers_count: r.stars, watchers_count: r.stars, language: r.language, has_issues: r.hasIssues,
    has_projects: true, has_downloads: true, has_wiki: r.hasWiki, has_pages: false, has_discussions: false,
    forks_count: r.forks, mirror_url: null, archived: r.archived, disabled: r.disabled, open_issues_count: open,
    license: license(ctx, r), allow_forking: true, is_template: r.isTemplate, web_commit_signoff_required: false,
    topics: r.topics, visibility: 'public', forks: r.forks, open_issues: open, watchers: r.stars, default_branch: r.defaultBranch,
  };
  if (variant === 'search') return { ...out, score: 1 };
  out['permissions'] = { admin: false, maintain: false, push: false, triage: false, pull: true };
  Object.assign(out, {
    allow_auto_merge: r.allowAutoMerge, allow_squash_merge: true, allow_merge_commit: true, allow_rebase_merge: true,
    delete_branch_on_merge: false, allow_update_branch: false, use_squash_pr_title_as_default: false,
    squash_merge_commit_title: 'COMMIT_OR_PR_TITLE', squash_merge_commit_message: 'COMMIT_MESSAGES',
    merge_commit_title: 'MERGE_MESSAGE', merge_commit_message: 'PR_TITLE',
  });
  out['network_count'] = r.forks;
  out['subscribers_count'] = r.watchers;
  if (r.parent) {
    const parent = ctx.world.raw(...(r.parent.split('/') as [string, string]));
    if (parent) {
      out['parent'] = repository(ctx, parent, 'search');
      out['source'] = out['parent'];
      delete (out['parent'] as Obj)['score'];
    }
  }
  return out;
}

export function label(ctx: ShapeContext, r: RepoRec, l: LabelRec): Obj {
  return { id: l.id, node_id: nodeId('Label', l.id), url: `${ctx.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(l.name)}`, name: l.name, color: l.color, default: false, description: l.description };
}

function reactions(ctx: ShapeContext, url: string, i: IssueRec): Obj {
  const total = Object.values(i.reactions).reduce((a, b) => a + b, 0);
  return { url: `${url}/reactions`, total_count: total, ...i.reactions };
}

export function issue(ctx: ShapeContext, r: RepoRec, i: IssueRec, variant: 'issue' | 'search' = 'issue'): Obj {
  const repoUrl = `${ctx.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoUrl}/issues/${i.number}`;
  const assignees = i.assignees.map((a) => userByLogin(ctx, a));
  const out: Obj = {
    id: i.id, node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id), url, repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`, events_url: `${url}/events`,
    html_url: `${ctx.web}/${r.owner}/${r.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`, number: i.number,
    state: i.state, state_reason: i.state === 'closed' ? 'completed' : null, title: i.title, body: i.body,
    user: userByLogin(ctx, i.user), labels: i.labels.map((n) => label(ctx, r, ctx.world.label(r, n))),
    assignee: assignees[0] ?? null, assignees, milestone: null, locked: i.locked,
    active_lock_reason: i.locked ? 'too heated' : null, comments: i.comments.length, closed_at: i.closedAt,
    created_at: i.createdAt, updated_at: i.updatedAt, author_association: i.authorAssociation,
    reactions: reactions(ctx, url, i),
  };
  if (i.pull) {
    const pu = `${repoUrl}/pulls/${i.number}`;
    out['pull_request'] = { url: pu, html_url: `${ctx.web}/${r.owner}/${r.name}/pull/${i.number}`, diff_url: `${ctx.web}/${r.owner}/${r.name}/pull/${i.number}.diff`, patch_url: `${ctx.web}/${r.owner}/${r.name}/pull/${i.number}.patch`, merged_at: i.pull.mergedAt };
    out['draft'] = i.pull.draft;
  }
  if (variant === 'search') out['score'] = 1;
  return out;
}

export function comment(ctx: ShapeContext, r: RepoRec, i: IssueRec, c: CommentRec): Obj {
  const repoUrl = `${ctx.api}/repos/${r.owner}/${r.name}`;
  return {
    id: c.id, node_id: nodeId('IssueComment', c.id), url: `${repoUrl}/issues/comments/${c.id}`,
    html_url: `${ctx.web}/${r.owner}/${r.name}/issues/${i.number}#issuecomment-${c.id}`, body: c.body,
    user: userByLogin(ctx, c.user), created_at: c.createdAt, updated_at: c.updatedAt,
    issue_url: `${repoUrl}/issues/${i.number}`, author_association: c.authorAssociation,
  };
}

function branchRef(ctx: ShapeContext, owner: string, name: string, ref: string, sha: string): Obj {
  const repo = ctx.world.raw(owner, name);
  return { label: `${owner}:${ref}`, ref, sha, user: userByLogin(ctx, owner), repo: repo ? repository(ctx, repo, 'search') : null };
}

export function pull(ctx: ShapeContext, r: RepoRec, i: IssueRec, variant: 'full' | 'simple' = 'full'): Obj {
  const p = i.pull;
  if (!p) throw new Error('not a pull request');
  const repoUrl = `${ctx.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoUrl}/pulls/${i.number}`;
  const html = `${ctx.web}/${r.owner}/${r.name}/pull/${i.number}`;
  const assignees = i.assignees.map((a) => userByLogin(ctx, a));
  const head = branchRef(ctx, p.headOwner, p.headRepo, p.headRef, p.headSha);
  const baseRef = branchRef(ctx, r.owner, r.name, p.baseRef, p.baseSha);
  for (const b of [head, baseRef]) if (b['repo']) delete (b['repo'] as Obj)['score'];
  const out: Obj = {
    url, id: i.id, node_id: nodeId('PullRequest', i.id), html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
    issue_url: `${repoUrl}/issues/${i.number}`, commits_url: `${url}/commits`, review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`, comments_url: `${repoUrl}/issues/${i.number}/comments`,
    statuses_url: `${repoUrl}/statuses/${p.headSha}`, number: i.number, state: i.state, locked: i.locked, title: i.title,
    user: userByLogin(ctx, i.user), body: i.body, labels: i.labels.map((n) => label(ctx, r, ctx.world.label(r, n))),
    milestone: null, active_lock_reason: null, created_at: i.createdAt, updated_at: i.updatedAt, closed_at: i.closedAt,
    merged_at: p.mergedAt, merge_commit_sha: p.mergeCommitSha, assignee: assignees[0] ?? null, assignees,
    requested_reviewers: [], requested_teams: [], head, base: baseRef,
    _links: {
      self: { href: url }, html: { href: html }, issue: { href: `${repoUrl}/issues/${i.number}` },
      comments: { href: `${repoUrl}/issues/${i.number}/comments` }, review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl}/pulls/comments{/number}` }, commits: { href: `${url}/commits` },
      statuses: { href: `${repoUrl}/statuses/${p.headSha}` },
    },
    author_association: i.authorAssociation,
    auto_merge: p.autoMerge ? { enabled_by: userByLogin(ctx, p.autoMerge.enabledBy), merge_method: p.autoMerge.method.toLowerCase(), commit_title: i.title, commit_message: '' } : null,
    draft: p.draft,
  };
  if (variant === 'simple') return out;
  return {
    ...out, merged: p.merged, mergeable: p.merged ? null : true, rebaseable: null, mergeable_state: p.merged ? 'unknown' : 'clean',
    merged_by: p.mergedBy ? userByLogin(ctx, p.mergedBy) : null, comments: i.comments.length, review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify, commits: 1, additions: 0, deletions: 0, changed_files: 0,
  };
}

export function commit(ctx: ShapeContext, r: RepoRec, c: CommitInfo): Obj {
  const repoUrl = `${ctx.api}/repos/${r.owner}/${r.name}`;
  const authorLogin = ctx.world.loginForEmail(c.authorEmail);
  const committerLogin = ctx.world.loginForEmail(c.committerEmail);
  return {
    sha: c.sha, node_id: nodeId('Commit', parseInt(c.sha.slice(0, 8), 16)), url: `${repoUrl}/commits/${c.sha}`,
    html_url: `${ctx.web}/${r.owner}/${r.name}/commit/${c.sha}`, comments_url: `${repoUrl}/commits/${c.sha}/comments`,
    commit: {
      url: `${repoUrl}/git/commits/${c.sha}`,
      author: { name: c.authorName, email: c.authorEmail, date: c.authorDate },
      committer: { name: c.committerName, email: c.committerEmail, date: c.committerDate },
      message: c.message, comment_count: 0, tree: { sha: c.tree, url: `${repoUrl}/git/trees/${c.tree}` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: authorLogin ? userByLogin(ctx, authorLogin) : null,
    committer: committerLogin ? userByLogin(ctx, committerLogin) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${repoUrl}/commits/${p}`, html_url: `${ctx.web}/${r.owner}/${r.name}/commit/${p}` })),
  };
}

export function gitRef(ctx: ShapeContext, r: RepoRec, ref: string, sha: string): Obj {
  const repoUrl = `${ctx.api}/repos/${r.owner}/${r.name}`;
  return { ref, node_id: nodeId('Ref', ref.length), url: `${repoUrl}/git/${ref}`, object: { type: 'commit', sha, url: `${repoUrl}/git/commits/${sha}` } };
}

export function status(ctx: ShapeContext, r: RepoRec, sha: string, s: StatusRec): Obj {
  return {
    url: `${ctx.api}/repos/${r.owner}/${r.name}/statuses/${sha}`, avatar_url: null, id: s.id, node_id: nodeId('StatusContext', s.id),
    state: s.state, description: s.description, target_url: s.targetUrl, context: s.context, created_at: s.createdAt,
    updated_at: s.updatedAt, creator: userByLogin(ctx, s.creator),
  };
}

export function checkRun(ctx: ShapeContext, r: RepoRec, sha: string, c: CheckRunRec): Obj {
  const url = `${ctx.api}/repos/${r.owner}/${r.name}/check-runs/${c.id}`;
  return {
    id: c.id, head_sha: sha, node_id: nodeId('CheckRun', c.id), external_id: String(c.id), url,
    html_url: `${ctx.web}/${r.owner}/${r.name}/runs/${c.id}`, details_url: null, status: c.status, conclusion: c.conclusion,
    started_at: c.startedAt, completed_at: c.completedAt,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: c.name, check_suite: { id: c.id }, app: null, pull_requests: [],
  };
}
