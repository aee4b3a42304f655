import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isManifestPath, parseManifest } from '../../../src/ecosystem/manifests/index.js';
import type { ParsedManifest } from '../../../src/ecosystem/schema.js';
import { ParsedManifest as ParsedManifestSchema } from '../../../src/ecosystem/schema.js';

function parse(path: string, text: string): ParsedManifest {
  const m = parseManifest(path, text);
  assert.ok(m, path);
  ParsedManifestSchema.parse(m);
  return m;
}
const deps = (m: ParsedManifest): string[] => m.dependencies.map((d) => `${d.kind}:${d.name}`).sort();

describe('package.json', () => {
  test('all dependency sections and the published name', () => {
    const m = parse('package.json', JSON.stringify({
      name: '@Scope/Thing', dependencies: { react: '^19', lodash: '4' }, devDependencies: { vitest: '3', react: '19' },
      peerDependencies: { 'react-dom': '*' }, optionalDependencies: { fsevents: '2' },
    }));
    assert.equal(m.publishes, '@scope/thing');
    assert.deepEqual(deps(m), ['dev:vitest', 'optional:fsevents', 'peer:react-dom', 'runtime:lodash', 'runtime:react']);
    assert.equal(m.error, null);
  });
  test('private packages publish nothing', () => {
    const m = parse('package.json', '{"name":"app","private":true,"dependencies":{"next":"15"}}');
    assert.equal(m.publishes, null);
    assert.equal(m.isPrivate, true);
  });
});

describe('pyproject.toml', () => {
  test('PEP 621, extras, markers, groups and PEP 503 names', () => {
    const m = parse('pyproject.toml', `
[project]
name = "My_Package"
dependencies = ["requests[socks]>=2.0; python_version > '3.8'", "Typing_Extensions", "foo @ https://example.com/foo.zip"]
[project.optional-dependencies]
fast = ["orjson"]
[dependency-groups]
test = ["pytest>=8"]
`);
    assert.equal(m.publishes, 'my-package');
    assert.deepEqual(deps(m), ['dev:pytest', 'optional:orjson', 'runtime:foo', 'runtime:requests', 'runtime:typing-extensions']);
  });
  test('Poetry tables, python excluded', () => {
    const m = parse('pyproject.toml', `
[tool.poetry]
name = "poetry-lib"
[tool.poetry.dependencies]
python = "^3.10"
httpx = "^0.27"
[tool.poetry.group.dev.dependencies]
ruff = "*"
`);
    assert.equal(m.publishes, 'poetry-lib');
    assert.deepEqual(deps(m), ['dev:ruff', 'runtime:httpx']);
  });
});

describe('requirements.txt', () => {
  test('skips options, URLs, paths and comments; handles continuations', () => {
    const m = parse('requirements.txt', [
      '# comment', '-r base.txt', '-e .', '--index-url https://x', 'https://example.com/a.whl', './local',
      'Django>=4.2  # web', 'numpy==1.26 \\', '  --hash=sha256:abc', 'pyyaml ; sys_platform == "linux"', '',
    ].join('\n'));
    assert.deepEqual(deps(m), ['runtime:django', 'runtime:numpy', 'runtime:pyyaml']);
    assert.equal(parse('requirements-dev.txt', 'pytest\n').dependencies[0]?.kind, 'dev');
  });
});

describe('go.mod', () => {
  test('module path, block and single requires, indirect marked', () => {
    const m = parse('go.mod', 'module github.com/acme/Widget\n\ngo 1.22\n\nrequire github.com/pkg/errors v0.9.1\nrequire (\n\tgolang.org/x/sync v0.7.0\n\tgithub.com/x/y v1.0.0 // indirect\n)\n');
    assert.equal(m.publishes, 'github.com/acme/Widget');
    assert.deepEqual(deps(m), ['indirect:github.com/x/y', 'runtime:github.com/pkg/errors', 'runtime:golang.org/x/sync']);
  });
});

