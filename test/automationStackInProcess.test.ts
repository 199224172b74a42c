import * as assert from "assert";
import { EngineEvent, PreviewOptions, PreviewResult, StepEventStateMetadata, UpOptions, UpResult } from "@pulumi/pulumi/automation";
import { AutomationApiStack, AutomationApiWorkspace, AutomationStack, CommandResult, RunCommand } from "../tools/rollback/automationStack";
import { RollbackRefused } from "../tools/rollback/planRollback";
import { Deployment } from "../tools/rollback/stackOperations";

const PROJECT = "urn:pulumi:prod::egress-remediation";

/** The state part of a step event, with the fields StepEventStateMetadata requires in @pulumi/pulumi 3.248.0. */
function state(type: string, name: string, protect?: boolean): StepEventStateMetadata {
    return {
        type,
        urn: `${PROJECT}::${type}::${name}`,
        id: `${name}-id`,
        parent: `${PROJECT}::pulumi:pulumi:Stack::egress-remediation-prod`,
        inputs: {},
        outputs: {},
        provider: `${PROJECT}::pulumi:providers:aws::default_7_0_0::provider-id`,
        ...(protect === undefined ? {} : { protect }),
    };
}

let sequence = 0;
const event = (fields: Omit<EngineEvent, "sequence" | "timestamp">): EngineEvent => ({ sequence: ++sequence, timestamp: 1769148000, ...fields });

/** A resourcePreEvent as the engine sends it during a preview: `old` is absent for a create, `new` for a delete. */
function step(op: "create" | "update" | "delete" | "same", type: string, name: string, protect: { old?: boolean; new?: boolean } = {}): EngineEvent {
    const old = op === "create" ? undefined : state(type, name, protect.old);
    const after = op === "delete" ? undefined : state(type, name, protect.new);
    return event({
        resourcePreEvent: {
            metadata: {
                op,
                urn: `${PROJECT}::${type}::${name}`,
                type,
                ...(old ? { old } : {}),
                ...(after ? { new: after } : {}),
                provider: `${PROJECT}::pulumi:providers:aws::default_7_0_0::provider-id`,
            },
            planning: true,
        },
    });
}

function policy(enforcementLevel: "warning" | "mandatory", policyName: string, message: string): EngineEvent {
    return event({
        policyEvent: {
            resourceUrn: `${PROJECT}::aws:ec2/securityGroup:SecurityGroup::sandbox-broker-sg`,
            message,
            color: "never",
            policyName,
            policyPackName: "egress-remediation-guard",
            policyPackVersion: "0.1.0",
            policyPackVersionTag: "0.1.0",
            enforcementLevel,
        },
    });
}

/** What the engine emits around the steps and that carries no step or violation. */
const noise: EngineEvent[] = [
    event({ cancelEvent: {} }),
    event({ preludeEvent: { config: { "aws:region": "eu-central-1" } } }),
    event({ stdoutEvent: { message: "Previewing update (prod)", color: "never" } }),
    event({ diagnosticEvent: { message: "warning: a note from the provider", color: "never", severity: "warning" } }),
];

interface FakeStackOptions {
    readonly events?: EngineEvent[];
    readonly previewError?: Error;
    readonly changeSummary?: PreviewResult["changeSummary"];
    readonly output?: string[];
    readonly resourceChanges?: UpResult["summary"]["resourceChanges"];
}

/** The Automation API's Stack as far as AutomationStack uses it: it replays the events and output it is given. */
function fakeStack(options: FakeStackOptions = {}) {
    const seen: { preview?: PreviewOptions; up?: UpOptions; imported?: unknown } = {};
    const stack: AutomationApiStack = {
        name: "org/egress-remediation/prod",
        history: async () => [],
        getAllConfig: async () => ({}),
        importStack: async (deployment) => {
            seen.imported = deployment;
        },
        preview: async (opts) => {
            seen.preview = opts;
            for (const e of options.events ?? []) opts!.onEvent!(e);
            if (options.previewError) throw options.previewError;
            return { stdout: "", stderr: "", changeSummary: options.changeSummary ?? {} };
        },
        up: async (opts) => {
            seen.up = opts;
            for (const chunk of options.output ?? []) opts!.onOutput!(chunk);
            return { stdout: "", stderr: "", outputs: {}, summary: { resourceChanges: options.resourceChanges } as UpResult["summary"] };
        },
    };
    return { stack, seen };
}

