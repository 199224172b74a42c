// StrykerJS: `npm run mutate` (all folders) or `npm run mutate -- --mutate 'policies/**/*.ts'` (one folder).
// Stryker writes its incremental file from the current run only, so each --mutate selection keeps its own
// file under test/mutation/: a one-folder run never discards the results of the others.
const ALL = [
    "policies/**/*.ts",
    "components/**/*.ts",
    "config/**/*.ts",
    "tools/offline/diffPlans.ts",
    "tools/rollback/**/*.ts",
    "!**/*.test.ts",
    "!**/*.d.ts",
    // Constructing the PolicyPack starts a gRPC server; tests import the policies, never the entry.
    "!policies/index.ts",
];

function selection(argv) {
    const at = argv.findIndex((arg) => arg === "--mutate" || arg === "-m" || arg.startsWith("--mutate="));
    if (at < 0) return "all";
    const value = argv[at].startsWith("--mutate=") ? argv[at].slice("--mutate=".length) : (argv[at + 1] ?? "");
    const slug = value
        .split(",")[0]
        .replace(/\*.*$/, "")
        .replace(/\.ts$/, "")
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
    return slug || "all";
}

/**
 * A one-folder run loads only the test files that import that folder (found with grep), so the
 * initial run that measures coverage does not pay for the whole suite; a full run loads them all.
 */
const TESTS = {
    policies: [
        "test/policies.test.ts",
        "test/policyBoundaries.test.ts",
        "test/databaseIngress.test.ts",
        "test/appRunnerLimits.test.ts",
        "test/policyCompute.test.ts",
        "test/policyIngress.test.ts",
        "test/policyLib.test.ts",
        "test/policyNetwork.test.ts",
    ],
    // In-process tests first, then those that build a git repository: Stryker stops at the first failing
    // test, so a mutant the fast ones kill never pays for git.
    "tools-rollback": [
        "test/rollbackPlanChoice.test.ts",
        "test/rollbackUnits.test.ts",
        "test/rollbackRestoreConfig.test.ts",
        "test/rollbackStateRestore.test.ts",
        "test/rollbackCommandCodes.test.ts",
        "test/rollbackOptions.test.ts",
        "test/rollbackInterrupts.test.ts",
        "test/rollbackState.test.ts",
        "test/rollbackCommandWrappers.test.ts",
        "test/rollbackWorktreeCleanup.test.ts",
        "test/automationStackInProcess.test.ts",
        "test/rollbackRepository.test.ts",
        "test/rollbackRun.test.ts",
        "test/rollback.test.ts",
        "test/automationStack.test.ts",
    ],
    // The program tests (test/harness.ts runs index.ts) exercise both config/ and components/. No {a,b}
    // patterns: the mocha runner loaded none of their files.
    config: [
        "test/config*.test.ts",
        "test/secretConfig.test.ts",
        "test/secretConfigRules.test.ts",
        "test/secretDetection.test.ts",
        "test/secretValues.test.ts",
        "test/unconfirmed.test.ts",
        "test/discoverEcsSecrets.test.ts",
        "test/discoverSecretLooking.test.ts",
        "test/discoverTerraform.test.ts",
        "test/appRunnerService.test.ts",
        "test/dataStoreAccess.test.ts",
        "test/ecsWorker.test.ts",
        "test/secretAccess.test.ts",
        "test/vpcEgress.test.ts",
        "test/adoption.test.ts",
        "test/bootstrap.test.ts",
        "test/program.test.ts",
        "test/secretOutputs.test.ts",
    ],
    components: [
        "test/appRunnerService.test.ts",
        "test/dataStoreAccess.test.ts",
        "test/ecsWorker.test.ts",
        "test/liveProperties.test.ts",
        "test/secretAccess.test.ts",
        "test/secretReference.test.ts",
        "test/secretValues.test.ts",
        "test/secretStore.test.ts",
        "test/providers.test.ts",
        "test/vpcEgress.test.ts",
        "test/adoption.test.ts",
        "test/bootstrap.test.ts",
        "test/program.test.ts",
        "test/secretOutputs.test.ts",
    ],
    "tools-offline-diffPlans": ["test/replaceOn.test.ts", "test/diffPlans.test.ts"],
};
const selected = selection(process.argv);
/** The test files of the folder a selection lies in (tools-rollback-planRollback → tools-rollback). */
const testsFor = (slug) => Object.entries(TESTS).find(([folder]) => slug === folder || slug.startsWith(`${folder}-`))?.[1];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    packageManager: "npm",
    testRunner: "mocha",
    mochaOptions: { config: "test/stryker.mocharc.json", ...(testsFor(selected) ? { spec: testsFor(selected) } : {}) },
    checkers: ["typescript"],
    // Only the mutated folders and what they import: checking each mutant against the whole project took minutes.
    tsconfigFile: "tsconfig.mutate.json",
    coverageAnalysis: "perTest",
    incremental: true,
    incrementalFile: `test/mutation/incremental-${selected}.json`,
    // Two cores shared with the Pulumi engine and other work: one test runner, one checker.
    concurrency: 1,
    checkerNodeArgs: [],
    timeoutMS: 20000,
    // The initial run measures per-test coverage of the whole in-process suite: minutes on a busy machine.
    dryRunTimeoutMinutes: 30,
    mutate: ALL,
    ignorePatterns: ["/out", "/scratch", "/.venv-moto", "/reports", "/engine", "/test/mutation"],
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    tempDirName: ".stryker-tmp",
};
