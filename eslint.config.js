import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';
import { LIFECYCLE_EXEMPT, NO_HAND_WRITTEN_TRANSITIONS } from './scripts/lib/lifecycle-lint.js';

/** No enums anywhere (STYLE.md). */
const NO_ENUM = { selector: 'TSEnumDeclaration', message: 'Use a union of literals, not enum.' };

/** No database access written in a route (STYLE.md: services and repositories own the queries). */
const NO_QUERY_IN_ROUTES = [
  {
    selector:
      'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|transaction|executeQuery)$/]',
    message: 'No queries in routes: put them in src/lib/server/repos or services.',
  },
  {
    selector: 'TaggedTemplateExpression[tag.name="sql"]',
    message: 'No SQL in routes: put it in src/lib/server/repos or services.',
  },
];

/** Import boundaries (STYLE.md): domain <- sync <- client | server <- routes. */
const boundary = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((regex) => ({ regex, message })) }],
});

export default ts.config(
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'data/',
      'bench/results/',
      'bench/dist/',
      'coverage/',
      '.test-build-*/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Patrolbook is always served at the origin root (no paths.base), so plain hrefs are exact.
      'svelte/no-navigation-without-resolve': 'off',
      'no-restricted-syntax': ['error', NO_ENUM],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: LIFECYCLE_EXEMPT,
    rules: { 'no-restricted-syntax': ['error', NO_ENUM, ...NO_HAND_WRITTEN_TRANSITIONS] },
  },
  {
    // Routes read requests and call services and repositories; queries live in src/lib/server.
    files: ['src/routes/**/*.ts'],
    ignores: LIFECYCLE_EXEMPT,
    rules: {
      'no-restricted-syntax': [
        'error',
        NO_ENUM,
        ...NO_HAND_WRITTEN_TRANSITIONS,
        ...NO_QUERY_IN_ROUTES,
      ],
    },
  },
  {
    files: ['src/lib/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: boundary('The domain core is pure: it may import only zod and its own modules.', [
      '^(?!zod$|\\./)',
    ]),
  },
  {
    files: ['src/lib/sync/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: boundary('The sync contract depends only on zod and the domain.', [
      '^(?!zod$|\\./|\\.\\./domain/|\\$lib/domain/)',
    ]),
  },
  {
    files: ['src/lib/client/**/*', 'src/routes/(field)/**/*'],
    rules: boundary('Browser code must not import server-only modules.', [
      '\\$lib/server',
      '/server/',
      '^node:',
    ]),
  },
  {
    // The phone's core keeps what it says as keys (i18n Message) and never words it in the
    // language of the moment; only the app state that owns the language switch may.
    files: ['src/lib/client/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/lib/client/field.svelte.ts'],
    rules: boundary(
      'Client core code must not import server-only modules, routes, or the UI language (keep a Message; the component words it).',
      ['\\$lib/server', '/server/', '^node:', '/routes/', 'i18n/locale\\.svelte'],
    ),
  },
  {
    // Notices are rendered alike on the phone and the server: the domain, jsPDF (and fflate, the
    // deflate jsPDF itself uses), the QR and ESC/POS encoders, nothing from either side, and no
    // UI language (a served document is in Chinese).
    files: ['src/lib/notices/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: boundary(
      'Notices import only the domain, jspdf, fflate, uqr, the receipt printer encoder, zod and their own modules.',
      [
        '^(?!jspdf$|fflate$|uqr$|zod$|@point-of-sale/receipt-printer-encoder$|\\$lib/domain/|\\.{1,2}/)',
        '/(server|client|i18n|routes|components|sync)/',
      ],
    ),
  },
  {
    // Catalogs of messages: words and how to fill them, over the domain's own wording.
    files: ['src/lib/i18n/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: boundary('i18n imports only zod, the domain and its own modules.', [
      '^(?!zod$|\\$lib/domain/|\\./)',
    ]),
  },
  {
    files: ['src/lib/components/**/*'],
    rules: boundary('Browser code must not import server-only modules, nor a route.', [
      '\\$lib/server',
      '/server/',
      '^node:',
      '/routes/',
    ]),
  },
  {
    files: ['src/lib/server/**/*'],
    rules: boundary(
      'Server code must not import browser-only modules, a route, nor a migration (migrations are frozen; live code keeps its own copy).',
      ['\\$lib/client', '/client/', '^dexie$', '/migrations/', '/routes/'],
    ),
  },
  {
    // The migration runner lists the migrations; they import nothing live.
    files: ['src/lib/server/db/db.ts', 'src/lib/server/db/migrations/**'],
    rules: boundary('Server code must not import browser-only modules, nor a route.', [
      '\\$lib/client',
      '/client/',
      '^dexie$',
      '/routes/',
    ]),
  },
  {
    files: ['src/service-worker.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['./tsconfig.sw.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // App.* namespaces are merged by SvelteKit, which needs interfaces.
    files: ['src/app.d.ts'],
    rules: { '@typescript-eslint/consistent-type-definitions': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '*.config.ts'],
    ...ts.configs.disableTypeChecked,
  },
);
