import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AccountData, StoredResource } from "../../simulator/account";
import { ECS_NETWORK, recordedAccount } from "../../simulator/recordedAccount";
import { T } from "../../simulator/tokens";
import { builtEngineDir } from "../../tools/engine/buildEngine";
import { CommandResult, EngineSandbox } from "../../tools/engine/sandbox";

let cliDir: string | undefined;

/** The CLI of engine/build.sh, built once per test run (`.ci/run` builds it before the tests). */
export function engineCliDir(): string {
    cliDir ??= builtEngineDir();
    return cliDir;
}

const US = "us-east-1";
const APP_ACCOUNT = "566287346479";

/** Secrets Manager ARNs carry `-` and six random characters after the name. */
export const SECRET_ARNS = {
    DATABASE_URL: `arn:aws:secretsmanager:${US}:${APP_ACCOUNT}:secret:nerava/prod/DATABASE_URL-Xy12Ab`,
    REDIS_URL: `arn:aws:secretsmanager:${US}:${APP_ACCOUNT}:secret:nerava/prod/REDIS_URL-Qr34Cd`,
};

function secretRecord(name: string, arn: string): StoredResource {
    return { type: T.secret, id: arn, region: US, inputs: { name }, outputs: { name, arn, id: arn } };
}

/** The recorded account after the runbook's one manual step: the App Runner secrets were created. */
export function accountReadyForFirstUp(): AccountData {
    const account = recordedAccount();
    account.resources.push(secretRecord("nerava/prod/DATABASE_URL", SECRET_ARNS.DATABASE_URL), secretRecord("nerava/prod/REDIS_URL", SECRET_ARNS.REDIS_URL));
    return account;
}

/**
 * What a team settles before the first up, as the confirm commands of `egress-remediation:unverified`
 * would show it on the recorded account: its rule ids, its (invented) ECS network, a pinned digest
 * instead of `:latest`, and no worker yet. The list of unverified values is then removed.
 */
export const CONFIRMED_VALUES: ReadonlyArray<readonly [string, string]> = [
    ["egress-remediation:appRunner.adopt.postgresIngressRuleIds.connector", "sgr-0c1a2b3c4d5e6f701"],
    ["egress-remediation:appRunner.adopt.postgresWorldOpenRuleId", "sgr-0c1a2b3c4d5e6f702"],
    ["egress-remediation:appRunner.adopt.connectorEgressRuleId", "sgr-0c1a2b3c4d5e6f704"],
    ["egress-remediation:ecs.vpcId", ECS_NETWORK.vpcId],
    ["egress-remediation:ecs.subnetIds[0]", ECS_NETWORK.subnetIds[0]],
    ["egress-remediation:ecs.subnetIds[1]", ECS_NETWORK.subnetIds[1]],
    ["egress-remediation:ecs.api.image", `905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api@sha256:${"4f".repeat(32)}`],
    ["egress-remediation:ecs.api.containerName", "sandbox-broker"],
    ["egress-remediation:ecs.api.logStreamPrefix", "api"],
    ["egress-remediation:ecs.adopt.workerService", "false"],
    ["egress-remediation:ecs.adopt.workerLogGroup", "false"],
];

/** Both parts at their last stage: what the tests of the end state (rollback, secrets, the pack) start from. */
export const END_STATE: ReadonlyArray<readonly [string, string]> = [
    ["egress-remediation:appRunner.stage", "harden"],
    ["egress-remediation:ecs.stage", "harden"],
];

/** The config key that lists unconfirmed values: `pulumi up` refuses while it holds any. */
export const UNVERIFIED_KEY = "egress-remediation:unverified";

export function expectSuccess(result: CommandResult, what: string): void {
    assert.strictEqual(result.status, 0, `${what} failed (exit ${result.status}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
}

/**
 * A sandbox with the prod stack created in its file backend and the unrecorded values filled in, at the
 * end state unless `stages` is "committed" (the stages Pulumi.prod.yaml holds: the NAT path and the ECS imports).
 */
export async function prodSandbox(account: AccountData = accountReadyForFirstUp(), stages: "committed" | "end" = "end"): Promise<EngineSandbox> {
    const sandbox = EngineSandbox.create({ cliDir: engineCliDir(), account });
    expectSuccess(await sandbox.pulumi(["stack", "init", "prod", "--secrets-provider", "passphrase"]), "pulumi stack init");
    for (const [key, value] of [...CONFIRMED_VALUES, ...(stages === "end" ? END_STATE : [])]) {
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", key, value]), `pulumi config set ${key}`);
    }
    expectSuccess(await sandbox.pulumi(["config", "rm", "--stack", "prod", UNVERIFIED_KEY]), `pulumi config rm ${UNVERIFIED_KEY}`);
    return sandbox;
}

/** Runs `step`, then prints how long it took and the load average: engine tests share a loaded machine. */
export async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
        return await step();
    } finally {
        const load = os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(" ");
        process.stderr.write(`      [engine] ${what}: ${((Date.now() - start) / 1000).toFixed(1)} s (load ${load})\n`);
    }
}

/** One entry of `pulumi stack history --json`, newest first. */
export interface HistoryEntry {
    readonly kind: string;
    readonly result: string;
    readonly message?: string;
    readonly environment: Record<string, string>;
    readonly config: Record<string, unknown>;
}

export async function stackHistory(sandbox: EngineSandbox, stack = "prod"): Promise<HistoryEntry[]> {
    const result = await sandbox.pulumi(["stack", "history", "--stack", stack, "--json"]);
    expectSuccess(result, "pulumi stack history");
    return JSON.parse(result.stdout) as HistoryEntry[];
}

/**
 * The sandbox's project copy as a git checkout, as a team's clone would be: Pulumi then records each
 * update's commit, and rollback runs commits from it. Its node_modules is a symlink (the sandbox links
 * the repository's), which the project's `node_modules/` pattern does not match, so git is told to ignore it.
 */
export class SandboxGit {
    private constructor(readonly dir: string) {}

    static init(dir: string): SandboxGit {
        const git = new SandboxGit(fs.realpathSync(dir));
        git.run("init", "--quiet", "--initial-branch=main");
        git.run("config", "user.name", "Engine Test");
        git.run("config", "user.email", "engine-test@example.invalid");
        git.run("config", "commit.gpgsign", "false");
        fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "/node_modules\n");
        return git;
    }

    run(...args: string[]): string {
        return execFileSync("git", args, { cwd: this.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    }

    /** Commits every change; returns the commit. */
    commitAll(message: string): string {
        this.run("add", "-A");
        this.run("commit", "--quiet", "--allow-empty", "-m", message);
        return this.run("rev-parse", "HEAD");
    }

    worktrees(): string[] {
        return this.run("worktree", "list", "--porcelain")
            .split("\n")
            .filter((line) => line.startsWith("worktree "))
            .map((line) => line.slice("worktree ".length));
    }
}
