import * as assert from "assert";
import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../config/validate";
import { lookupsFromConfig } from "../tools/offline/mocks";
import { runProgram } from "../tools/offline/runProgram";
import { compiledModule, REPO } from "./cli";
import { atHarden, projectConfig, stackFileConfig } from "./fixtures";

const CANARY = "s3cr3t-CANARY-ecs";

/** Runs the prod program with `ecs.worker.env.GREETING` holding the canary, and captures what it logs. */
async function runWithCanary(secretKeys: string[]): Promise<{ error?: Error; logged: string; greeting?: unknown }> {
    const config = stackFileConfig("prod") as Record<string, any>;
    atHarden(config);
    config[`${PROJECT}:ecs`].worker.env = { GREETING: CANARY };
    const chunks: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const log = console.log;
    const error = console.error;
    process.stderr.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stderr.write;
    console.log = console.error = (...args: unknown[]) => chunks.push(args.map(String).join(" "));
    // The program reports each config problem with pulumi.log.error (runProgram collects the console).
    const logError = pulumi.log.error;
    pulumi.log.error = (message: string) => (chunks.push(message), Promise.resolve());
    try {
        const run = await runProgram(config, { stack: "prod", lookups: lookupsFromConfig(projectConfig(config)), secretKeys });
        const container = JSON.parse(run.mocks.named("workloads-worker-task").inputs.containerDefinitions as string)[0];
        return { logged: chunks.join("\n"), greeting: container.environment.find((e: { name: string }) => e.name === "GREETING")?.value };
    } catch (e) {
        return { error: e as Error, logged: chunks.join("\n") };
    } finally {
        process.stderr.write = write;
        console.log = log;
        console.error = error;
        pulumi.log.error = logError;
    }
}

describe("secret config (the program under mocks)", () => {
    it("reads the key: unmarked, the worker's variable reaches its task definition", async function () {
        this.timeout(180_000); // the whole program under mocks
        const run = await runWithCanary([]);
        assert.strictEqual(run.error, undefined);
        assert.strictEqual(run.greeting, CANARY);
    });

    it("refuses a project key the runtime holds as secret, naming the key and where secrets go, never the value", async () => {
        const run = await runWithCanary([`${PROJECT}:ecs`]);
        assert.ok(run.error, "the program must stop");
        const text = `${run.error.message}\n${run.logged}`;
        assert.match(
            text,
            /egress-remediation:ecs holds a value set with --secret, where no secret belongs: .*reference its Secrets Manager or SSM ARN under ecs\.api\.secrets or ecs\.worker\.secrets, or put it in secretValues/,
        );
        assert.ok(!text.includes(CANARY), text);
    });

    it("learns the secret keys from PULUMI_CONFIG_SECRET_KEYS, as the real engine passes them", function () {
        const script = `const s = require(${JSON.stringify(compiledModule("config/secretConfig"))}); process.stdout.write(JSON.stringify(s.runtimeSecretKeys()));`;
        const out = execFileSync(process.execPath, ["-e", script], {
            cwd: REPO,
            env: {
                ...process.env,
                PULUMI_CONFIG: JSON.stringify({ [`${PROJECT}:ecs`]: "{}", [`${PROJECT}:tags`]: "{}", "aws:secretKey": CANARY }),
                PULUMI_CONFIG_SECRET_KEYS: JSON.stringify([`${PROJECT}:ecs`, "aws:secretKey"]),
            },
            encoding: "utf8",
        });
        assert.deepStrictEqual(JSON.parse(out), [`${PROJECT}:ecs`, "aws:secretKey"]);
    });
});
