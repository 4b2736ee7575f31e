import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/**
 * The layers of src/, bottom up, each with the layers it may import (docs/architecture.md).
 * Layers on one level (ingest and store; runner, ui and export) do not import each other.
 */
const LAYERS = {
  core: [],
  shared: ['core'],
  ingest: ['core', 'shared'],
  store: ['core', 'shared'],
  // What joins Claude's files to the ledger: the import, settling dead runs, views that import first.
  history: ['core', 'shared', 'ingest', 'store'],
  runner: ['core', 'shared', 'ingest', 'store', 'history'],
  // The UI renders what it is given: the command reads the store and hands it over.
  ui: ['core', 'shared'],
  export: ['core', 'shared', 'ingest', 'store', 'history'],
  commands: ['core', 'shared', 'ingest', 'store', 'history', 'runner', 'ui', 'export'],
  cli: ['core', 'shared', 'commands'],
  bin: ['shared', 'cli', 'commands'],
};

/** Packages with one home layer, so that replacing one touches one folder. */
const PACKAGE_HOMES = { 'better-sqlite3': 'store', chalk: 'ui', '@opentelemetry/*': 'export' };

/** import-x/no-restricted-paths options that hold the layers, plus the rules inside two of them. */
function layerBoundaries(layers) {
  const zones = Object.entries(layers).map(([layer, below]) => ({
    target: `src/${layer}`,
    from: 'src',
    except: [layer, ...below].map((name) => `./${name}`),
    message: below.length === 0 ? `${layer}/ imports nothing of ours.` : `${layer}/ may import only ${below.join(', ')}.`,
  }));
  zones.push(
    {
      target: ['src/commands/*.ts', 'src/commands/options'],
      from: 'src/commands/*.ts',
      message: 'Commands do not import each other: move what two share down (commands/options/ or a lower layer).',
    },
    { target: 'src/cli/!(commands).ts', from: 'src/commands', message: 'Only the command table (cli/commands.ts) loads commands.' },
  );
  return { basePath: ROOT, zones };
}

function packageRestrictions(layer) {
  if (layer === 'core') return [{ regex: '^[^.]', message: 'core/ is pure logic: no Node built-ins, no packages.' }];
  return Object.entries(PACKAGE_HOMES)
    .filter(([, home]) => home !== layer)
    .map(([name, home]) => ({ group: [name], message: `${name} is used only in ${home}/.` }));
}

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'test-artifacts/', 'bench/.cache/', '.demo/']),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json', './src/ui/dashboard/browser/tsconfig.json'], tsconfigRootDir: ROOT },
    },
    rules: {
      // A command is `async run(argv)` whether or not it waits: the table calls every one alike.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Passing on what was caught, as it was, is the point of a rethrow.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Sources import each other as './x.js', as Node will run them once built.
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
      // The files no-cycle follows, and how to read them.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', layerBoundaries(LAYERS)],
      // What ships must not need what only the tests install.
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: false }],
    },
  },
  ...Object.keys(LAYERS).map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: packageRestrictions(layer) }] },
  })),
  {
    // Time comes in as `now`, so every rule about time is testable with a fixed clock.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...['process', 'console', 'setTimeout', 'setInterval'].map((name) => ({ name, message: 'core/ is pure logic: no I/O, no timers.' }))],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core/ never reads the clock: take `now`.' },
        { object: 'performance', property: 'now', message: 'core/ never reads the clock: take `now`.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core/ never reads the clock: take `now`.' }],
    },
  },
  {
    // The dashboard page's script: bundled alone for the browser, and it puts every value in as text.
    files: ['src/ui/dashboard/browser/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./', allowTypeImports: true, message: 'The page takes only types from outside browser/: what it runs is bundled from this folder.' },
            { regex: '^[^.]', message: 'The page loads no packages and no Node built-ins.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({ property, message: 'Values go in as text (textContent, el()), never as HTML.' })),
        { object: 'document', property: 'write', message: 'Values go in as text (textContent, el()), never as HTML.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON (CLI output, API answers, files) and assert its shape: typing every read would say nothing more.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Terminal output is matched with its escape sequences.
      'no-control-regex': 'off',
      // expect(object.method) and helpers that hand a closure on are how tests are written.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
