import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Workflow code runs in a deterministic sandbox: no I/O modules, and activities only as types.
const builtins = builtinModules.flatMap((m) => [m, `node:${m}`]).filter((m) => !['assert', 'node:assert'].includes(m));
const deterministic = [
  {
    group: ['**/activities', '**/activities/*', '**/activities/**'],
    allowTypeImports: true,
    message: 'Import activities as types only; workflows call them through proxyActivities.',
  },
  {
    group: [
      '**/providers/*',
      '**/sandbox/*',
      '**/stack/*',
      '**/client/*',
      '@aws-sdk/*',
      '@temporalio/worker',
      '@temporalio/client',
      '@temporalio/activity',
    ],
    allowTypeImports: true,
    message: 'Workflow code must stay deterministic: no I/O modules.',
  },
];
const noSchemas = {
  group: ['zod', '**/scene-input', '**/project-input', '**/config/catalogue', '**/config/providers'],
  allowTypeImports: true,
  message:
    'Keep zod out of workflow code: the SDK evaluates workflow modules afresh for every run, and building ' +
    'schemas there is the costliest thing a scene does. Validation runs in the prepare activities.',
};
const workflowInputSchemas = ['src/workflows/scene-input.ts', 'src/workflows/project-input.ts'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'lib/**', '.data/**', 'bench/results/**', 'bin/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.js'] },
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
    files: ['scripts/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts', 'test/fixtures/**/workflows*.ts'],
    ignores: workflowInputSchemas,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: builtins, patterns: [...deterministic, noSchemas] },
      ],
    },
  },
  {
    // The workflows' input contracts: zod schemas imported by the client and the prepare activities, never by workflows.
    files: workflowInputSchemas,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: builtins, patterns: deterministic }] },
  },
);
