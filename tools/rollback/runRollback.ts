import { planRollback, protectedDeletions, RollbackRefused } from "./planRollback";
import { StackConfigMap, StackOperations } from "./stackOperations";

export interface RollbackOptions {
    readonly to?: number;
    readonly yes: boolean;
    readonly policyPack: string;
    readonly print: (line: string) => void;
}

export type RollbackOutcome = { readonly applied: boolean; readonly targetVersion: number };

function isConcurrentUpdate(error: unknown): boolean {
    return (
        (error as Error)?.constructor?.name === "ConcurrentUpdateError" ||
        /conflict|another update is currently in progress/i.test(String((error as Error)?.message))
    );
}

/**
 * Restores the config of the last good update, previews it with the policy pack and applies
 * it only when asked. Every refusal leaves the stack's config as it was.
 */
export async function runRollback(stack: StackOperations, options: RollbackOptions): Promise<RollbackOutcome> {
    const { print } = options;
    const pending = await stack.pendingOperations();
    if (pending > 0) {
        throw new RollbackRefused(
            `stack ${stack.stackName} has ${pending} pending operation(s) from an interrupted update; resolve them first (pulumi refresh, or pulumi stack export/import)`,
        );
    }
    // Secrets are read in clear only to compare and restore them; printing goes through planRollback's masking.
    const [history, original, headCommit] = await Promise.all([stack.history(true), stack.currentConfig(), stack.headCommit()]);
    const plan = planRollback(history, original, { to: options.to, headCommit });

    print(`Rolling stack ${stack.stackName} back from update ${plan.current.version} (${plan.current.result}) to update ${plan.target.version} (succeeded).`);
    if (plan.targetCommit) print(`Update ${plan.target.version} ran from commit ${plan.targetCommit}.`);
    for (const warning of plan.warnings) print(`warning: ${warning}`);
    print("Config changes:");
    for (const c of plan.changes) {
        print(c.change === "changed" ? `  ~ ${c.key}: ${c.from} → ${c.to}` : c.change === "added" ? `  + ${c.key}: ${c.to}` : `  - ${c.key} (was ${c.from})`);
    }

    const restore = async (why: string) => {
        await stack.replaceConfig(original);
        print(`Config restored to what it was (${why}).`);
    };

    await stack.replaceConfig(plan.target.config as StackConfigMap);
    let preview;
    try {
        preview = await stack.preview(options.policyPack);
    } catch (error) {
        await restore("preview failed");
        throw new RollbackRefused(`the preview of update ${plan.target.version}'s config failed: ${String((error as Error).message).split("\n")[0]}`);
    }
    const blocked = protectedDeletions(preview.steps);
    if (blocked.length > 0) {
        await restore("the preview would delete protected resources");
        throw new RollbackRefused(`rolling back to update ${plan.target.version} would delete or replace protected resources: ${blocked.join(", ")}`);
    }
    if (preview.policyViolations.length > 0) {
        await restore("mandatory policy violations");
        throw new RollbackRefused(`update ${plan.target.version}'s config violates mandatory policies: ${preview.policyViolations.join("; ")}`);
    }
    print(
        `Preview: ${Object.entries(preview.changeSummary)
            .map(([op, n]) => `${op} ${n}`)
            .join(", ")}`,
    );

    if (!options.yes) {
        await restore("preview only");
        print("Nothing was changed. Re-run with --yes to apply this rollback.");
        return { applied: false, targetVersion: plan.target.version };
    }
    try {
        const summary = await stack.up(options.policyPack, print);
        print(
            `Rolled back to update ${plan.target.version}: ${Object.entries(summary)
                .map(([op, n]) => `${op} ${n}`)
                .join(", ")}`,
        );
        return { applied: true, targetVersion: plan.target.version };
    } catch (error) {
        if (isConcurrentUpdate(error)) {
            await restore("another update is running");
            throw new RollbackRefused(`another update of ${stack.stackName} is running; wait for it to finish, then roll back again`);
        }
        throw new Error(
            `pulumi up failed while rolling back to update ${plan.target.version}: ${String((error as Error).message).split("\n")[0]}. ` +
                `The stack config holds update ${plan.target.version}'s values; inspect with pulumi stack history and re-run.`,
        );
    }
}
