import { createHash } from "crypto";
import * as path from "path";
// The error class alone: the package's automation index loads most of @pulumi/pulumi (about 1 s).
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation/errors";
import { changedFiles, commitExists, topLevel, trackedChanges } from "./git";
import { Interrupts } from "./interrupts";
import { changedPaths } from "./configPaths";
import { describe, diffConfig, numberVersions, planRollback, rollbackMessage, RollbackPlan, RollbackRefused } from "./planRollback";
import { changesNothing, destructiveSteps } from "./previewChecks";
import { adviseRepository, RepositoryAdvice, WriteMode, writeRevert, writeStackFile } from "./repository";
import { restoreConfig } from "./restoreConfig";
import { OpenStack, StackOperations, UpdateRecord } from "./stackOperations";
import { InstallDependencies, TempWorktree } from "./worktree";
import { Part, partTargets } from "../../config/stages";
import { PROJECT } from "../../config/validate";

export interface RollbackOptions {
    readonly stack: string;
    readonly to?: number;
    readonly yes: boolean;
    readonly write?: WriteMode;
    /** The folder holding Pulumi.yaml, inside the user's git checkout. */
    readonly projectDir: string;
    /** The policy pack to preview and update with: the checkout's, the rules in force today. */
    readonly policyPack: string;
    /** Its config (the checkout's reviewed exemptions), when the project has one. */
    readonly policyPackConfig?: string;
    /** One part only (docs/stages.md): its config from the target, the other part's as it is now, the update targeted at the part. */
    readonly part?: Part;
    readonly print: (line: string) => void;
}

export interface RollbackDeps {
    readonly open: OpenStack;
    readonly install: InstallDependencies;
    readonly interrupts: Interrupts;
}

export interface RollbackOutcome {
    readonly applied: boolean;
    readonly targetVersion: number;
    readonly advice: RepositoryAdvice["kind"];
    /** The file or branch `--write` produced. */
    readonly wrote?: string;
}

/** `pulumi up` failed after it started: the stack may be partly rolled back. */
export class RollbackFailed extends Error {}

const short = (sha: string) => sha.slice(0, 12);

/** The CLI's own error line out of an Automation API CommandError, which carries the whole stdout and stderr. */
export function cliMessage(error: unknown): string {
    const stderr = (error as { commandResult?: { stderr?: string } }).commandResult?.stderr;
    const lines = (stderr || String((error as Error)?.message ?? error))
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    return lines.find((l) => /^error:/i.test(l)) ?? lines[lines.length - 1] ?? "unknown error";
}

/**
 * Returns the stack to the last good update (or `to`), whatever commit it ran from: its program runs
 * from a temporary worktree of that commit, with the config it recorded, previewed with the policy
 * pack, applied only with `yes`. The user's checkout and stack file are never modified, except by
 * `write` after a successful update.
 */
export async function runRollback(options: RollbackOptions, deps: RollbackDeps): Promise<RollbackOutcome> {
    const repo = await topLevel(options.projectDir);
    if (!repo) throw new RollbackRefused(`${options.projectDir} is not in a git checkout; rollback runs the target update's commit from git`);
    const dirty = await trackedChanges(repo);
    if (dirty.length > 0) {
        throw new RollbackRefused(
            `your checkout has uncommitted changes (${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ", …" : ""}); commit or stash them, so what gets committed after the rollback is only the rollback`,
        );
    }
    const worktree = await TempWorktree.create(repo, "HEAD");
    try {
        deps.interrupts.check();
        return await rollbackIn(worktree, path.relative(repo, options.projectDir), options, deps);
    } finally {
        await worktree.remove();
    }
}

