import * as fs from "fs";
import * as path from "path";
import { branchExists, changedFiles, git, head, isAncestor, trackedChanges } from "./git";
import { RollbackPlan, RollbackRefused } from "./planRollback";
import { TempWorktree } from "./worktree";

export type WriteMode = "stack-file" | "revert";

/** How the repository must change so that the next `pulumi up` from HEAD (CI on main) keeps the rollback. */
export interface RepositoryAdvice {
    readonly kind: "none" | WriteMode;
    readonly lines: string[];
    /** Files whose content at HEAD differs from what the rollback ran. */
    readonly differing: string[];
}

const short = (sha: string) => sha.slice(0, 12);
const branchName = (stack: string, version: number) => `rollback/${stack.split("/").pop()}-update-${version}`;

/** Compares HEAD with the worktree (the target's commit plus the restored stack file). */
export async function adviseRepository(worktree: TempWorktree, plan: RollbackPlan, stackName: string, stackFile: string): Promise<RepositoryAdvice> {
    const headSha = await head(worktree.repo);
    const differing = await changedFiles(worktree.dir, headSha);
    const v = plan.target.version;
    if (differing.length === 0)
        return { kind: "none", differing, lines: [`The repository at HEAD (${short(headSha)}) already holds what update ${v} ran: nothing to commit.`] };
    if (differing.length === 1 && differing[0] === stackFile) {
        return {
            kind: "stack-file",
            differing,
            lines: [
                `HEAD differs from update ${v} only in ${stackFile}: the next pulumi up from HEAD (CI on main) would undo this rollback.`,
                `Write the restored file with --write stack-file, then: git add ${stackFile} && git commit -m "Roll back ${stackName} to update ${v}"`,
            ],
        };
    }
    return {
        kind: "revert",
        differing,
        lines: [
            `HEAD differs from commit ${short(plan.targetCommit)} (update ${v}) in: ${differing.join(", ")}; the next pulumi up from HEAD (CI on main) would re-apply them.`,
            plan.currentCommit && plan.currentCommit !== plan.targetCommit
                ? `Revert the commits update ${plan.current.version} added (${short(plan.targetCommit)}..${short(plan.currentCommit)}): --write revert puts the reverts on branch ${branchName(stackName, v)}; push it and merge it through review.`
                : `Update ${plan.current.version} records no other commit to revert; restore those files by hand: git diff ${short(plan.targetCommit)} HEAD -- ${differing.join(" ")}`,
        ],
    };
}

/** Copies the restored stack file into the user's checkout, atomically (temporary file + rename). */
export async function writeStackFile(worktree: TempWorktree, stackFile: string): Promise<string> {
    const destination = path.join(worktree.repo, stackFile);
    if ((await trackedChanges(worktree.repo)).includes(stackFile)) {
        throw new RollbackRefused(`${stackFile} has uncommitted changes in your checkout; commit or stash them, then run with --write stack-file again`);
    }
    const staging = path.join(worktree.repo, `.${stackFile}.rollback-${process.pid}`);
    const mode = fs.existsSync(destination) ? fs.statSync(destination).mode & 0o777 : 0o644;
    try {
        fs.writeFileSync(staging, fs.readFileSync(worktree.file(stackFile)), { mode });
        fs.renameSync(staging, destination);
    } finally {
        fs.rmSync(staging, { force: true });
    }
    return destination;
}

/**
 * Reverts, on top of HEAD, the first-parent commits from the target's commit to the bad update's
 * (merges with `-m 1`), in the temporary worktree, and names the result as a new branch. The user's
 * checkout and its branches are not touched; a conflict aborts and leaves no branch.
 */
export async function writeRevert(worktree: TempWorktree, plan: RollbackPlan, stackName: string): Promise<string> {
    const { targetCommit: good, currentCommit: bad } = plan;
    const repo = worktree.repo;
    const headSha = await head(repo);
    if (!bad || bad === good) throw new RollbackRefused(`update ${plan.current.version} records no commit after ${short(good)}; there is nothing to revert`);
    if (!(await isAncestor(repo, good, bad))) throw new RollbackRefused(`commit ${short(good)} is not an ancestor of ${short(bad)}; revert by hand`);
    if (!(await isAncestor(repo, bad, headSha)))
        throw new RollbackRefused(`commit ${short(bad)} of update ${plan.current.version} is not in HEAD; revert by hand`);
    const branch = branchName(stackName, plan.target.version);
    if (await branchExists(repo, branch)) throw new RollbackRefused(`branch ${branch} already exists; delete it or merge it`);

    await worktree.checkout(headSha);
    const commits = (await git(repo, ["rev-list", "--first-parent", `${good}..${bad}`])).split("\n").filter(Boolean);
    for (const sha of commits) {
        const parents = (await git(repo, ["rev-list", "--parents", "-n", "1", sha])).split(" ").length - 1;
        try {
            await git(worktree.dir, ["revert", "--no-edit", ...(parents > 1 ? ["-m", "1"] : []), sha]);
        } catch (error) {
            await git(worktree.dir, ["revert", "--abort"]).catch(() => undefined);
            throw new RollbackRefused(`git revert of ${short(sha)} does not apply cleanly on HEAD (${(error as Error).message}); revert by hand`);
        }
    }
    await git(worktree.dir, ["branch", branch]);
    return branch;
}
