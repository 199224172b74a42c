import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { finishAdoption } from "../../tools/engine/finishAdoption";
import { CommandResult, EngineSandbox, run } from "../../tools/engine/sandbox";
import { expectSuccess, prodSandbox, stackHistory, timed } from "./harness";

interface ExportedResource {
    readonly urn: string;
    readonly type: string;
    readonly id?: string;
    readonly custom?: boolean;
    readonly protect?: boolean;
    readonly parent?: string;
    readonly dependencies?: string[];
    readonly propertyDependencies?: Record<string, string[]>;
    readonly deletedWith?: string;
}

/** A resource `pulumi state delete` takes without --target-dependents: an AWS resource nothing depends on, unprotected if one is. */
function leafResource(resources: readonly ExportedResource[]): ExportedResource | undefined {
    const depended = new Set<string>();
    for (const r of resources) {
        for (const urn of [r.parent, r.deletedWith, ...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()])
            if (urn) depended.add(urn);
    }
    // Nothing depends on the services; everything else feeds one. A protected one is dropped with --force.
    const leaves = resources.filter((r) => r.custom && r.type.startsWith("aws:") && !depended.has(r.urn));
    return leaves.find((r) => !r.protect) ?? leaves[0];
}

async function stateResources(sandbox: EngineSandbox): Promise<ExportedResource[]> {
    const exported = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
    expectSuccess(exported, "pulumi stack export");
    return JSON.parse(exported.stdout).deployment.resources as ExportedResource[];
}

/** `npm run rollback -- <args>` in the sandbox's project, with its PATH, PULUMI_HOME, backend and passphrase. */
function npmRollback(sandbox: EngineSandbox, args: string[]): Promise<CommandResult> {
    return run("npm", ["run", "--silent", "rollback", "--", ...args], { cwd: sandbox.projectDir, env: sandbox.env });
}

describe("rollback --state on the real file backend: a resource dropped from state comes back from the prior checkpoint", function () {
    // The first up of prod before the tests: minutes on a loaded machine.
    this.timeout(30 * 60_000);
    let sandbox: EngineSandbox;
    let dropped: ExportedResource;
    let backups: string;
    let eventsBefore: number;

    before(async function () {
        sandbox = await prodSandbox();
        expectSuccess(await timed("first up (imports)", () => sandbox.pulumi(["up", "--stack", "prod", "--yes", "--policy-pack", "policies"])), "first up");
        // As the README says to commit after the first up: ECS services are imported once.
        await finishAdoption(sandbox, "prod");
        const resources = await stateResources(sandbox);
        dropped = leafResource(resources)!;
        assert.ok(dropped, "the stack has a resource nothing depends on");
        // An operator drops it from state by mistake: the cloud keeps it, the state forgets it.
        const force = dropped.protect ? ["--force"] : [];
        expectSuccess(await sandbox.pulumi(["state", "delete", "--stack", "prod", "--yes", ...force, dropped.urn]), "pulumi state delete");
        assert.ok(!(await stateResources(sandbox)).some((r) => r.urn === dropped.urn));
        backups = path.join(sandbox.root, "backups");
        fs.mkdirSync(backups);
        eventsBefore = sandbox.account().events.length;
    });
    after(() => sandbox?.dispose());

    it("lists what update 1's checkpoint has that the state lacks, and imports nothing without --yes", async () => {
        assert.strictEqual((await stackHistory(sandbox)).length, 1, "a state edit records no update");
        const result = await timed("rollback --state 1 (preview)", () => npmRollback(sandbox, ["--stack", "prod", "--state", "1"]));
        assert.strictEqual(result.status, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /^Restoring the state of stack prod to the checkpoint update 1 \(update, succeeded, .*\) left\.$/m);
        const listed = result.stdout.split("\n").filter((line) => /^ {2}[+~-] /.test(line));
        assert.deepStrictEqual(listed, [`  + ${dropped.urn}  (in update 1's checkpoint, missing now)`]);
        assert.match(result.stdout, /^Nothing was changed\. Re-run with --yes/m);
        assert.ok(!(await stateResources(sandbox)).some((r) => r.urn === dropped.urn));
        assert.deepStrictEqual(fs.readdirSync(backups), []);
    });

    it("with --yes saves the current state to a file, then imports the checkpoint: the resource is in state again, the cloud untouched", async () => {
        const current = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
        expectSuccess(current, "pulumi stack export");
        const result = await timed("rollback --state 1 --yes", () =>
            npmRollback(sandbox, ["--stack", "prod", "--state", "1", "--yes", "--backup-dir", backups]),
        );
        assert.strictEqual(result.status, 0, result.stdout + result.stderr);

        const restored = (await stateResources(sandbox)).find((r) => r.urn === dropped.urn);
        assert.deepStrictEqual(restored && { type: restored.type, id: restored.id }, { type: dropped.type, id: dropped.id });
        const [backup] = fs.readdirSync(backups);
        assert.match(backup, /^prod-state-before-restore-.*\.json$/);
        const saved = JSON.parse(fs.readFileSync(path.join(backups, backup), "utf8"));
        assert.deepStrictEqual(saved, JSON.parse(current.stdout), "the state before the import is saved as `pulumi stack export` printed it");
        assert.strictEqual(fs.statSync(path.join(backups, backup)).mode & 0o777, 0o600);
        assert.match(result.stdout, new RegExp(`undo: pulumi stack import --stack prod --file ${path.join(backups, backup)}`));
        assert.strictEqual(sandbox.account().events.length, eventsBefore, "no cloud resource was created, changed or deleted");

        // The engine agrees: with the resource back in state, a preview plans no create of it (nor anything else).
        expectSuccess(
            await timed("preview --expect-no-changes", () =>
                sandbox.pulumi(["preview", "--stack", "prod", "--expect-no-changes", "--policy-pack", "policies"]),
            ),
            "pulumi preview --expect-no-changes after the import",
        );
    });
});
