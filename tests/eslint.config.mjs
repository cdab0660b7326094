// The lint of the phone's scripts (tests/test_scripts_lint.py): each file is an ES module
// on its own, and uses only names it declares, imports, or the browser gives it. The page
// scripts run in a window and in the worker (shared modules), the worker's own in a worker.
// `globals` comes from where the test installed ESLint (DOORSTEP_ESLINT_HOME).
import { createRequire } from "node:module";

const globals = createRequire(`${process.env.DOORSTEP_ESLINT_HOME}/`)("globals");

const shared = {
  ecmaVersion: 2022,
  sourceType: "module",
};

export default [
  {
    files: ["web/static/**/*.js"],
    languageOptions: { ...shared, globals: { ...globals.browser, ...globals.serviceworker } },
    rules: { "no-undef": "error", "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-redeclare": "error", "no-dupe-keys": "error" },
  },
  {
    files: ["service_worker/**/*.js"],
    // `globals` leaves out a few that workers have (AbortController, AbortSignal).
    languageOptions: { ...shared, globals: { ...globals.serviceworker, AbortController: "readonly",
      AbortSignal: "readonly" } },
    rules: { "no-undef": "error", "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-redeclare": "error", "no-dupe-keys": "error" },
  },
];