interface CliCall {
    readonly command: string;
    readonly args: string[];
    readonly options: Parameters<RunCommand>[2];
}

/** A stand-in for the CLI process: records each call and answers with `result`. */
function fakeCli(result: Partial<CommandResult> = {}) {
    const calls: CliCall[] = [];
    const run: RunCommand = async (command, args, options) => {
        calls.push({ command, args, options });
        return { failed: false, stdout: "", stderr: "", ...result };
    };
    return { run, calls };
}

function workspace(url: string, extra: Partial<AutomationApiWorkspace> = {}): AutomationApiWorkspace {
    return {
        whoAmI: async () => ({ user: "ops", url }),
        envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/pulumi-passphrase" },
        pulumiHome: undefined,
        pulumiCommand: { command: "/opt/pulumi/3.248.0/bin/pulumi" } as AutomationApiWorkspace["pulumiCommand"],
        ...extra,
    };
}

const operation = () => ({ policyPack: "/repo/policies", planFile: "/tmp/pulumi-rollback-x/rollback-plan.json", signal: new AbortController().signal });
const WORK_DIR = "/tmp/pulumi-rollback-x/egress-remediation";

/**
 * AutomationStack with fakes of the Automation API's Stack and of the CLI process: the engine events a
 * preview emits (typed as @pulumi/pulumi's EngineEvent), `up`'s output, and the direct CLI calls. The
 * stand-in CLI in test/automationStack.test.ts checks the same class against the real Automation API.
 */
