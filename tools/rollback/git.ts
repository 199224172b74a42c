import { execFile } from "child_process";
import { promisify } from "util";

const run = promisify(execFile);

export class GitError extends Error {}

/** Runs git in `cwd`; a failure becomes one line naming the command and git's own first line. */
export async function git(cwd: string, args: string[]): Promise<string> {
    try {
        return (await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout.trimEnd();
    } catch (error) {
        const err = error as { stderr?: string; code?: string | number; message: string };
        if (err.code === "ENOENT") throw new GitError("rollback needs git on PATH (it runs the target's commit from a temporary git worktree)");
        const first = (err.stderr || err.message).trim().split("\n")[0];
        throw new GitError(`git ${args.join(" ")} failed: ${first}`);
    }
}

/** Exit status 0 or 1 as true or false (`cat-file -e`, `merge-base --is-ancestor`, `diff --quiet`). */
async function test(cwd: string, args: string[]): Promise<boolean> {
    try {
        await run("git", args, { cwd });
        return true;
    } catch (error) {
        if ((error as { code?: unknown }).code === 1 || (error as { code?: unknown }).code === 128) return false;
        throw error;
    }
}

export async function topLevel(dir: string): Promise<string | undefined> {
    try {
        return await git(dir, ["rev-parse", "--show-toplevel"]);
    } catch (error) {
        if (error instanceof GitError && /needs git on PATH/.test(error.message)) throw error;
        return undefined;
    }
}

/** Tracked files with uncommitted changes, staged or not (untracked files do not count). */
export async function trackedChanges(root: string): Promise<string[]> {
    const out = await git(root, ["status", "--porcelain", "--untracked-files=no"]);
    return out ? out.split("\n").map((line) => line.slice(3)) : [];
}

export const head = (root: string) => git(root, ["rev-parse", "HEAD"]);
export const commitExists = (root: string, sha: string) => test(root, ["cat-file", "-e", `${sha}^{commit}`]);
export const isAncestor = (root: string, ancestor: string, of: string) => test(root, ["merge-base", "--is-ancestor", ancestor, of]);
export const branchExists = (root: string, name: string) => test(root, ["show-ref", "--verify", "--quiet", `refs/heads/${name}`]);

/** Files that differ between two commits, or between a commit and a worktree's files when `to` is omitted. */
export async function changedFiles(cwd: string, from: string, to?: string, paths: string[] = []): Promise<string[]> {
    const out = await git(cwd, ["diff", "--name-only", from, ...(to ? [to] : []), "--", ...paths]);
    return out ? out.split("\n") : [];
}
