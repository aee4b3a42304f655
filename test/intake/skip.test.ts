import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ForgeIssue, IssueComment } from '../../src/forge/types.js';
import { findClaim, skipReason } from '../../src/intake/skip.js';

const NOW = new Date('2025-06-20T00:00:00Z');

function issue(over: Partial<ForgeIssue> = {}): ForgeIssue {
  return {
    number: 1, title: 't', body: '', state: 'open', isPullRequest: false, locked: false, labels: [], reactions: 0, commentCount: 0,
    recentComments: [], author: 'x', authorAssociation: 'NONE', createdAt: '2025-06-01T00:00:00Z', updatedAt: '2025-06-01T00:00:00Z',
    assignees: [], linkedPullRequests: [], ...over,
  };
}
function c(body: string, createdAt = '2025-06-15T00:00:00Z', author = 'erin', authorAssociation = 'NONE'): IssueComment {
  return { author, authorAssociation, body, createdAt };
}

describe('skipReason', () => {
  test('keeps a plain open issue', () => {
    assert.equal(skipReason(issue(), NOW), null);
  });
  test('skips pull requests, locked, assigned and issues with an open linked PR, in that order', () => {
    assert.match(skipReason(issue({ isPullRequest: true, locked: true }), NOW) ?? '', /pull request, not an issue/);
    assert.match(skipReason(issue({ locked: true, assignees: ['a'] }), NOW) ?? '', /locked/);
    assert.equal(skipReason(issue({ assignees: ['carol', 'dave'] }), NOW), 'assigned to @carol, @dave');
    assert.match(skipReason(issue({ linkedPullRequests: [{ number: 9, state: 'CLOSED' }, { number: 7, state: 'OPEN' }] }), NOW) ?? '', /#7/);
    assert.equal(skipReason(issue({ linkedPullRequests: [{ number: 9, state: 'CLOSED' }] }), NOW), null, 'a closed PR does not block');
  });
  test('skips a recent claim and names who said it', () => {
    const r = skipReason(issue({ recentComments: [c("I'm working on this, PR coming soon.")] }), NOW);
    assert.match(r ?? '', /^claimed by @erin on 2025-06-15/);
    assert.notEqual(skipReason(issue({ recentComments: [c('I’ll take this one')] }), NOW), null, 'curly apostrophes count');
    assert.notEqual(skipReason(issue({ recentComments: [c('i am on it')] }), NOW), null);
  });
  test('an old claim no longer blocks', () => {
    assert.equal(skipReason(issue({ recentComments: [c("I'm working on this", '2025-04-01T00:00:00Z')] }), NOW), null);
  });
  test('a question needs a maintainer yes to count', () => {
    const ask = c('Can I work on this?', '2025-06-10T00:00:00Z');
    assert.equal(findClaim([ask], NOW), null);
    assert.equal(findClaim([ask, c('sure, go ahead', '2025-06-11T00:00:00Z', 'bob', 'NONE')], NOW), null, 'a non-maintainer yes does not count');
    assert.equal(findClaim([ask, c('No, we plan to rewrite this', '2025-06-11T00:00:00Z', 'owner', 'OWNER')], NOW), null);
    const yes = findClaim([c('Sure, go ahead!', '2025-06-11T00:00:00Z', 'owner', 'OWNER'), ask, c('Yes, assigned', '2025-06-12T00:00:00Z', 'owner', 'MEMBER')], NOW);
    assert.equal(yes?.who, 'erin');
  });
  test('talk about working is not a claim', () => {
    assert.equal(findClaim([c('This is not working on my machine'), c('Is anyone working on this?'), c('I think it works on it')], NOW), null);
  });
});