describe("AutomationStack in-process (fake Automation API stack and CLI)", () => {
    describe("preview", () => {
        it("collects each step with its protect flag and only the mandatory policy violations", async () => {
            const sg = "aws:ec2/securityGroup:SecurityGroup";
            const { stack, seen } = fakeStack({
                events: [
                    ...noise,
                    step("create", "aws:ec2/natGateway:NatGateway", "egress-nat", { new: false }),
                    step("delete", "aws:rds/instance:Instance", "orders-db", { old: true }),
                    step("delete", "aws:ec2/eip:Eip", "old-eip", { old: false }),
                    step("update", sg, "sandbox-broker-sg", { old: true, new: false }),
                    step("update", sg, "app-runner-connector-sg", { old: false, new: true }),
                    step("same", "aws:ecs/cluster:Cluster", "sandbox"),
                    policy("warning", "prefer-pinned-images", "image tag :latest does not pin code"),
                    policy("mandatory", "no-world-open-database", "security group sg-0a1b opens port 5432 to 0.0.0.0/0"),
                ],
                changeSummary: { create: 1, delete: 2, update: 2, same: 1 },
            });
            const options = operation();
            const outcome = await new AutomationStack(stack, workspace("https://api.pulumi.com"), WORK_DIR, fakeCli().run).preview(options);
            assert.deepStrictEqual(outcome, {
                steps: [
                    { op: "create", urn: `${PROJECT}::aws:ec2/natGateway:NatGateway::egress-nat`, type: "aws:ec2/natGateway:NatGateway", protect: false },
                    { op: "delete", urn: `${PROJECT}::aws:rds/instance:Instance::orders-db`, type: "aws:rds/instance:Instance", protect: true },
                    { op: "delete", urn: `${PROJECT}::aws:ec2/eip:Eip::old-eip`, type: "aws:ec2/eip:Eip", protect: false },
                    { op: "update", urn: `${PROJECT}::${sg}::sandbox-broker-sg`, type: sg, protect: true },
                    { op: "update", urn: `${PROJECT}::${sg}::app-runner-connector-sg`, type: sg, protect: true },
                    { op: "same", urn: `${PROJECT}::aws:ecs/cluster:Cluster::sandbox`, type: "aws:ecs/cluster:Cluster", protect: false },
                ],
                changeSummary: { create: 1, delete: 2, update: 2, same: 1 },
                policyViolations: ["no-world-open-database: security group sg-0a1b opens port 5432 to 0.0.0.0/0"],
            });
            assert.deepStrictEqual(seen.preview!.policyPacks, ["/repo/policies"]);
            assert.strictEqual(seen.preview!.plan, options.planFile);
            assert.strictEqual(seen.preview!.signal, options.signal);
        });

        it("a preview with no events gives no steps and no violations", async () => {
            const { stack } = fakeStack({ changeSummary: { same: 12 } });
            const outcome = await new AutomationStack(stack, workspace(""), WORK_DIR, fakeCli().run).preview(operation());
            assert.deepStrictEqual(outcome, { steps: [], changeSummary: { same: 12 }, policyViolations: [] });
        });

        it("a preview the pack fails with mandatory violations returns them, with the steps seen so far", async () => {
            const { stack } = fakeStack({
                events: [
                    step("update", "aws:apprunner/service:Service", "egress-app", { old: false, new: false }),
                    policy("mandatory", "app-runner-egress-through-vpc", "egress type DEFAULT bypasses the NAT gateway"),
                    policy("mandatory", "no-world-open-database", "port 5432 open to 0.0.0.0/0"),
                ],
                previewError: new Error("code: 255\n stderr: error: preview failed: 2 mandatory policy violations"),
            });
            const outcome = await new AutomationStack(stack, workspace(""), WORK_DIR, fakeCli().run).preview(operation());
            assert.deepStrictEqual(outcome, {
                steps: [
                    {
                        op: "update",
                        urn: `${PROJECT}::aws:apprunner/service:Service::egress-app`,
                        type: "aws:apprunner/service:Service",
                        protect: false,
                    },
                ],
                changeSummary: {},
                policyViolations: [
                    "app-runner-egress-through-vpc: egress type DEFAULT bypasses the NAT gateway",
                    "no-world-open-database: port 5432 open to 0.0.0.0/0",
                ],
            });
        });

        it("a preview that fails for any other reason (a warning is no reason) rethrows the Automation API's error", async () => {
            const failure = new Error("code: 255\n stderr: error: aws:ec2/securityGroup:SecurityGroup: InvalidGroup.NotFound");
            const { stack } = fakeStack({ events: [policy("warning", "prefer-pinned-images", "tag :latest")], previewError: failure });
            await assert.rejects(new AutomationStack(stack, workspace(""), WORK_DIR, fakeCli().run).preview(operation()), (error) => error === failure);
        });
    });

    describe("up", () => {
        it("passes each chunk of output on without trailing whitespace, drops blank ones, and returns the resource changes", async () => {
            const { stack, seen } = fakeStack({
                output: ["Updating (prod)\n", "\n", "  \r\n", "    ~ aws:ec2:SecurityGroup sandbox-broker-sg updated  \n", ""],
                resourceChanges: { update: 1, same: 11 },
            });
            const lines: string[] = [];
            const options = operation();
            const changes = await new AutomationStack(stack, workspace(""), WORK_DIR, fakeCli().run).up({
                ...options,
                message: "Rollback of prod to update 2 (commit 0123456789ab)",
                onOutput: (line) => lines.push(line),
            });
            assert.deepStrictEqual(lines, ["Updating (prod)", "    ~ aws:ec2:SecurityGroup sandbox-broker-sg updated"]);
            assert.deepStrictEqual(changes, { update: 1, same: 11 });
            assert.deepStrictEqual(seen.up!.policyPacks, ["/repo/policies"]);
            assert.strictEqual(seen.up!.plan, options.planFile);
            assert.strictEqual(seen.up!.message, "Rollback of prod to update 2 (commit 0123456789ab)");
            assert.strictEqual(seen.up!.signal, options.signal);
        });

        it("an update whose summary has no resource changes returns none", async () => {
            const { stack } = fakeStack();
            const changes = await new AutomationStack(stack, workspace(""), WORK_DIR, fakeCli().run).up({
                ...operation(),
                message: "m",
                onOutput: () => undefined,
            });
            assert.deepStrictEqual(changes, {});
        });
    });

    it("importState hands the deployment to the Automation API's importStack unchanged", async () => {
        const { stack, seen } = fakeStack();
        const deployment: Deployment = { version: 3, deployment: { resources: [{ urn: "urn:a", type: "aws:ec2/eip:Eip", id: "eipalloc-1" }] } };
        await new AutomationStack(stack, workspace(""), WORK_DIR, fakeCli().run).importState(deployment);
        assert.strictEqual(seen.imported, deployment);
    });

    describe("the direct CLI calls", () => {
        const saved = process.env.PULUMI_HOME;
        afterEach(() => {
            if (saved === undefined) delete process.env.PULUMI_HOME;
            else process.env.PULUMI_HOME = saved;
        });

        it("run the workspace's own CLI in the worktree with its environment, 512 MiB for the output and an empty stdin", async () => {
            const cli = fakeCli({ stdout: JSON.stringify({ version: 3, deployment: { resources: [] } }) });
            const ws = workspace("https://api.pulumi.com", { pulumiHome: "/home/ops/.pulumi-3.248.0" });
            const exported = await new AutomationStack(fakeStack().stack, ws, WORK_DIR, cli.run).exportState();
            assert.deepStrictEqual(exported, { version: 3, deployment: { resources: [] } });
            assert.strictEqual(cli.calls.length, 1);
            const [{ command, args, options }] = cli.calls;
            assert.strictEqual(command, "/opt/pulumi/3.248.0/bin/pulumi");
            assert.deepStrictEqual(args, ["stack", "export", "--stack", "org/egress-remediation/prod", "--non-interactive"]);
            assert.strictEqual(options.cwd, WORK_DIR);
            assert.strictEqual(options.maxBuffer, 512 * 1024 * 1024);
            assert.strictEqual(options.stdin, "");
            assert.strictEqual(options.env.PULUMI_CONFIG_PASSPHRASE_FILE, "/run/secrets/pulumi-passphrase");
            assert.strictEqual(options.env.PULUMI_HOME, "/home/ops/.pulumi-3.248.0");
            assert.strictEqual(options.env.PATH, process.env.PATH);
        });

        it("keep the user's PULUMI_HOME when the workspace sets none", async () => {
            process.env.PULUMI_HOME = "/home/ops/.pulumi";
            const cli = fakeCli({ stdout: "{}" });
            await new AutomationStack(fakeStack().stack, workspace(""), WORK_DIR, cli.run).exportState();
            assert.strictEqual(cli.calls[0].options.env.PULUMI_HOME, "/home/ops/.pulumi");
        });

        it("give a secret to `config set` on stdin only", async () => {
            const cli = fakeCli();
            await new AutomationStack(fakeStack().stack, workspace(""), WORK_DIR, cli.run).setSecret("aws:secretKey", "S3CR3T-value\n");
            const [{ args, options }] = cli.calls;
            assert.deepStrictEqual(args, [
                "config",
                "set",
                "--secret",
                "--raw",
                "--stack",
                "org/egress-remediation/prod",
                "--non-interactive",
                "--",
                "aws:secretKey",
            ]);
            assert.strictEqual(options.stdin, "S3CR3T-value\n");
        });

        it("a failing call rejects naming the command, with the CLI's stderr for the report", async () => {
            const stderr = "error: no previous checkpoint found for version 7\n";
            const cli = fakeCli({ failed: true, stdout: "partial", stderr });
            const stack = new AutomationStack(fakeStack().stack, workspace("https://api.pulumi.com"), WORK_DIR, cli.run);
            await assert.rejects(
                stack.exportState({ version: 7, startTime: "2026-01-23T06:00:00Z" }),
                (error: Error & { commandResult?: { stderr: string } }) => {
                    assert.strictEqual(error.message, "pulumi stack export failed");
                    assert.deepStrictEqual(error.commandResult, { stderr });
                    return true;
                },
            );
            await assert.rejects(stack.setSecret("k", "v"), /^Error: pulumi config set failed$/);
        });

        it("export a prior version from Pulumi Cloud, self-hosted over plain http too, but refuse a bucket whose URL only mentions http", async () => {
            const cli = fakeCli({ stdout: "{}" });
            for (const url of ["https://api.pulumi.com", "http://pulumi.internal:8080"]) {
                await new AutomationStack(fakeStack().stack, workspace(url), WORK_DIR, cli.run).exportState({ version: 7, startTime: "2026-01-23T06:00:00Z" });
            }
            assert.deepStrictEqual(
                cli.calls.map((c) => c.args),
                [0, 1].map(() => ["stack", "export", "--stack", "org/egress-remediation/prod", "--version", "7", "--non-interactive"]),
            );
            const bucket = "s3://rollback-state?endpoint=http://minio.internal:9000&s3ForcePathStyle=true";
            await assert.rejects(
                new AutomationStack(fakeStack().stack, workspace(bucket), WORK_DIR, cli.run).exportState({ version: 7, startTime: "2026-01-23T06:00:00Z" }),
                (error: Error) => error instanceof RollbackRefused && error.message.startsWith(`the backend ${bucket} keeps prior checkpoints`),
            );
            assert.strictEqual(cli.calls.length, 2);
        });
    });
});
