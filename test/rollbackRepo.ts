import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A throwaway git repository shaped like this project: Pulumi.yaml, a stack file, a program. */
export class RollbackRepo {
    readonly dir: string;

    /** A new repository, or a copy of `original` (its files, history and config) made without running git. */
    constructor(original?: RollbackRepo) {
        this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "rollback-repo-")));
        if (original) {
            fs.cpSync(original.dir, this.dir, { recursive: true });
            return;
        }
        // No template: its sample hooks were most of the files each copy and removal went through.
        this.git("init", "--quiet", "--initial-branch=main", "--template=");
        // Written directly: one git process per setting cost more than the rest of a small test. No
        // background maintenance either, which a commit would otherwise start in the test's repository.
        fs.appendFileSync(
            path.join(this.dir, ".git", "config"),
            "[user]\n\tname = Rollback Test\n\temail = rollback@example.invalid\n[commit]\n\tgpgsign = false\n[maintenance]\n\tauto = false\n[gc]\n\tauto = 0\n",
        );
        fs.mkdirSync(path.join(this.dir, "node_modules"));
        fs.writeFileSync(path.join(this.dir, "node_modules", "marker"), "installed\n");
        fs.writeFileSync(path.join(this.dir, ".gitignore"), "node_modules/\n");
        this.write({ "Pulumi.yaml": "name: egress-remediation\nruntime: nodejs\n", "package.json": '{ "name": "x" }\n', "package-lock.json": "{}\n" });
    }

    git(...args: string[]): string {
        return execFileSync("git", args, { cwd: this.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    }

    write(files: Record<string, string>): void {
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, name), text);
    }

    /** Writes the files and commits them; returns the commit. */
    commit(message: string, files: Record<string, string>): string {
        this.write(files);
        this.git("add", "-A");
        this.git("commit", "--quiet", "-m", message);
        return this.git("rev-parse", "HEAD");
    }

    read(name: string): string {
        return fs.readFileSync(path.join(this.dir, name), "utf8");
    }

    /** Every worktree git knows about; only the checkout itself once a rollback has cleaned up. */
    worktrees(): string[] {
        return this.git("worktree", "list", "--porcelain")
            .split("\n")
            .filter((l) => l.startsWith("worktree "));
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export const stackFile = (image: string, extra = "") =>
    `config:\n  aws:region: us-east-1\n  egress-remediation:appRunner:\n    service:\n      image: ${image}\n${extra}`;
