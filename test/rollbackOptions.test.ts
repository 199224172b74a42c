import * as assert from "assert";
import { parseRollbackArgs, USAGE } from "../tools/rollback/options";

describe("rollback options", () => {
    it("reads a config rollback and a state restore", () => {
        assert.deepStrictEqual(parseRollbackArgs(["--stack", "prod", "--to", "12", "--yes", "--write", "revert"]), {
            stack: "prod",
            to: 12,
            state: undefined,
            yes: true,
            write: "revert",
            backupDir: undefined,
        });
        assert.strictEqual(parseRollbackArgs(["--stack", "prod", "--state", "7", "--yes", "--backup-dir", "/b"]).state, 7);
    });

    it("names the option and what is allowed", () => {
        const cases: [string[], string][] = [
            [[], `--stack is required. ${USAGE}`],
            [["--stack", "prod", "--to", "0"], '--to must be an update version (a whole number ≥ 1); got "0"'],
            [["--stack", "prod", "--state", "x"], '--state must be an update version (a whole number ≥ 1); got "x"'],
            [["--stack", "prod", "--to", "3", "--state", "2"], "--to and --state are different kinds of rollback; give one"],
            [["--stack", "prod", "--yes", "--write", "all"], '--write must be stack-file or revert; got "all"'],
            [["--stack", "prod", "--write", "revert"], "--write needs --yes: the repository is written only after the rollback is applied"],
            [["--stack", "prod", "--state", "2", "--yes", "--write", "revert"], "--write applies to a config rollback, not to --state"],
            [["--stack", "prod", "--backup-dir", "/b"], "--backup-dir applies only to --state"],
        ];
        for (const [argv, message] of cases) assert.throws(() => parseRollbackArgs(argv), { message }, argv.join(" "));
        assert.throws(() => parseRollbackArgs(["--stack", "prod", "--force"]), /^Error: Unknown option '--force'.*usage: npm run rollback/);
    });
});
