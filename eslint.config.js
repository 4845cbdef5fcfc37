// Lint: typescript-eslint with the rules the team agreed on (see shared STYLE: "Formatting and lint").
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'test-artifacts/**', 'traces/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/parameter-properties': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Ported code keeps Python names (snake_case); everything else is camelCase.
    files: ['**/*.ts'],
    ignores: ['src/novaclient/**', 'src/keystoneauth1/**', 'src/requests/**', 'src/urllib3/**'],
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'function', format: ['camelCase', 'PascalCase'] },
        { selector: 'class', format: ['PascalCase'] },
      ],
    },
  }
);
