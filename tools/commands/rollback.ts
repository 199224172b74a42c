import { Command, InvalidArgumentError } from "commander";
import { stop } from "../cli";
import { exitCodesHelp } from "./usage";

interface RollbackOptions {
    readonly stack: string;
    readonly to?: number;
    readonly yes?: boolean;
}

function updateVersion(value: string): number {
    if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("must be an update version (a whole number ≥ 1).");
    return Number(value);
}

/**
 * Adapter onto today's rollback (tools/rollback/*): selects the stack through the Automation API
 * and hands over to runRollback. The rollback's own logic stays in its modules.
 */
async function rollback(options: RollbackOptions): Promise<number> {
    const path = await import("path");
    const { ROOT } = await import("../offline/stackFiles");
    const { AutomationStack } = await import("../rollback/automationStack");
    const { RollbackRefused } = await import("../rollback/planRollback");
    const { runRollback } = await import("../rollback/runRollback");

    let stack;
    try {
        stack = await AutomationStack.select(options.stack, ROOT);
    } catch (error) {
        const message = String((error as Error).message);
        if (/ENOENT|not found|could not find/i.test(message) && /pulumi/i.test(message)) {
            return stop(
                "rollback needs the Pulumi CLI on PATH (it drives `pulumi stack history`, `preview` and `up`); install it, run `pulumi login`, and retry",
            );
        }
        return stop(`cannot select stack ${options.stack}: ${message.split("\n")[0]}`);
    }
    try {
        await runRollback(stack, {
            to: options.to,
            yes: options.yes === true,
            policyPack: path.join(ROOT, "policies"),
            // The rollback's report (config diff, preview) is what the user asked for: stdout.
            print: (line) => process.stdout.write(`${line}\n`),
        });
    } catch (error) {
        if (error instanceof RollbackRefused) return stop(`rollback refused: ${error.message}`);
        return stop(String((error as Error).message).split("\n")[0], 1);
    }
    return 0;
}

export function rollbackCommand(): Command {
    return new Command("rollback")
        .summary("restore the config of the last good update, preview it, apply with --yes")
        .description(
            "Reads the stack's history (Pulumi CLI and backend login needed), picks the newest succeeded update before the current one " +
                "(or --to), prints the config difference with secrets hidden, restores that config and previews it with the policy pack. " +
                "Nothing is applied without --yes; every refusal leaves the config as it was.",
        )
        .usage("--stack <name> [--to <version>] [--yes]")
        .requiredOption("--stack <name>", "stack to roll back")
        .option("--to <version>", "update version to restore (default: the newest succeeded one before the current)", updateVersion)
        .option("--yes", "apply the rollback with `pulumi up` after the preview")
        .addHelpText(
            "after",
            exitCodesHelp(
                ["0  previewed (or applied with --yes)", "1  the preview or update failed", "2  bad usage, or the rollback was refused (one line on stderr)"],
                ["egress-remediation rollback --stack prod", "egress-remediation rollback --stack prod --to 12 --yes"],
            ),
        )
        .action(async (options: RollbackOptions) => {
            process.exitCode = await rollback(options);
        });
}
