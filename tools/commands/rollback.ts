import { Command, InvalidArgumentError } from "commander";
import { stop } from "../cli";
import { exitCodesHelp } from "./usage";

interface RollbackOptions {
    readonly stack: string;
    readonly to?: number;
    readonly state?: number;
    readonly yes?: boolean;
    readonly write?: "stack-file" | "revert";
    readonly backupDir?: string;
    readonly part?: "appRunner" | "ecs";
}

/** Commander's parser for --to and --state: a whole number ≥ 1, written as such (no sign, no leading zero). */
export function parseUpdateVersion(value: string): number {
    if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("must be an update version (a whole number ≥ 1).");
    return Number(value);
}

/** Adapter onto tools/rollback/command.ts, which holds the rollback and its exit codes. */
async function rollback(options: RollbackOptions): Promise<number> {
    const { projectRoot } = await import("../offline/stackFiles");
    const { rollbackCommand } = await import("../rollback/command");
    const { UsageError, validateArgs } = await import("../rollback/options");
    const args = {
        stack: options.stack,
        to: options.to,
        state: options.state,
        yes: options.yes === true,
        write: options.write,
        backupDir: options.backupDir,
        part: options.part,
    };
    try {
        validateArgs(args);
    } catch (error) {
        if (error instanceof UsageError) return stop(error.message);
        throw error;
    }
    return rollbackCommand(args, projectRoot());
}

export function rollbackCommand(): Command {
    return new Command("rollback")
        .summary("return the stack to its last good update (its commit and config), or restore a prior state")
        .description(
            "Runs the program of the commit the last good update (or --to) ran from, in a temporary git worktree, with the config it recorded; " +
                "previews it with the policy pack and applies it only with --yes, then says what to commit (--write writes it). " +
                "--state restores the checkpoint an update left, without touching cloud resources. Pulumi CLI, git and a backend login needed.",
        )
        .usage(
            "--stack <name> [--part appRunner|ecs] [--to <version>] [--yes [--write stack-file|revert]] | --stack <name> --state <version> [--yes [--backup-dir <dir>]]",
        )
        .requiredOption("-s, --stack <name>", "stack to roll back")
        .option("--to <version>", "update version to return to (default: the newest succeeded one before the current)", parseUpdateVersion)
        .option("--part <name>", "roll back one part (appRunner or ecs) only: its config, a targeted update; the other part is not touched")
        .option("--state <version>", "restore the state checkpoint this update left instead (no cloud change)", parseUpdateVersion)
        .option("--yes", "apply: pulumi up held to the preview's plan, or the state import")
        .option("--write <what>", "after the rollback, write stack-file (the restored Pulumi.<stack>.yaml) or revert (a branch reverting the bad commits)")
        .option("--backup-dir <dir>", "--state: where to save the current state before importing (default: the working directory)")
        .addHelpText(
            "after",
            exitCodesHelp(
                [
                    "0    previewed, applied, or nothing to do",
                    "1    the preview, update or import failed",
                    "2    bad usage, a missing tool, or the rollback was refused (one line on stderr)",
                    "130  interrupted (SIGINT); 143 (SIGTERM): the temporary worktree is removed",
                ],
                [
                    "egress-remediation rollback --stack prod",
                    "egress-remediation rollback --stack prod --to 12 --yes --write revert",
                    "egress-remediation rollback --stack prod --part ecs --yes --write stack-file",
                    "egress-remediation rollback --stack prod --state 14",
                ],
            ),
        )
        .action(async (options: RollbackOptions) => {
            process.exitCode = await rollback(options);
        });
}
