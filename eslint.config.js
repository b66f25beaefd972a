// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/dist/', '**/node_modules/', '**/coverage/', '**/test-results/', '**/data/', 'deploy/tls/lab/']),

  // Plain JavaScript (scripts/*.mjs, this file): the language's own rules, Node globals.
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },

  // TypeScript: type-aware rules; each file is checked with the tsconfig.json nearest to it.
  // `recommendedTypeChecked`, not `strictTypeChecked`: strict's no-unnecessary-condition flags
  // every check of a value that comes off the wire (MQTT payloads, serial frames, REST bodies)
  // whose declared type is what the check is there to verify; removing those checks would make
  // bad input crash instead of getting its clear error.
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Off: a `!` here states an invariant the compiler cannot follow (a mandatory regex group, an index
      // inside a buffer just allocated, a map entry set a line above). Banning it only moves the claim
      // into an `as` cast or a fallback value that can never be used, which hides more than it shows.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Off: TypeORM entities and class-validator DTOs are plain data classes (no methods, no private
      // state). Handing an object literal of their shape to a repository or a service is the
      // frameworks' own idiom, and every such place is type-checked field by field anyway.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Tuned: numbers in messages, ids and paths are everyday text; booleans, nullish values, objects
      // and `any` in a template stay errors (they print `undefined` or `[object Object]`).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Tuned: a leading underscore marks a binding left unused on purpose, and a rest object is the
      // way to copy an object without some fields (`const { cards, ...header } = set`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Off: async methods here implement promise-returning interfaces (serial bindings, stores,
      // closers); `async` makes a throw a rejection, which is what callers of such an interface
      // handle, even when the body itself has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // Tests read JSON bodies, MQTT payloads and mocks as they come; the assertions that follow are
  // the type check, so declaring a type first would only restate them.
  {
    files: ['**/*.test.{ts,tsx}', 'test/src/**/*.{ts,tsx}', '**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // The dashboard runs in the browser and is React.
  {
    files: ['dashboard/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    languageOptions: { globals: globals.browser },
    rules: {
      // Tuned: antd's onClick, onOk and onFinish ignore what a handler returns, so async handlers
      // are its idiom; a rejection none of them caught is shown to the user by the app's
      // unhandledrejection handler (FailedHandlerMessages in app.tsx), not lost.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },

  // Last: turns off every rule that only concerns layout, which Prettier owns.
  prettier,
);
