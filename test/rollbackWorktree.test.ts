import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { compiledModule } from "./cli";
import { RollbackRepo } from "./rollbackRepo";

describe("TempWorktree", () => {
    it("is removed even when the process exits without reaching the cleanup", () => {
        const repo = new RollbackRepo();
        try {
            repo.commit("one", { "index.ts": "// v1\n" });
            const script = `require(${JSON.stringify(compiledModule("tools/rollback/worktree"))}).TempWorktree.create(process.argv[1], "HEAD").then((w) => { console.log(w.tmp); process.exit(0); });`;
            const tmp = execFileSync(process.execPath, ["-e", script, repo.dir], {
                cwd: path.resolve(__dirname, ".."),
                encoding: "utf8",
            }).trim();
            assert.match(tmp, /pulumi-rollback-/);
            assert.ok(!fs.existsSync(tmp));
            assert.strictEqual(repo.worktrees().length, 1);
        } finally {
            repo.remove();
        }
    });
});
