import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { T } from "../../simulator/tokens";
import { finishAdoption } from "../../tools/engine/finishAdoption";
import { CommandResult, EngineSandbox, run } from "../../tools/engine/sandbox";
import { expectSuccess, prodSandbox, SandboxGit, stackHistory, timed } from "./harness";

const HEALTH_PATH = "egress-remediation:appRunner.service.healthCheck.path";
const STACK_FILE = "Pulumi.prod.yaml";

/** `npm run rollback -- <args>` in the sandbox's checkout, with its PATH, PULUMI_HOME, backend and passphrase. */
function npmRollback(sandbox: EngineSandbox, args: string[]): Promise<CommandResult> {
    return run("npm", ["run", "--silent", "rollback", "--", ...args], { cwd: sandbox.projectDir, env: sandbox.env });
}

function appRunnerHealthPath(sandbox: EngineSandbox): unknown {
    const service = sandbox.account().resources.find((r) => r.type === T.appRunnerService);
    assert.ok(service, "the simulated account holds the App Runner service");
    return (service.inputs.healthCheckConfiguration as { path?: unknown } | undefined)?.path;
}

async function stateHealthPath(sandbox: EngineSandbox): Promise<unknown> {
    const exported = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
    expectSuccess(exported, "pulumi stack export");
    const resources = JSON.parse(exported.stdout).deployment.resources as { type: string; inputs?: { healthCheckConfiguration?: { path?: unknown } } }[];
    const service = resources.find((r) => r.type === T.appRunnerService);
    assert.ok(service, "the state holds the App Runner service");
    return service.inputs?.healthCheckConfiguration?.path;
}

