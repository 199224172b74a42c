import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { git } from "./git";

/** Installs a commit's own dependencies in a worktree (its package-lock.json differs from the checkout's). */
export type InstallDependencies = (dir: string) => Promise<void>;

/**
 * How a worktree runs git: `run` is ./git's `git`, `runSync` is execFileSync for the exit listener (which
 * must be synchronous). Tests pass fakes, so the cleanup paths run in-process without a git process.
 */
export interface WorktreeGit {
    readonly run: (cwd: string, args: string[]) => Promise<string>;
    readonly runSync: (file: string, args: string[], options: { cwd: string; stdio: "ignore" }) => unknown;
}

const REAL_GIT: WorktreeGit = { run: git, runSync: execFileSync };

/**
 * A detached git worktree in a private temporary folder (mode 0700): the rollback runs the target's
 * program and edits its stack file here, so the user's checkout is never touched.
 */
export class TempWorktree {
    /** Last resort when the process ends without reaching `remove` (a process.exit elsewhere): synchronous, as "exit" requires. */
    private readonly onExit = () => {
        fs.rmSync(this.tmp, { recursive: true, force: true });
        try {
            this.git.runSync("git", ["worktree", "prune"], { cwd: this.repo, stdio: "ignore" });
        } catch {
            // git itself prunes a missing worktree on its next gc
        }
    };

    private constructor(
        readonly repo: string,
        readonly tmp: string,
        readonly dir: string,
        private readonly git: WorktreeGit,
    ) {
        process.once("exit", this.onExit);
    }

    static async create(repo: string, commit: string, gitRunner: WorktreeGit = REAL_GIT): Promise<TempWorktree> {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-rollback-"));
        const dir = path.join(tmp, path.basename(repo));
        const worktree = new TempWorktree(repo, tmp, dir, gitRunner);
        try {
            await gitRunner.run(repo, ["worktree", "add", "--quiet", "--detach", dir, commit]);
        } catch (error) {
            await worktree.remove();
            throw error;
        }
        return worktree;
    }

    file(name: string): string {
        return path.join(this.dir, name);
    }

    async checkout(commit: string): Promise<void> {
        await this.git.run(this.dir, ["checkout", "--quiet", "--force", "--detach", commit]);
    }

    /**
     * Gives the worktree the checkout's node_modules when the commit pins the same dependencies
     * (the common case, and instant); otherwise installs the commit's own. The link sits beside the
     * worktree, not in it, where Node's upward lookup still finds it: inside, an untracked symlink
     * would make Pulumi record the rollback's update as run from a dirty tree.
     */
    async provideDependencies(commit: string, install: InstallDependencies): Promise<"linked" | "installed"> {
        const lockFiles = ["package.json", "package-lock.json"];
        const differs = await this.git.run(this.repo, ["diff", "--name-only", commit, "HEAD", "--", ...lockFiles]);
        const link = path.join(this.tmp, "node_modules");
        fs.rmSync(link, { force: true });
        if (!differs && fs.existsSync(path.join(this.repo, "node_modules"))) {
            fs.symlinkSync(path.join(this.repo, "node_modules"), link, "dir");
            return "linked";
        }
        await install(this.dir);
        return "installed";
    }

    /** Removes the worktree, its git bookkeeping and the temporary folder; safe to call twice. */
    async remove(): Promise<void> {
        process.off("exit", this.onExit);
        try {
            if (fs.existsSync(this.dir)) await this.git.run(this.repo, ["worktree", "remove", "--force", "--force", this.dir]);
        } finally {
            fs.rmSync(this.tmp, { recursive: true, force: true });
            await this.git.run(this.repo, ["worktree", "prune"]).catch(() => undefined);
        }
    }
}