describe('Cargo.toml', () => {
  test('renamed, optional, target-specific, build and dev dependencies', () => {
    const m = parse('Cargo.toml', `
[package]
name = "My_Crate"
[dependencies]
serde = { version = "1", features = ["derive"] }
tokio_util = "0.7"
alias = { package = "real-name", version = "1" }
extra = { version = "1", optional = true }
[build-dependencies]
cc = "1"
[dev-dependencies]
proptest = "1"
[target.'cfg(windows)'.dependencies]
winapi = "0.3"
`);
    assert.equal(m.publishes, 'my-crate');
    assert.deepEqual(deps(m), ['build:cc', 'dev:proptest', 'optional:extra', 'runtime:real-name', 'runtime:serde', 'runtime:tokio-util', 'runtime:winapi']);
  });
  test('publish = false and workspace roots publish nothing', () => {
    assert.equal(parse('Cargo.toml', '[package]\nname = "x"\npublish = false\n').publishes, null);
    assert.equal(parse('Cargo.toml', '[workspace]\nmembers = ["a"]\n').publishes, null);
  });
});

describe('Ruby and PHP', () => {
  test('Gemfile groups', () => {
    const m = parse('Gemfile', `source "https://rubygems.org"\ngemspec\ngem "rails", "~> 7"\ngroup :development, :test do\n  gem 'rspec'\nend\ngem "pg", group: :test\ngem "puma"\n`);
    assert.deepEqual(deps(m), ['dev:pg', 'dev:rspec', 'runtime:puma', 'runtime:rails']);
  });
  test('gemspec name and dependencies', () => {
    const m = parse('thing.gemspec', `Gem::Specification.new do |spec|\n  spec.name = "thing"\n  spec.add_dependency "rack", ">= 2"\n  spec.add_development_dependency "rake"\nend\n`);
    assert.equal(m.publishes, 'thing');
    assert.deepEqual(deps(m), ['dev:rake', 'runtime:rack']);
  });
  test('composer.json drops platform requirements', () => {
    const m = parse('composer.json', '{"name":"Acme/Lib","require":{"php":">=8.1","ext-json":"*","guzzlehttp/guzzle":"^7"},"require-dev":{"phpunit/phpunit":"^10"}}');
    assert.equal(m.publishes, 'acme/lib');
    assert.deepEqual(deps(m), ['dev:phpunit/phpunit', 'runtime:guzzlehttp/guzzle']);
  });
});

describe('untrusted manifests never crash', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['package.json', '{"name": ', /invalid JSON/],
    ['package.json', '[1,2,3]', /not a JSON object/],
    ['composer.json', 'null', /not a JSON object/],
    ['pyproject.toml', '[project\nname = "x"', /invalid TOML/],
    ['Cargo.toml', 'a = = 1', /invalid TOML/],
    ['go.mod', 'require x v1\n', /no module directive/],
    ['package.json', `{"name":"x","description":"${'a'.repeat(1_000_001)}"}`, /larger than/],
  ];
  for (const [path, text, re] of bad) {
    test(`${path}: ${re.source}`, () => {
      const m = parse(path, text);
      assert.deepEqual(m.dependencies, []);
      assert.equal(m.publishes, null);
      assert.match(m.error ?? '', re);
    });
  }
  test('wrong shapes inside valid documents are ignored', () => {
    const m = parse('package.json', '{"name":42,"dependencies":["react"],"devDependencies":{"ok":"1","../../etc/passwd":"1","":"1"}}');
    assert.equal(m.publishes, null);
    assert.deepEqual(deps(m), ['dev:ok']);
    const p = parse('pyproject.toml', '[project]\nname = 3\ndependencies = "requests"\n');
    assert.deepEqual(p.dependencies, []);
  });
  test('unknown files are not manifests', () => {
    assert.equal(parseManifest('README.md', '# hi'), null);
    assert.equal(isManifestPath('sub/dir/go.mod'), true);
    assert.equal(isManifestPath('package-lock.json'), false);
  });
});
