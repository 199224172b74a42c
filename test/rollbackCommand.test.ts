import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseRollbackArgs, USAGE } from "../tools/rollback/options";
import { runTool, ToolResult } from "./cli";
import { RollbackRepo, stackFile } from "./rollbackRepo";

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

describe("npm run rollback (the command)", function () {
    this.timeout(60000);
    let repo: RollbackRepo;
    let bin: string;
    const runs: Record<string, ToolResult> = {};

    before(async () => {
        repo = new RollbackRepo();
        const good = repo.commit("good", { "index.ts": "// v1\n", "Pulumi.prod.yaml": stackFile("app:v19") });
        repo.commit("bad", { "index.ts": "// v2\n", "Pulumi.prod.yaml": stackFile("app:v20") });
        assert.ok(good);
        // A PATH with node and git but no Pulumi CLI, whatever the machine has installed.
        bin = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-bin-"));
        fs.symlinkSync(execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim(), path.join(bin, "git"));
        const env = { PATH: `${path.dirname(process.execPath)}:${bin}`, HOME: process.env.HOME ?? "/tmp" };
        const [config, state, usage] = await Promise.all([
            runTool("tools/rollback", ["--stack", "prod"], { cwd: repo.dir, env }),
            runTool("tools/rollback", ["--stack", "prod", "--state", "3"], { cwd: repo.dir, env }),
            runTool("tools/rollback", ["--stack", "prod", "--to", "0"], { cwd: repo.dir, env }),
        ]);
        Object.assign(runs, { config, state, usage });
    });
    after(() => {
        repo.remove();
        fs.rmSync(bin, { recursive: true, force: true });
    });

    it("says, in one line with exit 2, that it needs the Pulumi CLI, and leaves no worktree behind", () => {
        for (const run of [runs.config, runs.state]) {
            assert.strictEqual(run.status, 2, run.stderr);
            assert.strictEqual(run.stdout, "");
            assert.match(run.stderr, /^rollback needs the Pulumi CLI on PATH .*retry\n$/);
        }
        assert.strictEqual(repo.worktrees().length, 1);
        assert.strictEqual(repo.git("status", "--porcelain"), "");
    });

    it("refuses bad usage in one line with exit 2", () => {
        assert.strictEqual(runs.usage.status, 2);
        assert.strictEqual(runs.usage.stderr, '--to must be an update version (a whole number ≥ 1); got "0"\n');
    });
});
