import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hasOptOutTopic, parseConsentFile } from '../../../src/contribute/consent/config-file.js';
import { gateDecision, type GateInput } from '../../../src/contribute/consent/gate.js';

describe('parseConsentFile', () => {
  test('reads a full file', () => {
    const r = parseConsentFile('enabled: true\nmaxOpenPrs: 2\ncategories: [bug, documentation]\nautoMerge: false\nlabels:\n  - bot\n  - "ai assisted"\nextra: 1\n');
    assert.ok(r.ok);
    assert.deepEqual(r.config, { enabled: true, maxOpenPrs: 2, categories: ['bug', 'documentation'], autoMerge: false, labels: ['bot', 'ai assisted'] });
    assert.deepEqual(r.unknownKeys, ['extra']);
  });
  test('an empty file opts in with defaults', () => {
    const r = parseConsentFile('');
    assert.ok(r.ok);
    assert.equal(r.config.enabled, true);
    assert.equal(r.config.autoMerge, false);
  });
  test('bad files are errors, never silent consent', () => {
    for (const text of ['enabled: "yes"', 'maxOpenPrs: -1', 'maxOpenPrs: 1000', 'categories: [everything]', '- a\n- b', 'just a string', 'enabled: [unclosed', 'enabled: true\nenabled: false', 'a: &x [1]\nb: *y', 'x'.repeat(20_000)]) {
      const r = parseConsentFile(text);
      assert.equal(r.ok, false, text.slice(0, 40));
    }
  });
  test('yaml alias bombs are refused', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`)].join('\n');
    assert.equal(parseConsentFile(bomb).ok, false);
  });
});

test('hasOptOutTopic', () => {
  assert.equal(hasOptOutTopic(['python', 'No-GlobaLLM']), true);
  assert.equal(hasOptOutTopic(['globallm-optout']), true);
  assert.equal(hasOptOutTopic(['globallm', 'ai']), false);
});

describe('gateDecision', () => {
  const base: GateInput = {
    optOut: false,
    policy: { decision: 'no_policy' },
    archived: false,
    openPrsInRepo: 0,
    openPrsForOwner: 0,
    caps: { maxOpenPrsPerRepo: 2, maxOpenPrsPerOwner: 5, requireOptIn: false },
  };
  const reason = (input: Partial<GateInput>): string => {
    const d = gateDecision({ ...base, ...input });
    return d.allowed ? 'allowed' : d.reason;
  };
  test('allowed by default, disclosure recorded', () => {
    assert.deepEqual(gateDecision(base), { allowed: true, disclosureRequired: false, labels: [], autoMerge: false });
    const d = gateDecision({ ...base, policy: { decision: 'allowed_with_disclosure', quote: 'q', path: 'CONTRIBUTING.md' } });
    assert.ok(d.allowed && d.disclosureRequired);
  });
  test('each reason to refuse, in order', () => {
    assert.equal(reason({ archived: true, optOut: true }), 'archived');
    assert.equal(reason({ optOut: true }), 'opted_out');
    assert.equal(reason({ consentFile: parseConsentFile('enabled: false') }), 'opted_out');
    assert.equal(reason({ consentFile: parseConsentFile('enabled: nope') }), 'consent_file_invalid');
    assert.equal(reason({ caps: { ...base.caps, requireOptIn: true } }), 'not_opted_in');
    assert.equal(reason({ caps: { ...base.caps, requireOptIn: true }, consentFile: parseConsentFile('enabled: true') }), 'allowed');
    assert.equal(reason({ policy: { decision: 'rejected', quote: 'No AI PRs.', path: 'CONTRIBUTING.md' } }), 'ai_policy_rejects');
    assert.equal(reason({ consentFile: parseConsentFile('categories: [documentation]'), category: 'bug' }), 'category_not_allowed');
    assert.equal(reason({ consentFile: parseConsentFile('categories: [documentation]'), category: 'documentation' }), 'allowed');
    assert.equal(reason({ openPrsInRepo: 2 }), 'repo_pr_cap');
    assert.equal(reason({ openPrsInRepo: 2, consentFile: parseConsentFile('maxOpenPrs: 3') }), 'allowed');
    assert.equal(reason({ openPrsInRepo: 0, consentFile: parseConsentFile('maxOpenPrs: 0') }), 'repo_pr_cap');
    assert.equal(reason({ openPrsForOwner: 5 }), 'owner_pr_cap');
  });
  test('the AI policy refusal carries its quote', () => {
    const d = gateDecision({ ...base, policy: { decision: 'rejected', quote: 'No AI PRs.', path: 'AI_POLICY.md' } });
    assert.ok(!d.allowed);
    assert.equal(d.detail, 'AI_POLICY.md: "No AI PRs."');
  });
  test('labels and autoMerge come from the consent file', () => {
    const d = gateDecision({ ...base, consentFile: parseConsentFile('labels: [globallm]\nautoMerge: true') });
    assert.deepEqual(d, { allowed: true, disclosureRequired: false, labels: ['globallm'], autoMerge: true });
  });
});
