import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'scratch/**',
      '.ci/**',
      'packages/core/drizzle.config.ts',
      'vitest.config.ts',
      '**/node_modules/**',
      'packages/core/drizzle/**',
      '.gatehouse/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./packages/*/tsconfig.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Time and randomness reach the engine only through the injected Clock and RandomSource
    // (util/clock.ts, util/random.ts), so tests freeze time and fix ids instead of sleeping.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/util/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use the injected clock: new Date(clock.now()).',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Use the injected clock: clock.now().',
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Use the injected RandomSource (random.below(n), random.bytes(n)).',
        },
        {
          // crypto.randomUUID() (the global) and namespace imports (nodeCrypto.randomBytes).
          selector: 'MemberExpression[property.name=/^(randomBytes|randomUUID|randomInt|getRandomValues)$/]',
          message:
            'Use the injected RandomSource (random.bytes(n), random.token(n), random.uuid(), random.below(n)).',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:crypto', 'crypto'].map((name) => ({
            name,
            importNames: ['randomBytes', 'randomUUID', 'randomInt', 'getRandomValues', 'webcrypto'],
            message:
              'Use the injected RandomSource (random.bytes(n), random.token(n), random.uuid(), random.below(n)).',
          })),
        },
      ],
    },
  },
);
