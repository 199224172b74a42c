import { parseArgs } from "util";
import { WriteMode } from "./repository";

/** What `rollback` takes, as a plain object: tools/rollback.ts fills it from argv, a commander CLI can too. */
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
}

export class UsageError extends Error {}

export const USAGE =
    "usage: npm run rollback -- --stack <name> [--to <update version>] [--yes [--write stack-file|revert]]  |  --stack <name> --state <update version> [--yes [--backup-dir <dir>]]";

export function updateVersion(flag: string, value: string): number {
    if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`${flag} must be an update version (a whole number ≥ 1); got ${JSON.stringify(value)}`);
    return Number(value);
}

/** Checks the combination of options, whoever parsed them. */
export function validateArgs(args: RollbackArgs): RollbackArgs {
    if (!args.stack) throw new UsageError(`--stack is required. ${USAGE}`);
    if (args.to !== undefined && args.state !== undefined) throw new UsageError("--to and --state are different kinds of rollback; give one");
    if (args.write !== undefined && !["stack-file", "revert"].includes(args.write)) {
        throw new UsageError(`--write must be stack-file or revert; got ${JSON.stringify(args.write)}`);
    }
    if (args.write && !args.yes) throw new UsageError("--write needs --yes: the repository is written only after the rollback is applied");
    if (args.write && args.state !== undefined) throw new UsageError("--write applies to a config rollback, not to --state");
    if (args.backupDir !== undefined && args.state === undefined) throw new UsageError("--backup-dir applies only to --state");
    return args;
}

export function parseRollbackArgs(argv: string[]): RollbackArgs {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                to: { type: "string" },
                state: { type: "string" },
                yes: { type: "boolean", default: false },
                write: { type: "string" },
                "backup-dir": { type: "string" },
            },
        }));
    } catch (error) {
        throw new UsageError(`${(error as Error).message.split("\n")[0]} ${USAGE}`);
    }
    return validateArgs({
        stack: values.stack ?? "",
        to: values.to === undefined ? undefined : updateVersion("--to", values.to),
        state: values.state === undefined ? undefined : updateVersion("--state", values.state),
        yes: values.yes ?? false,
        write: values.write as WriteMode | undefined,
        backupDir: values["backup-dir"],
    });
}
