import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { T } from "../../simulator/tokens";
import { finishAdoption } from "../../tools/engine/finishAdoption";
import { CommandResult, EngineSandbox } from "../../tools/engine/sandbox";
import { expectSuccess, prodSandbox } from "./harness";

/** Recognisable values that must reach the simulated Secrets Manager and nothing the engine or the tools write. */
const TWILIO_CANARY = "s3cr3t-CANARY-twilio-5d0c";
const BROKER_CANARY = "s3cr3t-CANARY-broker-81fa";

function output(result: CommandResult): string {
    return result.stdout + result.stderr;
}

function assertNoCanary(text: string, where: string): void {
    for (const canary of [TWILIO_CANARY, BROKER_CANARY]) assert.ok(!text.includes(canary), `${where} holds a secret value in plaintext`);
}

describe("secret values set with `pulumi config set --secret`, through the real engine", function () {
    let sandbox: EngineSandbox;

    before(async function () {
        sandbox = await prodSandbox();
        const set = async (args: string[]) => expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", ...args]), `config set ${args[1]}`);
        await set(["--secret", "--path", "egress-remediation:secretValues.TWILIO_AUTH_TOKEN", TWILIO_CANARY]);
        await set(["--secret", "--path", "egress-remediation:secretValues.BROKER_TOKEN", BROKER_CANARY]);
        await set(["--path", "egress-remediation:appRunner.service.secrets.TWILIO_AUTH_TOKEN", "secretValues.TWILIO_AUTH_TOKEN"]);
        await set(["--path", "egress-remediation:ecs.api.secrets.BROKER_TOKEN", "secretValues.BROKER_TOKEN"]);
    });
    after(() => sandbox?.dispose());

    it("keeps the stack file encrypted and the preview's diff at [secret]", async () => {
        assertNoCanary(fs.readFileSync(path.join(sandbox.projectDir, "Pulumi.prod.yaml"), "utf8"), "Pulumi.prod.yaml");
        const preview = await sandbox.pulumi(["preview", "--stack", "prod", "--diff", "--policy-pack", "policies"]);
        expectSuccess(preview, "pulumi preview --diff");
        assert.match(preview.stdout, /\+ aws:secretsmanager\/secretVersion:SecretVersion: \(create\)/);
        assert.match(preview.stdout, /secretString\s*: \[secret\]/);
        assertNoCanary(output(preview), "pulumi preview --diff");
    });

    it("stores each value in Secrets Manager, lets App Runner and the ECS API read it, and keeps it out of the state", async () => {
        const up = await sandbox.pulumi(["up", "--stack", "prod", "--yes", "--diff", "--policy-pack", "policies"]);
        expectSuccess(up, "pulumi up");
        assertNoCanary(output(up), "pulumi up --diff");

        // The values did reach AWS: the simulated account holds them, in the versions of the stored secrets.
        const account = sandbox.account();
        const stored = account.resources.filter((r) => r.type === T.secretVersion).map((r) => r.inputs.secretString);
        assert.deepStrictEqual(stored.sort(), [BROKER_CANARY, TWILIO_CANARY].sort());

        const exported = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
        expectSuccess(exported, "pulumi stack export");
        assertNoCanary(exported.stdout, "pulumi stack export");
        // The store records the secrets' ARNs as its outputs in state, and only ARNs.
        const store = (JSON.parse(exported.stdout).deployment.resources as { type: string; outputs?: Record<string, unknown> }[]).find(
            (r) => r.type === "egress-remediation:secrets:SecretStore",
        );
        assert.deepStrictEqual(Object.keys(store?.outputs ?? {}), ["arns"]);
        // The assertion above can fail: the same state, decrypted, does hold both values.
        const decrypted = await sandbox.pulumi(["stack", "export", "--stack", "prod", "--show-secrets"]);
        expectSuccess(decrypted, "pulumi stack export --show-secrets");
        assert.ok(decrypted.stdout.includes(TWILIO_CANARY) && decrypted.stdout.includes(BROKER_CANARY));

        // The services read the stored secrets' full ARNs (App Runner refuses a name), granted to their roles.
        const secretArns = account.resources.filter((r) => r.type === T.secret && r.inputs.name !== undefined).map((r) => r.id);
        const app = account.resources.find((r) => r.type === T.appRunnerService)!.inputs as Record<string, any>;
        const appSecrets = app.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentSecrets;
        assert.ok(secretArns.includes(appSecrets.TWILIO_AUTH_TOKEN), `App Runner reads ${appSecrets.TWILIO_AUTH_TOKEN}`);
        const tasks = account.resources.filter((r) => r.type === T.taskDefinition && String(r.id).includes("sandbox-broker"));
        const apiSecrets = tasks.flatMap((t) => JSON.parse(String(t.inputs.containerDefinitions)).flatMap((c: any) => c.secrets ?? []));
        // ECS reads the stored secret pinned to its current version, so a new value rolls out new tasks.
        const pinned = account.resources.filter((r) => r.type === T.secretVersion).map((v) => `${v.outputs.arn}:::${v.outputs.versionId}`);
        assert.ok(
            apiSecrets.some((s: { name: string; valueFrom: string }) => s.name === "BROKER_TOKEN" && pinned.includes(s.valueFrom)),
            JSON.stringify(apiSecrets),
        );
        assert.match(app.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables.STORED_VALUES_REVISION, /^[0-9a-f]{12}$/);

        await finishAdoption(sandbox, "prod");
        const again = await sandbox.pulumi(["preview", "--stack", "prod", "--expect-no-changes", "--diff"]);
        expectSuccess(again, "second preview (--expect-no-changes)");
        assertNoCanary(output(again), "the second preview");
    });

    it("refuses a secret set anywhere else, naming the key and where it goes, without printing it", async () => {
        expectSuccess(
            await sandbox.pulumi(["config", "set", "--stack", "prod", "--secret", "--path", "egress-remediation:ecs.api.env.SENTRY_DSN", TWILIO_CANARY]),
            "config set --secret ecs.api.env",
        );
        const preview = await sandbox.pulumi(["preview", "--stack", "prod"]);
        assert.notStrictEqual(preview.status, 0);
        assert.match(output(preview), /egress-remediation:ecs holds a value set with --secret, where no secret belongs: .*ecs\.api\.secrets/);
        assertNoCanary(output(preview), "the refusal");
        assert.doesNotMatch(output(preview), /^\s+at .*\(.*\.[jt]s:\d+:\d+\)/m, "no stack trace");
    });
});
