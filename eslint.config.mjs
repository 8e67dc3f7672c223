// ESLint 9 flat config. The hard rule is `import-x/no-cycle` on lib/: imports point one way only (design §2).
// The TypeScript rules are typescript-eslint's `recommended` set (syntax only, no type information, so lint stays
// fast and needs no build), plus a few that match the project's style (style.md §7).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { importX } from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'

export default tseslint.config(
  {
    ignores: ['dist/**', 'docs/**', 'coverage/**', 'node_modules/**', 'src/**', '.jest/**']
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x skips .ts files when it follows imports, and no-cycle sees no cycle.
      'import-x/extensions': ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts', '.cts'] },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })]
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      // tsc's noUnusedLocals/noUnusedParameters already check this, and allow type tests' `typeof x` values.
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error'
    }
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: false, peerDependencies: true, optionalDependencies: false }
      ],
      // Time is a parameter (style §7.2): only Clock.ts reads the clock or starts timers.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Read time through a Clock (lib/Clock.ts).' },
        { object: 'performance', property: 'now', message: 'Read time through a Clock (lib/Clock.ts).' }
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Take a Clock or a scheduler as a parameter (style §7.2).' },
        { name: 'setInterval', message: 'Take a Clock or a scheduler as a parameter (style §7.2).' }
      ]
    }
  },
  {
    files: ['lib/Clock.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-globals': 'off' }
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly'
      }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
