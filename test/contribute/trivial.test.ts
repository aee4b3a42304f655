import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { notProse, trivialChange } from '../../src/contribute/trivial.js';

const edit = (path: string, before = 'one\ntwo\n', after = 'one\n2\n') => ({ path, before, after });

describe('trivialChange: the only changes auto-merge is enabled for', () => {
  test('a small edit of prose documentation is trivial', () => {
    for (const path of ['README.md', 'docs/guide.rst', 'CHANGELOG.markdown', 'doc/manual.adoc', 'docs/notes.txt', 'src/pkg/README.md']) {
      assert.deepEqual(trivialChange([edit(path)]), { trivial: true }, path);
    }
    assert.deepEqual(trivialChange([{ path: 'docs/new.md', after: 'A new page.\n' }]), { trivial: true }, 'a new page');
  });

  test('dependency manifests, build files and legal texts are not, whatever their extension', () => {
    for (const path of ['requirements.txt', 'requirements-dev.txt', 'docs/requirements.txt', 'dev-requirements.txt', 'constraints.txt', 'CMakeLists.txt', 'src/CMakeLists.txt', 'runtime.txt', 'LICENSE.md', 'COPYING.txt', 'NOTICE.txt']) {
      const v = trivialChange([edit(path)]);
      assert.equal(v.trivial, false, path);
      assert.match(v.trivial ? '' : v.reason, /dependency manifest, build file or legal text/, path);
    }
  });

  test('code, configuration, dot-folders and deletions are not', () => {
    assert.deepEqual(trivialChange([edit('docs/conf.py')]), { trivial: false, reason: 'docs/conf.py is not a documentation file' });
    assert.deepEqual(trivialChange([edit('package.json')]), { trivial: false, reason: 'package.json is not a documentation file' });
    assert.deepEqual(trivialChange([edit('.github/PULL_REQUEST_TEMPLATE.md')]), { trivial: false, reason: '.github/PULL_REQUEST_TEMPLATE.md is in a dot-folder (repository configuration)' });
    assert.deepEqual(trivialChange([{ path: 'docs/old.md', before: 'x\n', after: null }]), { trivial: false, reason: 'docs/old.md is deleted' });
    assert.equal(trivialChange([edit('README.md'), edit('src/app.js')]).trivial, false, 'one code file spoils the change');
    assert.deepEqual(trivialChange([]), { trivial: false, reason: 'no files changed' });
  });

  test('size: at most the given number of changed lines', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const after = Array.from({ length: 30 }, (_, i) => `line ${i}!`).join('\n');
    assert.deepEqual(trivialChange([edit('README.md', before, after)]), { trivial: false, reason: '60 lines changed (at most 20)' });
    assert.deepEqual(trivialChange([edit('README.md', before, after)], 60), { trivial: true });
    assert.deepEqual(trivialChange([edit('README.md')], 2), { trivial: true }, 'one line replaced is two changed lines');
    assert.equal(trivialChange([edit('README.md')], 1).trivial, false);
  });

  test('notProse names the reason for one path', () => {
    assert.equal(notProse('README.md'), null);
    assert.equal(notProse('Makefile'), 'Makefile is not a documentation file');
  });
});
