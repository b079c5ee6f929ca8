/** The controller's version, printed by `--version` (kept in step with controller/package.json; a test checks). */
export const CONTROLLER_VERSION = "0.1.0";
