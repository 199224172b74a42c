import * as fs from "fs";
import * as path from "path";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { runDiscover } from "../../tools/discover/run";
import { Moto, startMoto } from "./motoServer";
import { APP_RUNNER_ACCOUNT, credentialsIn, ECS_ACCOUNT, seedAccounts, SeededWorld } from "./seedAccounts";
import { AppRunnerOptions, mockAppRunner, useCredentials } from "./world";

export interface Run {
    readonly code: number;
    readonly out: string;
    readonly err: string;
    /** App Runner calls made during the run (and `settleMs` after it). */
    readonly appRunnerCalls: number;
}

export interface DiscoverOptions extends AppRunnerOptions {
    readonly write?: boolean;
    readonly terraformState?: string;
    readonly accounts?: { appRunner?: string; ecs?: string };
    /** Wait this long after the run before counting App Runner calls, for reads left running. */
    readonly settleMs?: number;
}

export interface MotoWorld {
    readonly endpoint: string;
    readonly world: SeededWorld;
    /** Client settings for the seeded App Runner (us-east-1) or ECS (eu-central-1) account. */
    clientConfig(part: "appRunner" | "ecs"): Promise<{ endpoint: string; region: string; credentials: Awaited<ReturnType<typeof credentialsIn>> }>;
    /** `before` runs once the seeded credentials are in place, just before discover. */
    discover(dir: string, options?: DiscoverOptions, before?: () => void | Promise<void>): Promise<Run>;
}

/**
 * Starts moto for the enclosing `describe`, seeds both accounts and creates the two secrets the
 * stack file names, so a run fails only on what a test sets up.
 */
export function useMotoWorld(): MotoWorld {
    let moto: Moto;
    let world: SeededWorld;
    const env: MotoWorld = {
        get endpoint() {
            return moto.endpoint;
        },
        get world() {
            return world;
        },
        async clientConfig(part) {
            const [account, region] = part === "appRunner" ? [APP_RUNNER_ACCOUNT, "us-east-1"] : [ECS_ACCOUNT, "eu-central-1"];
            return { endpoint: moto.endpoint, region, credentials: await credentialsIn(moto.endpoint, account) };
        },
        async discover(dir, options = {}, before = () => undefined) {
            const restore = await useCredentials(moto.endpoint, dir, options.accounts);
            const appRunner = mockAppRunner(world, options);
            let out = "";
            let err = "";
            try {
                await before();
                const code = await runDiscover({
                    stack: "prod",
                    root: dir,
                    endpoint: moto.endpoint,
                    write: options.write,
                    terraformState: options.terraformState,
                    out: (t) => (out += t),
                    err: (t) => (err += t),
                });
                if (options.settleMs) await new Promise((r) => setTimeout(r, options.settleMs));
                return { code, out, err, appRunnerCalls: appRunner.calls().length };
            } finally {
                appRunner.restore();
                restore();
            }
        },
    };
    before(async function () {
        moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: "2" });
        world = await seedAccounts(moto.endpoint);
        const secrets = new SecretsManagerClient(await env.clientConfig("appRunner"));
        await secrets.send(new CreateSecretCommand({ Name: "nerava/prod/REDIS_URL", SecretString: "redis://nerava-redis:6379/0" }));
    });
    after(async () => moto?.stop());
    return env;
}

export const stackText = (dir: string) => fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8");
