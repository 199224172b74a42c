import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
// The error class alone: the package's automation index loads most of @pulumi/pulumi (about 1 s).
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation/errors";
import { Interrupts } from "./interrupts";
import { describe, numberVersions, RollbackRefused } from "./planRollback";
import { cliMessage, RollbackFailed } from "./runRollback";
import { diffStates, onlyOutputsDiffer } from "./stateDiff";
import { Deployment, OpenStack } from "./stackOperations";

export interface StateRestoreOptions {
    readonly stack: string;
    /** The update whose resulting checkpoint becomes the stack's state again. */
    readonly version: number;
    readonly yes: boolean;
    readonly projectDir: string;
    /** Where the current state is saved before the import. */
    readonly backupDir: string;
    readonly print: (line: string) => void;
}

export interface StateRestoreOutcome {
    readonly imported: boolean;
    readonly backup?: string;
}

const hash = (d: Deployment) => createHash("sha256").update(JSON.stringify(d)).digest("hex");

/**
 * `rollback --state <version>`: for when the state itself is wrong (a refresh under the wrong
 * credentials dropped resources, a bad import). Shows what the checkpoint of update `version` has
 * that the current state lacks or holds differently, and with `yes` saves the current state to a
 * file and imports that checkpoint. Only state changes: no cloud resource is read or touched.
 * The CLI works on copies of Pulumi.yaml and the stack file in a temporary folder.
 */
export async function runStateRestore(options: StateRestoreOptions, deps: { open: OpenStack; interrupts: Interrupts }): Promise<StateRestoreOutcome> {
    const stackFile = `Pulumi.${options.stack.split("/").pop()}.yaml`;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-state-restore-"));
    try {
        for (const name of ["Pulumi.yaml", stackFile]) {
            if (fs.existsSync(path.join(options.projectDir, name))) fs.copyFileSync(path.join(options.projectDir, name), path.join(tmp, name));
        }
        return await restoreIn(tmp, options, deps);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

async function restoreIn(workDir: string, options: StateRestoreOptions, deps: { open: OpenStack; interrupts: Interrupts }): Promise<StateRestoreOutcome> {
    const { print } = options;
    const { interrupts } = deps;
    const stack = await deps.open(options.stack, workDir);
    const history = numberVersions(await stack.history(false)).filter((h) => h.kind !== "preview");
    const unfinished = history.find((h) => h.result === "in-progress" || h.result === "not-started");
    if (unfinished) throw new RollbackRefused(`${describe(unfinished)} has not finished; wait for it before restoring state`);
    const record = history.find((h) => h.version === options.version);
    if (!record) throw new RollbackRefused(`update ${options.version} is not in the stack's history; versions: ${history.map((h) => h.version).join(", ")}`);
    interrupts.check();

    const prior = await stack.exportState(record);
    const current = await stack.exportState();
    const changes = diffStates(prior, current);
    print(`Restoring the state of stack ${options.stack} to the checkpoint ${describe(record)} left.`);
    // The newest update's checkpoint is worth restoring too: state edits (`pulumi state delete`, `stack import`) record no update.
    if (record === history[0]) print(`Update ${record.version} is the newest update; the state has been edited since only if a difference is listed below.`);
    // A refresh rewrites outputs of many resources (timestamps, computed lists); restoring those is
    // no reason to restore a state, so they are counted, not listed, below what is.
    const outputsOnly = changes.filter(onlyOutputsDiffer);
    for (const c of changes.filter((c) => !onlyOutputsDiffer(c))) {
        if (c.change === "missing") print(`  + ${c.urn}  (in update ${record.version}'s checkpoint, missing now)`);
        else if (c.change === "differs") print(`  ~ ${c.urn}  (${c.fields!.join(", ")})`);
        else print(`  - ${c.urn}  (only in the current state: the import drops it from state; the cloud resource stays, unmanaged)`);
    }
    if (outputsOnly.length > 0)
        print(
            `  ${outputsOnly.length} more resource(s) differ only in outputs (as after a refresh); the import restores those too: ${outputsOnly
                .map((c) => c.urn.slice(c.urn.lastIndexOf("::") + 2))
                .join(", ")}`,
        );
    const pending = current.deployment.pending_operations?.length ?? 0;
    if (pending > 0) print(`The current state's ${pending} pending operation(s) would be dropped.`);
    if (changes.length === 0 && pending === 0) {
        print(`The checkpoint of update ${record.version} equals the current state; nothing to import.`);
        return { imported: false };
    }
    if (!options.yes) {
        print("Nothing was changed. Re-run with --yes to save the current state to a file and import this checkpoint.");
        return { imported: false };
    }

    if (hash(await stack.exportState()) !== hash(current))
        throw new RollbackRefused("the stack's state changed since it was read; nothing was imported; run again");
    interrupts.check();
    const backup = path.join(
        options.backupDir,
        `${options.stack.split("/").pop()}-state-before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    );
    fs.writeFileSync(backup, `${JSON.stringify(current, null, 4)}\n`, { mode: 0o600, flag: "wx" });
    try {
        await stack.importState(prior);
    } catch (error) {
        if (error instanceof ConcurrentUpdateError)
            throw new RollbackRefused(`another update of ${options.stack} is running; nothing was imported (the current state is also saved in ${backup})`);
        throw new RollbackFailed(`pulumi stack import failed: ${cliMessage(error)}; the state before it is saved in ${backup}`);
    }
    print(
        `Imported update ${record.version}'s checkpoint. The previous state is saved in ${backup} (undo: pulumi stack import --stack ${options.stack} --file ${backup}).`,
    );
    print(
        `Next, with the right credentials: pulumi refresh --stack ${options.stack} --preview-only, then pulumi refresh --stack ${options.stack}, then pulumi preview --stack ${options.stack} --policy-pack policies.`,
    );
    return { imported: true, backup };
}
