// tools/rollback/ under StrykerJS in seconds per mutant (see test/mutation/NOTES-rollback.md):
//   npx stryker run test/mutation/stryker-rollback-fast.mjs --mutate tools/rollback/<file>.ts --checkers "" --ignoreStatic
// Runs the in-process rollback tests first (no git repository, no CLI process), then the tests that build a
// git repository per scenario (test/rollbackRun.test.ts, test/rollback.test.ts), which alone cover runRollback, repository, worktree
// and git: Stryker stops at the first failing test, so a mutant the fast tests kill never pays for git.
// ROLLBACK_TESTS=fast leaves the git-backed tests out; a score measured so is a lower bound.
import base from "../../stryker.config.mjs";

export const FAST_ROLLBACK_TESTS = [
    "test/rollbackPlanChoice.test.ts",
    "test/rollbackUnits.test.ts",
    "test/rollbackRestoreConfig.test.ts",
    "test/rollbackStateRestore.test.ts",
    "test/rollbackCommandCodes.test.ts",
    "test/rollbackOptions.test.ts",
    "test/rollbackInterrupts.test.ts",
    "test/rollbackState.test.ts",
];
const GIT_ROLLBACK_TESTS = ["test/rollbackRepository.test.ts", "test/rollbackRun.test.ts", "test/rollback.test.ts", "test/automationStack.test.ts"];

const spec = process.env.ROLLBACK_TESTS === "fast" ? FAST_ROLLBACK_TESTS : [...FAST_ROLLBACK_TESTS, ...GIT_ROLLBACK_TESTS];
export default { ...base, mochaOptions: { ...base.mochaOptions, spec } };