describe("npm run rollback on the real engine: back to the last good update, from the commit it ran", function () {
    // Three updates before the first test, a preview and an update through the rollback: minutes each on a loaded machine.
    this.timeout(45 * 60_000);
    let sandbox: EngineSandbox;
    let git: SandboxGit;
    let goodCommit: string;
    let badCommit: string;
    let badStackFile: string;

    before(async function () {
        sandbox = await prodSandbox();
        git = SandboxGit.init(sandbox.projectDir);
        git.commitAll("the project, with the values the confirm commands found");
        // Update 1 imports the adopted resources; the team then commits the import-once flags off (README).
        expectSuccess(await timed("first up (imports)", () => sandbox.pulumi(["up", "--stack", "prod", "--yes", "--policy-pack", "policies"])), "first up");
        await finishAdoption(sandbox, "prod");
        goodCommit = git.commitAll("ECS services are imported once: drop their import flags");
        // Update 2: the last good update, from a clean checkout of goodCommit.
        expectSuccess(await timed("good up", () => sandbox.pulumi(["up", "--stack", "prod", "--yes", "--policy-pack", "policies"])), "good up");
        // Update 3: a merged bad change goes out from a newer commit, as CI on main would run it.
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", HEALTH_PATH, "/broken"]), "config set");
        badCommit = git.commitAll("Health check on /broken");
        expectSuccess(await timed("bad up", () => sandbox.pulumi(["up", "--stack", "prod", "--yes", "--policy-pack", "policies"])), "bad up");
        badStackFile = fs.readFileSync(path.join(sandbox.projectDir, STACK_FILE), "utf8");
        assert.strictEqual(appRunnerHealthPath(sandbox), "/broken");
    });
    after(() => sandbox?.dispose());

    const assertCheckoutUnchanged = () => {
        assert.strictEqual(git.run("rev-parse", "HEAD"), badCommit);
        assert.strictEqual(git.run("status", "--porcelain"), "");
        assert.strictEqual(fs.readFileSync(path.join(sandbox.projectDir, STACK_FILE), "utf8"), badStackFile);
        assert.deepStrictEqual(git.worktrees(), [sandbox.projectDir], "the temporary worktree is gone");
    };

    it("previews the rollback to update 2 from its own commit and changes nothing without --yes", async () => {
        const historyBefore = await stackHistory(sandbox);
        const result = await timed("rollback preview", () => npmRollback(sandbox, ["--stack", "prod"]));
        assert.strictEqual(result.status, 0, result.stdout + result.stderr);
        const out = result.stdout;
        assert.match(
            out,
            new RegExp(`^Rolling back from update 3 \\(update, succeeded, .*\\) to update 2 \\(succeeded\\), running commit ${goodCommit}\\.$`, "m"),
        );
        assert.match(
            out,
            new RegExp(`^Code: 1 file\\(s\\) differ between commit ${badCommit.slice(0, 12)} and ${goodCommit.slice(0, 12)}: ${STACK_FILE}$`, "m"),
        );
        // The one changed path, not the part's whole JSON on each side.
        assert.match(out, /^ {2}~ egress-remediation:appRunner\.service\.healthCheck\.path: "\/broken" → "\/health"$/m);
        assert.match(out, /^Preview: .*update 1\b/m);
        assert.match(out, /^Nothing was changed\. Re-run with --yes to apply this rollback\.$/m);
        assert.match(out, new RegExp(`^HEAD differs from update 2 only in ${STACK_FILE}: the next pulumi up from HEAD`, "m"));

        assert.strictEqual(appRunnerHealthPath(sandbox), "/broken");
        assert.strictEqual(await stateHealthPath(sandbox), "/broken");
        assert.deepStrictEqual(await stackHistory(sandbox), historyBefore, "a preview records no update");
        assertCheckoutUnchanged();
    });

    it("with --yes applies update 2's program and config, recorded as a new update, and leaves the checkout as it was", async () => {
        const result = await timed("rollback --yes", () => npmRollback(sandbox, ["--stack", "prod", "--yes"]));
        assert.strictEqual(result.status, 0, result.stdout.slice(-4000) + result.stderr);
        assert.match(result.stdout, /^Rolled back to update 2: .*update 1\b/m);

        assert.strictEqual(appRunnerHealthPath(sandbox), "/health", "the simulated service is back on the good health check");
        assert.strictEqual(await stateHealthPath(sandbox), "/health", "the state is back on the good health check");
        const history = await stackHistory(sandbox);
        assert.strictEqual(history.length, 4);
        const [rollback, bad, good] = history;
        assert.strictEqual(rollback.kind, "update");
        assert.strictEqual(rollback.result, "succeeded");
        assert.strictEqual(rollback.message, `Rollback of prod to update 2 (commit ${goodCommit.slice(0, 12)})`);
        assert.strictEqual(rollback.environment["git.head"], goodCommit, "the rollback ran the good commit's program");
        assert.strictEqual(rollback.environment["git.dirty"], "false");
        assert.deepStrictEqual(rollback.config, good.config, "the rollback ran with update 2's config");
        assert.notDeepStrictEqual(bad.config, good.config);
        assertCheckoutUnchanged();
    });

    it("refuses a dirty checkout, and a target that did not succeed, before touching the stack", async () => {
        const stackFile = path.join(sandbox.projectDir, STACK_FILE);
        fs.appendFileSync(stackFile, "# local edit\n");
        const dirty = await npmRollback(sandbox, ["--stack", "prod"]);
        fs.writeFileSync(stackFile, badStackFile);
        assert.strictEqual(dirty.status, 2);
        assert.strictEqual(dirty.stdout, "");
        assert.match(dirty.stderr, new RegExp(`^rollback refused: your checkout has uncommitted changes \\(${STACK_FILE}\\); commit or stash them`));

        // Update 5 fails in the program (an App Runner limit the component enforces): a real failed update. Without
        // --skip-preview the CLI's own preview fails first, and a failed preview records no update.
        expectSuccess(
            await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", "egress-remediation:appRunner.service.healthCheck.timeout", "30"]),
            "config set",
        );
        const failed = await timed("failing up", () => sandbox.pulumi(["up", "--stack", "prod", "--yes", "--skip-preview", "--policy-pack", "policies"]));
        assert.notStrictEqual(failed.status, 0, "the update with timeout 30 fails");
        fs.writeFileSync(stackFile, badStackFile);
        const [last] = await stackHistory(sandbox);
        assert.strictEqual(last.result, "failed");

        const notSucceeded = await npmRollback(sandbox, ["--stack", "prod", "--to", "5"]);
        assert.strictEqual(notSucceeded.status, 2, notSucceeded.stdout + notSucceeded.stderr);
        assert.match(notSucceeded.stderr, /^rollback refused: update 5 \(update, failed, .*\) is not a succeeded update; choose one of: 4, 3, 2, 1\n$/);
        assert.strictEqual(appRunnerHealthPath(sandbox), "/health");
        assert.strictEqual((await stackHistory(sandbox)).length, 5, "no update was added by the refusals");
        assertCheckoutUnchanged();
    });
});
