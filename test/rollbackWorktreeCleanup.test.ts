import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GitError } from "../tools/rollback/git";
import { TempWorktree, WorktreeGit } from "../tools/rollback/worktree";

interface GitCall {
    readonly cwd: string;
    readonly args: string[];
}

/**
 * A stand-in for git that records its calls and does to the folder what git would (`worktree add`
 * creates it with a file, `worktree remove` deletes it), or fails where a test says so. No git process
 * starts, so the cleanup paths, including the one that runs only at process exit, are checked in-process.
 */
function fakeGit(fail: { add?: boolean; remove?: boolean; prune?: boolean; pruneSync?: boolean } = {}) {
    const calls: GitCall[] = [];
    const syncCalls: { file: string; args: string[]; options: unknown }[] = [];
    const runner: WorktreeGit = {
        run: async (cwd, args) => {
            calls.push({ cwd, args });
            const [, verb] = args;
            if (fail[verb as keyof typeof fail]) throw new GitError(`git ${args.join(" ")} failed: fatal: refused by the test`);
            if (verb === "add") {
                const dir = args[args.length - 2];
                fs.mkdirSync(path.join(dir, "policies"), { recursive: true });
                fs.writeFileSync(path.join(dir, "policies", "index.ts"), "// target\n");
            }
            if (verb === "remove") fs.rmSync(args[args.length - 1], { recursive: true });
            return "";
        },
        runSync: (file, args, options) => {
            syncCalls.push({ file, args, options });
            if (fail.pruneSync) throw new Error("git: command not found");
            return "";
        },
    };
    return { runner, calls, syncCalls };
}

const exitListeners = () => process.listeners("exit");

describe("TempWorktree cleanup (fake git, in-process)", () => {
    const repo = path.join(os.tmpdir(), "egress-remediation");

    it("adds a detached worktree of the commit inside a private temporary folder and removes it, safely twice", async () => {
        const { runner, calls } = fakeGit();
        const before = exitListeners().length;
        const worktree = await TempWorktree.create(repo, "0123abc", runner);
        assert.strictEqual(path.dirname(worktree.tmp), os.tmpdir());
        assert.match(path.basename(worktree.tmp), /^pulumi-rollback-/);
        assert.strictEqual(fs.statSync(worktree.tmp).mode & 0o777, 0o700);
        assert.strictEqual(worktree.dir, path.join(worktree.tmp, "egress-remediation"));
        assert.strictEqual(worktree.file("Pulumi.yaml"), path.join(worktree.dir, "Pulumi.yaml"));
        assert.strictEqual(exitListeners().length, before + 1);

        await worktree.remove();
        await worktree.remove();
        assert.ok(!fs.existsSync(worktree.tmp));
        assert.strictEqual(exitListeners().length, before);
        assert.deepStrictEqual(calls, [
            { cwd: repo, args: ["worktree", "add", "--quiet", "--detach", worktree.dir, "0123abc"] },
            // --force twice: git also removes a worktree that is locked or has changes.
            { cwd: repo, args: ["worktree", "remove", "--force", "--force", worktree.dir] },
            { cwd: repo, args: ["worktree", "prune"] },
            // The second call finds no folder and only prunes.
            { cwd: repo, args: ["worktree", "prune"] },
        ]);
    });

    it("rethrows a failing `git worktree add` after deleting its temporary folder and its exit listener", async () => {
        const { runner, calls } = fakeGit({ add: true });
        const before = exitListeners();
        await assert.rejects(TempWorktree.create(repo, "no-such-commit", runner), (error: Error) => {
            assert.ok(error instanceof GitError);
            assert.match(error.message, /^git worktree add --quiet --detach .* no-such-commit failed: fatal: refused by the test$/);
            return true;
        });
        const tmp = path.dirname(calls[0].args[4]);
        assert.match(path.basename(tmp), /^pulumi-rollback-/);
        assert.ok(!fs.existsSync(tmp), "the temporary folder of a failed worktree was left behind");
        assert.deepStrictEqual(exitListeners(), before);
        assert.deepStrictEqual(calls.slice(1), [{ cwd: repo, args: ["worktree", "prune"] }]);
    });

    it("deletes the folder and prunes git's bookkeeping when git refuses to remove the worktree, and rethrows", async () => {
        const { runner, calls } = fakeGit({ remove: true });
        const worktree = await TempWorktree.create(repo, "HEAD", runner);
        await assert.rejects(worktree.remove(), /git worktree remove --force --force .* failed: fatal: refused by the test/);
        assert.ok(!fs.existsSync(worktree.tmp));
        assert.deepStrictEqual(calls[calls.length - 1], { cwd: repo, args: ["worktree", "prune"] });
    });

    it("ignores a failing `git worktree prune` once the folder is gone", async () => {
        const { runner, calls } = fakeGit({ prune: true });
        const worktree = await TempWorktree.create(repo, "HEAD", runner);
        await worktree.remove();
        assert.ok(!fs.existsSync(worktree.tmp));
        assert.deepStrictEqual(calls[calls.length - 1].args, ["worktree", "prune"]);
    });

    describe("when the process exits before `remove` (a process.exit elsewhere)", () => {
        it("deletes the temporary folder with the worktree's files and prunes synchronously, without any output", async () => {
            const { runner, syncCalls } = fakeGit();
            const before = exitListeners();
            const worktree = await TempWorktree.create(repo, "HEAD", runner);
            const [atExit] = exitListeners().filter((listener) => !before.includes(listener));
            try {
                assert.ok(fs.existsSync(worktree.file("policies/index.ts")));
                atExit(0);
                assert.ok(!fs.existsSync(worktree.tmp), "the exit listener left the temporary folder");
                // stdio "ignore": git must print nothing into the output of a process that is ending.
                assert.deepStrictEqual(syncCalls, [{ file: "git", args: ["worktree", "prune"], options: { cwd: repo, stdio: "ignore" } }]);
            } finally {
                await worktree.remove();
            }
            assert.ok(!exitListeners().includes(atExit), "remove left the exit listener registered");
        });

        it("does not throw when the folder is already gone or git cannot run", async () => {
            const { runner, syncCalls } = fakeGit({ pruneSync: true });
            const before = exitListeners();
            const worktree = await TempWorktree.create(repo, "HEAD", runner);
            const [atExit] = exitListeners().filter((listener) => !before.includes(listener));
            try {
                fs.rmSync(worktree.tmp, { recursive: true });
                assert.doesNotThrow(() => atExit(0));
                assert.strictEqual(syncCalls.length, 1);
            } finally {
                await worktree.remove();
            }
        });
    });
});
