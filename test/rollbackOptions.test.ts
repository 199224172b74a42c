import * as assert from "assert";
import { InvalidArgumentError } from "commander";
import { parseUpdateVersion } from "../tools/commands/rollback";
import { RollbackArgs, UsageError, validateArgs } from "../tools/rollback/options";
import { runCliInProcess } from "./cliInProcess";

describe("rollback options", () => {
    it("an update version is a whole number ≥ 1 with nothing before or after it", () => {
        assert.strictEqual(parseUpdateVersion("10"), 10);
        assert.strictEqual(parseUpdateVersion("1"), 1);
        for (const value of ["0", "x12", "12x", "1.5", "+3", "01", "-1", ""]) {
            assert.throws(
                () => parseUpdateVersion(value),
                (error: Error) => error instanceof InvalidArgumentError && /whole number ≥ 1/.test(error.message),
                value,
            );
        }
    });

    it("accepts a config rollback with either write mode, and a state restore with a backup folder", () => {
        const accepted: RollbackArgs[] = [
            { stack: "prod", yes: false },
            { stack: "prod", yes: true, to: 12, write: "revert" },
            { stack: "prod", yes: true, write: "stack-file" },
            { stack: "prod", yes: false, state: 3, backupDir: "/b" },
            { stack: "prod", yes: true, part: "ecs", write: "stack-file" },
        ];
        for (const args of accepted) assert.strictEqual(validateArgs(args), args);
    });

    it("refuses a combination that cannot be meant, naming the option and what is allowed", () => {
        const cases: [RollbackArgs, string][] = [
            [{ stack: "", yes: false }, "--stack is required"],
            [{ stack: "prod", yes: false, to: 3, state: 2 }, "--to and --state are different kinds of rollback; give one"],
            [{ stack: "prod", yes: true, write: "all" as never }, '--write must be stack-file or revert; got "all"'],
            [{ stack: "prod", yes: false, write: "revert" }, "--write needs --yes: the repository is written only after the rollback is applied"],
            [{ stack: "prod", yes: true, state: 2, write: "revert" }, "--write applies to a config rollback, not to --state"],
            [{ stack: "prod", yes: false, backupDir: "/b" }, "--backup-dir applies only to --state"],
            [{ stack: "prod", yes: false, part: "both" as never }, '--part must be one of appRunner, ecs; got "both"'],
            [{ stack: "prod", yes: false, part: "ecs", state: 2 }, "--part applies to a config rollback; --state restores the whole stack's checkpoint"],
            [
                { stack: "prod", yes: true, part: "ecs", write: "revert" },
                "--part with --write revert would revert the other part's commits too; use --write stack-file, which writes only this part's config",
            ],
        ];
        for (const [args, message] of cases) {
            assert.throws(
                () => validateArgs(args),
                (error: Error) => error instanceof UsageError && error.message === message,
                message,
            );
        }
    });
});

describe("rollback options, as the command passes them on", () => {
    // Each case is refused only if the command hands that option to the checks: a dropped --to, --yes,
    // --write or --backup-dir would be accepted (and roll back to something the user did not ask for).
    const cases: [string[], string][] = [
        [["--to", "3", "--state", "2"], "--to and --state are different kinds of rollback; give one"],
        [["--write", "revert"], "--write needs --yes: the repository is written only after the rollback is applied"],
        [["--yes", "--write", "revert", "--state", "2"], "--write applies to a config rollback, not to --state"],
        [["--backup-dir", "/b"], "--backup-dir applies only to --state"],
        [["--part", "ecs", "--state", "2"], "--part applies to a config rollback; --state restores the whole stack's checkpoint"],
    ];
    for (const [args, message] of cases) {
        it(`rollback --stack prod ${args.join(" ")}: exit 2, "${message}"`, async () => {
            const run = await runCliInProcess(["rollback", "--stack", "prod", ...args]);
            assert.deepStrictEqual([run.status, run.stdout, run.stderr], [2, "", `${message}\n`]);
        });
    }
});
