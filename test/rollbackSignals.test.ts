import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RollbackRepo, stackFile } from "./rollbackRepo";

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** The temporary worktree the child ran the target's program in. */
    readonly workDir: string;
}

/**
 * Starts a rollback in a child process (in its own process group, like a shell job), waits until
 * it blocks in `block`, then sends `signal` to the child alone or, as a terminal's Ctrl-C does,
 * to its whole process group.
 */
function interrupt(repo: RollbackRepo, commits: string[], block: string, signal: NodeJS.Signals, to: "process" | "group"): Promise<Run> {
    const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, "rollbackSignalChild.ts"), repo.dir, block, ...commits],
        {
            cwd: path.resolve(__dirname, ".."),
            detached: true,
        },
    );
    let stdout = "";
    let stderr = "";
    let workDir = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk) => {
        stdout += chunk;
        const blocked = /BLOCKED \S+ (\S+)/.exec(stdout);
        if (blocked && !workDir) {
            workDir = blocked[1];
            process.kill(to === "group" ? -child.pid! : child.pid!, signal);
        }
    });
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr, workDir }));
    });
}

interface Case {
    readonly repo: RollbackRepo;
    readonly commits: string[];
    readonly run: Run;
}

describe("rollback interrupted by a signal (a real child process)", function () {
    this.timeout(90000);
    const cases: Record<string, Case> = {};

    // The three children start at once: each pays ts-node's start-up, which dominates.
    before(async () => {
        const start = async (name: string, block: string, signal: NodeJS.Signals, to: "process" | "group") => {
            const repo = new RollbackRepo();
            const good = repo.commit("good", { "index.ts": "// v1\n", "Pulumi.prod.yaml": stackFile("app:v19") });
            const bad = repo.commit("bad", { "index.ts": "// v2\n", "Pulumi.prod.yaml": stackFile("app:v20") });
            cases[name] = { repo, commits: [good, bad], run: await interrupt(repo, [good, bad], block, signal, to) };
        };
        await Promise.all([
            start("preview", "preview", "SIGINT", "process"),
            start("up", "up", "SIGTERM", "process"),
            start("ctrl-c", "up-cli", "SIGINT", "group"),
        ]);
    });
    after(() => Object.values(cases).forEach((c) => c.repo.remove()));

    function assertRestored({ repo, commits, run }: Case): void {
        assert.ok(run.workDir.length > 0, `the child never blocked: ${run.stdout} ${run.stderr}`);
        assert.ok(!fs.existsSync(path.dirname(run.workDir)), "temporary folder left behind");
        assert.strictEqual(repo.worktrees().length, 1);
        assert.strictEqual(repo.git("status", "--porcelain"), "");
        assert.strictEqual(repo.git("rev-parse", "HEAD"), commits[1]);
        assert.strictEqual(repo.read("Pulumi.prod.yaml"), stackFile("app:v20"));
        assert.strictEqual(repo.read("index.ts"), "// v2\n");
    }

    it("SIGINT during the preview: cancels it, removes the worktree, exits 130", () => {
        const { run } = cases.preview;
        assert.strictEqual(run.status, 130);
        assert.match(
            run.stderr,
            /^SIGINT received: stopping and removing the temporary worktree\.\nrollback interrupted by SIGINT before anything was changed; the stack, your checkout and its stack file are as they were\n$/,
        );
        assertRestored(cases.preview);
    });

    it("SIGTERM during up: forwards the cancel to the CLI, cleans up, exits 143", () => {
        const { run } = cases.up;
        assert.strictEqual(run.status, 143);
        assert.match(
            run.stderr,
            /\npulumi up was interrupted by SIGTERM while rolling back to update \d+\. The stack may be partly rolled back and your checkout is unchanged; to finish, run: npm run rollback -- --stack \S+ --to \d+ --yes\n$/,
        );
        assertRestored(cases.up);
    });

    it("Ctrl-C during up (SIGINT to the process group): lets the CLI stop on its own signal, without a second one, then cleans up", () => {
        const { run } = cases["ctrl-c"];
        assert.match(run.stdout, /CLI exited 255; rollback aborted it: false/);
        assert.match(run.stderr, /the CLI got the same Ctrl-C and stops at a safe point; waiting for it/);
        assert.strictEqual(run.status, 130);
        assertRestored(cases["ctrl-c"]);
    });
});
