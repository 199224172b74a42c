import { buildOnce } from "./cli";

/** Builds out/ (when stale) once before any suite, so no suite's own hook timeout pays for the compile. */
export const mochaHooks = {
    beforeAll(this: Mocha.Context) {
        this.timeout(600_000);
        buildOnce();
    },
};
