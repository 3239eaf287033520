// ESLint (flat config) over the platform's own JavaScript: `npx eslint` (run by `make test`).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["static/vendor/**", "node_modules/**", "var/**", "build/**", ".venv/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      "no-empty": ["error", { allowEmptyCatch: false }],
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all" }],
      "prefer-const": "error",
      "no-var": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      // an empty .catch(() => {}) swallows an error nobody sees: forbidden
      "no-restricted-syntax": ["error", {
        selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression.arguments[body.type='BlockStatement'][body.body.length=0]",
        message: "Handle or report the error: no empty .catch().",
      }, {
        selector: "CallExpression[callee.property.name='catch'] > FunctionExpression.arguments[body.body.length=0]",
        message: "Handle or report the error: no empty .catch().",
      }],
    },
  },
  {
    // classic scripts loaded by base.html
    files: ["static/js/app.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["static/js/sw.js"],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
  },
];