async function rollbackIn(worktree: TempWorktree, projectPath: string, options: RollbackOptions, deps: RollbackDeps): Promise<RollbackOutcome> {
    const { print } = options;
    const { interrupts } = deps;
    const stackFile = path.join(projectPath, `Pulumi.${options.stack.split("/").pop()}.yaml`);
    const stack = await deps.open(options.stack, path.join(worktree.dir, projectPath));
    interrupts.check();

    const history = numberVersions(await stack.history(false));
    const pending = (await stack.exportState()).deployment.pending_operations?.length ?? 0;
    if (pending > 0) {
        throw new RollbackRefused(
            `stack ${options.stack} has ${pending} pending operation(s) from an interrupted update; resolve them first (pulumi refresh --clear-pending-creates, or pulumi stack export/import)`,
        );
    }
    const partKey = options.part ? `${PROJECT}:${options.part}` : undefined;
    const plan = planRollback(history, { to: options.to, configKey: partKey });
    const v = plan.target.version;
    if (!(await commitExists(worktree.repo, plan.targetCommit))) {
        throw new RollbackRefused(
            `commit ${plan.targetCommit} of update ${v} is not in this clone; run git fetch (the commit may be on a branch you have not fetched) and retry`,
        );
    }
    await worktree.checkout(plan.targetCommit);
    if ((await worktree.provideDependencies(plan.targetCommit, deps.install)) === "installed") {
        print(`Installed commit ${short(plan.targetCommit)}'s own dependencies (its package-lock.json differs from HEAD's).`);
    }
    interrupts.check();

    // Secret values are read only to restore them; everything printed goes through diffConfig's masking.
    const recorded = numberVersions(await stack.history(true));
    const currentConfig = sameRecord(recorded, plan.current).config;
    const targetConfig = partKey ? onePartFrom(sameRecord(recorded, plan.target).config, currentConfig, partKey) : sameRecord(recorded, plan.target).config;
    const rewritten = await restoreConfig(stack, worktree.file(stackFile), targetConfig, v);
    await printPlan(plan, currentConfig, targetConfig, rewritten, worktree.repo, stackFile, print);

    const before = await fingerprint(stack);
    interrupts.check();
    const planFile = path.join(worktree.tmp, "rollback-plan.json");
    const operation = {
        policyPack: options.policyPack,
        policyPackConfig: options.policyPackConfig,
        targets: options.part ? partTargets(PROJECT, options.stack.split("/").pop()!, options.part) : undefined,
        planFile,
        signal: interrupts.signal,
    };
    const preview = await guarded(interrupts, options.stack, () => stack.preview(operation));
    if (preview.policyViolations.length > 0)
        throw new RollbackRefused(`update ${v}'s program and config violate mandatory policies: ${preview.policyViolations.join("; ")}`);
    const destructive = destructiveSteps(preview.steps);
    if (destructive.length > 0) throw new RollbackRefused(`rolling back to update ${v} would delete or replace: ${destructive.join(", ")}`);
    print(
        `Preview: ${
            Object.entries(preview.changeSummary)
                .map(([op, n]) => `${op} ${n}`)
                .join(", ") || "no steps"
        }`,
    );
    const advice = await adviseRepository(worktree, plan, options.stack, stackFile);

    let applied = false;
    if (changesNothing(preview.changeSummary)) {
        print(`The stack already matches update ${v}; there is nothing to apply.`);
    } else if (!options.yes) {
        print("Nothing was changed. Re-run with --yes to apply this rollback.");
        for (const line of advice.lines) print(line);
        return { applied, targetVersion: v, advice: advice.kind };
    } else {
        const moved = movedSince(before, await fingerprint(stack));
        if (moved) throw new RollbackRefused(`the stack changed since the preview (${moved}); nothing was applied; run the rollback again`);
        interrupts.check();
        const message = rollbackMessage(options.stack, v, plan.targetCommit, options.part);
        const resume = { version: v, command: resumeCommand(options, v) };
        const summary = await interrupts.duringUp(() => guarded(interrupts, options.stack, () => stack.up({ ...operation, message, onOutput: print }), resume));
        applied = true;
        print(
            `Rolled back to update ${v}: ${Object.entries(summary)
                .map(([op, n]) => `${op} ${n}`)
                .join(", ")}`,
        );
    }
    for (const line of advice.lines) print(line);

    if (!options.write || !options.yes) return { applied, targetVersion: v, advice: advice.kind };
    const late = interrupts.interruption;
    if (late)
        throw new RollbackFailed(
            `rolled back to update ${v}, then interrupted by ${late.signal}: --write ${options.write} wrote nothing; run the rollback again with --write to write it`,
        );
    const wrote = await write(options.write, advice, worktree, plan, options.stack, stackFile);
    if (wrote)
        print(
            options.write === "stack-file"
                ? `Wrote ${wrote}; commit it as shown above.`
                : `Made branch ${wrote}: git push origin ${wrote}, then merge it through review.`,
        );
    return { applied, targetVersion: v, advice: advice.kind, wrote };
}

async function write(mode: WriteMode, advice: RepositoryAdvice, worktree: TempWorktree, plan: RollbackPlan, stackName: string, stackFile: string) {
    if (advice.kind === "none") return undefined;
    if (mode === "stack-file") {
        if (advice.kind === "revert") {
            throw new RollbackRefused(
                `the rollback is applied, but nothing was written: HEAD also differs in ${advice.differing.filter((f) => f !== stackFile).join(", ")}, so the stack file alone would not match; use --write revert`,
            );
        }
        return writeStackFile(worktree, stackFile);
    }
    return writeRevert(worktree, plan, stackName);
}

/** The current config with one part's key as the target recorded it: the other part stays as it is now. */
function onePartFrom(target: UpdateRecord["config"], current: UpdateRecord["config"], partKey: string): UpdateRecord["config"] {
    const merged = { ...current };
    if (target[partKey]) merged[partKey] = target[partKey];
    else delete merged[partKey];
    return merged;
}

