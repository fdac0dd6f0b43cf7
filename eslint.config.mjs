import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Folders of src/ and what each may import besides itself (test/unit/folder-dependencies checks they form no cycle).
// Nothing in src/ imports dev/; contract, domain and workflows are workflow-safe: no Node built-ins, no I/O modules,
// and the workflow bundle sees zod schemas only as types.
const mayImport = {
  contract: [],
  domain: ['contract'],
  workflows: ['contract', 'domain'],
  providers: ['contract', 'domain'],
  config: ['contract', 'domain', 'providers'],
  client: ['contract', 'domain', 'config'],
  webhooks: ['contract', 'domain', 'providers', 'config', 'client'],
  activities: ['contract', 'domain', 'providers', 'config', 'client', 'webhooks'],
  worker: ['contract', 'domain', 'providers', 'config', 'activities', 'workflows', 'webhooks'],
  cli: ['contract', 'domain', 'providers', 'config', 'client', 'worker', 'webhooks'],
};
const folders = Object.keys(mayImport);
const folderImport = (names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;
const builtins = builtinModules.flatMap((m) => [m, `node:${m}`]).filter((m) => !['assert', 'node:assert'].includes(m));
const fromDev = { regex: '^(\\.\\./)+dev/', message: 'The product never depends on development tooling (dev/).' };
// Workflows name their activities' types and call them through proxyActivities; clients start workflows by the
// contract's type names and signatures.
const typesOnly = { workflows: ['activities'] };
const ioModules = {
  group: ['@aws-sdk/*', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
  allowTypeImports: true,
  message: 'Workflow-safe code must stay deterministic: no I/O modules.',
};
const noSchemas = {
  regex: '^(zod|(\\.\\./)+contract/(scene-input|project-input|project-manifest|catalogue))$',
  allowTypeImports: true,
  message:
    'Keep zod out of the workflow bundle: the SDK evaluates workflow modules afresh for every run, and building ' +
    'schemas there is the costliest thing a scene does. Validation runs in the prepare activities.',
};
const folderRules = folders.map((folder) => {
  const banned = folders.filter((f) => f !== folder && !mayImport[folder].includes(f));
  const typeOnly = typesOnly[folder] ?? [];
  const workflowSafe = ['contract', 'domain', 'workflows'].includes(folder);
  const patterns = [
    fromDev,
    {
      regex: folderImport(banned.filter((f) => !typeOnly.includes(f))),
      message: `src/${folder} may import only ${mayImport[folder].map((f) => `src/${f}`).join(', ') || 'itself'}.`,
    },
    ...(typeOnly.length > 0
      ? [
          {
            regex: folderImport(typeOnly),
            allowTypeImports: true,
            message: `src/${folder} may import ${typeOnly.join(', ')} only as types.`,
          },
        ]
      : []),
    ...(workflowSafe ? [ioModules] : []),
    ...(folder === 'domain' || folder === 'workflows' ? [noSchemas] : []),
  ];
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: workflowSafe ? builtins : [], patterns }] },
  };
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist.partial/**',
      '.tools/**',
      '.data/**',
      'bench/results/**',
      'coverage/**',
      // A consumer's files, checked in a scratch project against the installed package (test/package); one must fail.
      'test/package/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'bin/*.js', 'scripts/*.js', 'bench/lib/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Forgetting to await an activity or a workflow API silently breaks ordering and error handling.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/*.js', 'scripts/*.js', 'bench/lib/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Test workflows follow the workflow rules: deterministic, no I/O.
    files: ['test/fixtures/**/workflows*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: builtins, patterns: [ioModules] }] },
  },
  ...folderRules,
  {
    // The emulators are the check on the adapters: their statement of each model's rules must stay their own.
    files: ['dev/sandbox/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+src/', message: 'The sandbox imports nothing from src/.' }] },
      ],
    },
  },
);
