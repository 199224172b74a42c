import { Command, InvalidArgumentError } from "commander";
import { exitCodesHelp } from "./usage";

interface RollbackOptions {
    readonly stack: string;
    readonly to?: number;
    readonly state?: number;
    readonly yes?: boolean;
    readonly write?: "stack-file" | "revert";
    readonly backupDir?: string;
}

function updateVersion(value: string): number {
    if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("must be an update version (a whole number ≥ 1).");
    return Number(value);
}

function writeMode(value: string): "stack-file" | "revert" {
    if (value !== "stack-file" && value !== "revert") throw new InvalidArgumentError("must be stack-file or revert.");
    return value;
}

/** The rollback's own logic and its refusals live in tools/rollback/; this only maps the options. */
async function rollback(options: RollbackOptions): Promise<number> {
    const { ROOT } = await import("../offline/stackFiles");
    const { rollbackCommand: run } = await import("../rollback/command");
    return run(
        { stack: options.stack, to: options.to, state: options.state, yes: options.yes === true, write: options.write, backupDir: options.backupDir },
        ROOT,
    );
}

export function rollbackCommand(): Command {
    return new Command("rollback")
        .summary("roll the cloud back to the last good update (or the state to a prior checkpoint); apply with --yes")
        .description(
            "Config rollback (default): runs the program of the last good update's own commit, in a temporary git worktree, with that " +
                "update's config; previews it with the policy pack and applies it only with --yes, then says (or, with --write, writes) what " +
                "to commit so the repository agrees with the stack. State restore (--state): shows what a prior checkpoint holds that the " +
                "current state lacks or differs in, and with --yes imports it after saving the current state; no cloud resource is touched.",
        )
        .usage("--stack <name> [--to <version>] [--yes [--write stack-file|revert]] | --stack <name> --state <version> [--yes [--backup-dir <dir>]]")
        .requiredOption("--stack <name>", "stack to roll back")
        .option("--to <version>", "update version to restore (default: the newest succeeded one before the current)", updateVersion)
        .option("--state <version>", "restore the state checkpoint that update left instead (no cloud change)", updateVersion)
        .option("--yes", "apply: `pulumi up` for a config rollback, `pulumi stack import` for --state")
        .option("--write <what>", "with --yes: write the restored stack file, or `git revert` the bad commit (stack-file | revert)", writeMode)
        .option("--backup-dir <dir>", "with --state: where to save the current state first (default: the working directory)")
        .addHelpText(
            "after",
            exitCodesHelp(
                [
                    "0  previewed (or applied with --yes)",
                    "1  the preview or update failed",
                    "2  bad usage, or the rollback was refused (one line on stderr)",
                    "130/143  interrupted (SIGINT/SIGTERM); your checkout and stack file are as they were",
                ],
                [
                    "egress-remediation rollback --stack prod",
                    "egress-remediation rollback --stack prod --to 12 --yes --write revert",
                    "egress-remediation rollback --stack prod --state 11",
                ],
            ),
        )
        .action(async (options: RollbackOptions) => {
            process.exitCode = await rollback(options);
        });
}