/** The same history entry in a second read: matched by kind and start time, as a file backend renumbers nothing. */
function sameRecord(records: readonly UpdateRecord[], wanted: UpdateRecord): UpdateRecord {
    const time = new Date(wanted.startTime).getTime();
    const found = records.find((r) => r.kind === wanted.kind && new Date(r.startTime).getTime() === time);
    if (!found) throw new RollbackRefused(`update ${wanted.version} left the stack's history while reading it; run the rollback again`);
    return found;
}

async function printPlan(
    plan: RollbackPlan,
    currentConfig: UpdateRecord["config"],
    targetConfig: UpdateRecord["config"],
    rewritten: string[],
    repo: string,
    stackFile: string,
    print: (line: string) => void,
): Promise<void> {
    const v = plan.target.version;
    print(`Rolling back from ${describe(plan.current)} to update ${v} (succeeded), running commit ${plan.targetCommit}.`);
    if (plan.currentCommit && plan.currentCommit !== plan.targetCommit && (await commitExists(repo, plan.currentCommit))) {
        const files = await changedFiles(repo, plan.currentCommit, plan.targetCommit);
        print(`Code: ${files.length} file(s) differ between commit ${short(plan.currentCommit)} and ${short(plan.targetCommit)}: ${files.join(", ")}`);
    }
    const changes = diffConfig(currentConfig, targetConfig);
    print(changes.length === 0 ? "Config: same as the current update's." : "Config changes:");
    for (const c of changes) {
        if (c.change === "added") print(`  + ${c.key}: ${c.to}`);
        else if (c.change === "removed") print(`  - ${c.key} (was ${c.from})`);
        else {
            const paths = changedPaths(c.key, currentConfig[c.key], targetConfig[c.key]);
            if (!paths) print(`  ~ ${c.key}: ${c.from} → ${c.to}`);
            for (const p of paths ?? [])
                print(
                    p.from === undefined
                        ? `  + ${p.path}: ${p.to}`
                        : p.to === undefined
                          ? `  - ${p.path} (was ${p.from})`
                          : `  ~ ${p.path}: ${p.from} → ${p.to}`,
                );
        }
    }
    if (rewritten.length > 0)
        print(`${stackFile} at commit ${short(plan.targetCommit)} did not hold update ${v}'s config; restored in the worktree: ${rewritten.join(", ")}`);
}

interface Fingerprint {
    readonly newest?: UpdateRecord;
    readonly count: number;
    readonly state: string;
}

/** What must not change between the preview and `up`: the history (previews aside) and the checkpoint. */
async function fingerprint(stack: StackOperations): Promise<Fingerprint> {
    const [history, state] = await Promise.all([stack.history(false), stack.exportState()]);
    const real = history.filter((h) => h.kind !== "preview");
    return { newest: real[0], count: real.length, state: createHash("sha256").update(JSON.stringify(state)).digest("hex") };
}

function movedSince(before: Fingerprint, now: Fingerprint): string | undefined {
    const key = (r?: UpdateRecord) => (r ? `${r.kind}|${r.result}|${new Date(r.startTime).getTime()}` : "");
    if (now.count !== before.count || key(now.newest) !== key(before.newest)) {
        return now.newest ? `${now.newest.kind} ${now.newest.result} at ${new Date(now.newest.startTime).toISOString()}` : "its history changed";
    }
    return now.state !== before.state ? "its checkpoint changed" : undefined;
}

/**
 * Runs a CLI operation: an interruption wins over the error the aborted CLI reports; another update
 * holding the stack is recognised by the Automation API's ConcurrentUpdateError, nothing else.
 */
async function guarded<T>(interrupts: Interrupts, stackName: string, run: () => Promise<T>, upOf?: { version: number; command: string }): Promise<T> {
    try {
        return await run();
    } catch (error) {
        const interruption = interrupts.interruption;
        if (error instanceof ConcurrentUpdateError) {
            throw new RollbackRefused(`another update of ${stackName} is running; wait for it to finish, then roll back again`);
        }
        if (interruption && upOf === undefined) throw interruption;
        if (upOf !== undefined) {
            // An interrupted CLI reports the cancellation itself ("context canceled", "update canceled", or
            // a list of planned steps never seen): noise next to the signal that caused it.
            const what = interruption
                ? `pulumi up was interrupted by ${interruption.signal} while rolling back to update ${upOf.version}`
                : `pulumi up failed while rolling back to update ${upOf.version}: ${cliMessage(error)}`;
            throw new RollbackFailed(`${what}. The stack may be partly rolled back and your checkout is unchanged; to finish, run: ${upOf.command}`);
        }
        throw new RollbackFailed(`pulumi preview failed: ${cliMessage(error)}`);
    }
}

/** The command that finishes an interrupted rollback: the same target, named, whatever history says next. */
export function resumeCommand(options: Pick<RollbackOptions, "stack" | "part">, version: number): string {
    return `npm run rollback -- --stack ${options.stack}${options.part ? ` --part ${options.part}` : ""} --to ${version} --yes`;
}
