import { Part, PARTS } from "../../config/stages";
import { WriteMode } from "./repository";

/** What `rollback` takes, as a plain object: tools/commands/rollback.ts fills it from the command line. */
export interface RollbackArgs {
    readonly stack: string;
    /** Config rollback to this update instead of the last good one. */
    readonly to?: number;
    /** State restore: import the checkpoint this update left. */
    readonly state?: number;
    readonly yes: boolean;
    readonly write?: WriteMode;
    /** `--state`: where to save the current state before importing (default: the working directory). */
    readonly backupDir?: string;
    /** Roll back one part only: its config from the target, the other part's kept, the update targeted at the part. */
    readonly part?: Part;
}

export class UsageError extends Error {}

/** Checks the combination of options, whoever parsed them. */
export function validateArgs(args: RollbackArgs): RollbackArgs {
    if (!args.stack) throw new UsageError("--stack is required");
    if (args.to !== undefined && args.state !== undefined) throw new UsageError("--to and --state are different kinds of rollback; give one");
    if (args.write !== undefined && !["stack-file", "revert"].includes(args.write)) {
        throw new UsageError(`--write must be stack-file or revert; got ${JSON.stringify(args.write)}`);
    }
    if (args.write && !args.yes) throw new UsageError("--write needs --yes: the repository is written only after the rollback is applied");
    if (args.write && args.state !== undefined) throw new UsageError("--write applies to a config rollback, not to --state");
    if (args.backupDir !== undefined && args.state === undefined) throw new UsageError("--backup-dir applies only to --state");
    if (args.part !== undefined && !(PARTS as readonly string[]).includes(args.part))
        throw new UsageError(`--part must be one of ${PARTS.join(", ")}; got ${JSON.stringify(args.part)}`);
    if (args.part !== undefined && args.state !== undefined)
        throw new UsageError("--part applies to a config rollback; --state restores the whole stack's checkpoint");
    if (args.part !== undefined && args.write === "revert")
        throw new UsageError(
            "--part with --write revert would revert the other part's commits too; use --write stack-file, which writes only this part's config",
        );
    return args;
}
