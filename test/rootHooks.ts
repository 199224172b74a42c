import { buildOnce } from "./cli";

/**
 * Builds out/ (when stale) once, in mocha's main process before any test file loads, so no suite's
 * hook timeout pays for the compile and parallel workers never compile into out/ at the same time.
 */
export function mochaGlobalSetup(): void {
    buildOnce();
}
