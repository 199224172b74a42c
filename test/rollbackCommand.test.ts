import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { RollbackRepo, stackFile } from "./rollbackRepo";

describe("egress-remediation rollback (the command)", function () {
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
        const [config, state] = await Promise.all([
            runCliInProcess(["rollback", "--stack", "prod"], { cwd: repo.dir, env }),
            runCliInProcess(["rollback", "--stack", "prod", "--state", "3"], { cwd: repo.dir, env }),
        ]);
        Object.assign(runs, { config, state });
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
});
