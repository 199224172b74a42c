import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../components/secretStore";
import { validateStackConfig } from "../config/validate";
import { lookupsFromConfig, RecordingMocks } from "../tools/offline/mocks";
import { ProgramRun, runProgram } from "../tools/offline/runProgram";
import { ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { atHarden, hardened, prodProjectWith, projectConfig, stackFileConfig } from "./fixtures";
import { underMocks } from "./harness";

const TWILIO = "s3cr3t-CANARY-twilio";
const WORKER = "s3cr3t-CANARY-worker";
const SIG = "4dabf18193072939515e22adb298388d";

/** Prod config whose App Runner service and ECS worker read values from secretValues. */
function prodWithSecretValues(): Record<string, any> {
    const config = stackFileConfig("prod") as Record<string, any>;
    atHarden(config);
    config["egress-remediation:secretValues"] = { TWILIO_AUTH_TOKEN: TWILIO, WORKER_TOKEN: WORKER };
    config["egress-remediation:appRunner"].service.secrets.TWILIO_AUTH_TOKEN = "secretValues.TWILIO_AUTH_TOKEN";
    config["egress-remediation:ecs"].worker.secrets = { API_TOKEN: "secretValues.WORKER_TOKEN" };
    return config;
}

/** Runs the program and also keeps the raw inputs the mocks received (before they are redacted). */
async function runCapturing(config: Record<string, unknown>, secretKeys: string[]): Promise<{ run?: ProgramRun; raw: Map<string, any>; error?: Error }> {
    const raw = new Map<string, any>();
    const original = RecordingMocks.prototype.newResource;
    RecordingMocks.prototype.newResource = function (args) {
        raw.set(args.name, args.inputs);
        return original.call(this, args);
    };
    try {
        const run = await runProgram(config, { stack: "prod", lookups: lookupsFromConfig(projectConfig(config)), secretKeys });
        return { run, raw };
    } catch (error) {
        return { raw, error: error as Error };
    } finally {
        RecordingMocks.prototype.newResource = original;
    }
}

describe("secretValues: secret config stored in Secrets Manager", () => {
    let run: ProgramRun;
    let raw: Map<string, any>;
    before(async function () {
        // Whole Node processes (or the whole program under mocks): allow for a loaded machine.
        this.timeout(180_000);
        const result = await runCapturing(prodWithSecretValues(), ["egress-remediation:secretValues"]);
        assert.ifError(result.error);
        ({ run, raw } = result as { run: ProgramRun; raw: Map<string, any> });
    });

    it("registers each value as a secret: the engine receives the value wrapped, never plain", () => {
        assert.deepStrictEqual(raw.get("app-secrets-TWILIO_AUTH_TOKEN-value").secretString, { [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: TWILIO });
        assert.deepStrictEqual(raw.get("workloads-secrets-WORKER_TOKEN-value").secretString, { [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: WORKER });
        for (const [name, inputs] of raw) {
            const text = JSON.stringify(inputs);
            for (const canary of [TWILIO, WORKER]) {
                if (!text.includes(canary)) continue;
                assert.ok(name.endsWith("-value"), `${name} received ${canary}`);
            }
        }
    });

    it("records [secret] wherever a value went, so the plan never holds one", () => {
        assert.strictEqual(run.mocks.named("app-secrets-TWILIO_AUTH_TOKEN-value").inputs.secretString, "[secret]");
        const recorded = JSON.stringify(run.mocks.resources);
        assert.ok(!recorded.includes(TWILIO) && !recorded.includes(WORKER));
    });

    it("deletes a removed secret at once, so its NAME can come back (no 30-day recovery window)", () => {
        assert.strictEqual(run.mocks.named("app-secrets-TWILIO_AUTH_TOKEN").inputs.recoveryWindowInDays, 0);
    });

    it("redeploys App Runner when a stored value changes: a plain digest of the version ids, never the value", () => {
        const image = (run.mocks.ofType("aws:apprunner/service:Service")[0].inputs.sourceConfiguration as any).imageRepository;
        assert.match(image.imageConfiguration.runtimeEnvironmentVariables.STORED_VALUES_REVISION, /^[0-9a-f]{12}$/);
    });

    it("stores each secret in its service's account under <service>/<NAME>", () => {
        assert.strictEqual(run.mocks.named("app-secrets-TWILIO_AUTH_TOKEN").inputs.name, "nerava-backend/TWILIO_AUTH_TOKEN");
        assert.strictEqual(run.mocks.named("workloads-secrets-WORKER_TOKEN").inputs.name, "sandbox-broker/WORKER_TOKEN");
        assert.match(run.mocks.named("app-secrets-TWILIO_AUTH_TOKEN").provider!, /::apprunner-account::/);
        assert.match(run.mocks.named("workloads-secrets-WORKER_TOKEN").provider!, /::ecs-account::/);
    });

    it("hands App Runner the stored secret's ARN and lets its instance role read exactly that ARN", () => {
        const arn = run.mocks.named("app-secrets-TWILIO_AUTH_TOKEN").state.arn as string;
        const image = (run.mocks.ofType("aws:apprunner/service:Service")[0].inputs.sourceConfiguration as any).imageRepository;
        assert.strictEqual(image.imageConfiguration.runtimeEnvironmentSecrets.TWILIO_AUTH_TOKEN, arn);
        assert.deepStrictEqual(JSON.parse(run.mocks.named("app-read-stored-secrets").inputs.policy as string).Statement, [
            { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [arn] },
        ]);
    });

    it("hands the ECS worker the stored secret pinned to its version with valueFrom, and lets the execution role read it", () => {
        const arn = run.mocks.named("workloads-secrets-WORKER_TOKEN").state.arn as string;
        const versionId = run.mocks.named("workloads-secrets-WORKER_TOKEN-value").state.versionId as string;
        assert.ok(versionId, "the mocks give the version an id");
        const [worker] = JSON.parse(run.mocks.named("workloads-worker-task").inputs.containerDefinitions as string);
        // A new value is a new version, so a new task definition: running tasks do not keep the old value.
        assert.deepStrictEqual(worker.secrets, [{ name: "API_TOKEN", valueFrom: `${arn}:::${versionId}` }]);
        const statements = JSON.parse(run.mocks.named("workloads-read-secrets").inputs.policy as string).Statement;
        assert.deepStrictEqual(statements, [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [arn] }]);
    });

    it("refuses secretValues set without --secret, never printing them", async () => {
        const chunks: string[] = [];
        const write = process.stderr.write.bind(process.stderr);
        const { log, error } = console;
        process.stderr.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stderr.write;
        console.log = console.error = (...args: unknown[]) => chunks.push(args.map(String).join(" "));
        // The program reports each config problem with pulumi.log.error (runProgram collects the console).
        const logError = pulumi.log.error;
        pulumi.log.error = (message: string) => (chunks.push(message), Promise.resolve());
        let result;
        try {
            result = await runCapturing(prodWithSecretValues(), []);
        } finally {
            process.stderr.write = write;
            Object.assign(console, { log, error });
            pulumi.log.error = logError;
        }
        assert.ok(result.error, "the program must stop");
        const text = `${result.error.message}\n${chunks.join("\n")}`;
        assert.match(text, /egress-remediation:secretValues must be set with --secret/);
        assert.ok(!text.includes(TWILIO) && !text.includes(WORKER), text);
        assert.ok(![...result.raw.keys()].some((n) => n.includes("secrets-")), "nothing stored");
    });

    it("refuses a reference to an unset name and a value nothing reads, naming both", () => {
        const config = projectConfig(prodWithSecretValues()) as Record<string, any>;
        config.ecs.worker.secrets = { API_TOKEN: "secretValues.MISSING" };
        const result = validateStackConfig(config, new Set(["secretValues"]));
        assert.deepStrictEqual(result.ok ? [] : result.problems.sort(), [
            "egress-remediation:ecs.worker.secrets.API_TOKEN references secretValues.MISSING, which is not set; set it with `pulumi config set --secret --path 'secretValues.MISSING' …`; got [secret]",
            "egress-remediation:secretValues.WORKER_TOKEN is not referenced by any secrets map; reference it as `secretValues.WORKER_TOKEN` or remove it; got [secret]",
        ]);
    });

    it("keeps a value secret even when the caller passes it plain, and marks the output secret", async () => {
        const { built, mocks } = await underMocks(() => new SecretStore("s", { prefix: "svc", values: { A: "s3cr3t-CANARY-plain" } }));
        // What the engine receives as the input (and would store in state's inputs), not only the output. pulumi-aws
        // 7.48.0 wraps secretString itself (secret in its schema); the component wraps it again in case a
        // provider upgrade stops doing so. This holds the outcome, whichever layer provides it.
        assert.strictEqual(mocks.named("s-A-value").inputs.secretString, "[secret]");
        assert.strictEqual(await pulumi.isSecret(built.versions[0].secretString), true);
    });
});

describe("npm run plan with secretValues in the stack file", () => {
    const CIPHER = "v1:c2VjcmV0VmFsdWVz:czNjcjN0LUNBTkFSWS1wbGFu";
    let run: ToolResult;
    before(async function () {
        // Whole Node processes (or the whole program under mocks): allow for a loaded machine.
        this.timeout(180_000);
        const dir = prodProjectWith(
            hardened((config) => {
                // What `pulumi config set --secret --path 'secretValues.TWILIO_AUTH_TOKEN' …` writes.
                config["egress-remediation:secretValues"] = { TWILIO_AUTH_TOKEN: { secure: CIPHER } };
                config["egress-remediation:appRunner"].service.secrets.TWILIO_AUTH_TOKEN = "secretValues.TWILIO_AUTH_TOKEN";
            }),
        );
        run = await runCliInProcess(["plan", "--stack", "prod", "--json"], { cwd: dir });
    });

    it("plans the secret and its version with [secret] as the value; every policy judged (exit 0); no ciphertext anywhere", () => {
        assert.strictEqual(run.status, 0, run.stderr);
        assert.ok(!run.stdout.includes(CIPHER) && !run.stderr.includes(CIPHER));
        const doc = JSON.parse(run.stdout);
        const version = doc.resources.find((r: any) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.strictEqual(version.inputs.secretString, "[secret]");
        assert.deepStrictEqual(doc.notEvaluated, []);
    });
});
