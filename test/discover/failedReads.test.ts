import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { IAM_ACTIONS } from "../../tools/discover/iamActions";
import { enforceIam } from "./motoServer";
import { iamUserWith } from "./iamUser";
import { APP_RUNNER_ACCOUNT, ECS_ACCOUNT } from "./seedAccounts";
import { stackText, useMotoWorld } from "./harness";
import { projectDir } from "./world";

describe("discover: a read that fails is never taken for an absent resource", function () {
    const env = useMotoWorld();

    it("checks both accounts before any other call: a wrong ECS account stops the App Runner reads too", async () => {
        const dir = projectDir(env.world);
        // Reads left running after the refusal would reach the App Runner mock within this wait.
        const run = await env.discover(dir, { write: true, accounts: { ecs: "123456789012" }, settleMs: 500 });
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.err, "discover: ecs: the credentials belong to account 123456789012, not 905418046272 (ecs.account.id); nothing was read\n");
        assert.strictEqual(run.appRunnerCalls, 0);
    });

    /**
     * Runs discover as IAM users (made before moto enforces IAM): in `account` allowed every
     * action but `denied`, in the other account every action.
     */
    async function withoutAction(denied: string, account: string) {
        const dir = projectDir(env.world);
        const name = `discover-without-${denied.replace(/[^A-Za-z]/g, "-")}`;
        const users = {
            [APP_RUNNER_ACCOUNT]: await iamUserWith(
                env.endpoint,
                APP_RUNNER_ACCOUNT,
                name,
                IAM_ACTIONS.filter((a) => a !== denied || account !== APP_RUNNER_ACCOUNT),
            ),
            [ECS_ACCOUNT]: await iamUserWith(
                env.endpoint,
                ECS_ACCOUNT,
                name,
                IAM_ACTIONS.filter((a) => a !== denied || account !== ECS_ACCOUNT),
            ),
        };
        try {
            return await env.discover(dir, {}, async () => {
                const file = path.join(dir, "user-credentials");
                const ecs = users[ECS_ACCOUNT];
                fs.writeFileSync(file, `[okta-sso]\naws_access_key_id = ${ecs.accessKeyId}\naws_secret_access_key = ${ecs.secretAccessKey}\n`);
                process.env.AWS_SHARED_CREDENTIALS_FILE = file;
                const appRunner = users[APP_RUNNER_ACCOUNT];
                Object.assign(process.env, { AWS_ACCESS_KEY_ID: appRunner.accessKeyId, AWS_SECRET_ACCESS_KEY: appRunner.secretAccessKey });
                delete process.env.AWS_SESSION_TOKEN;
                await enforceIam(env.endpoint, true);
            });
        } finally {
            await enforceIam(env.endpoint, false);
        }
    }

    // The reads that have an "absent" answer: a denial there must not pass for one.
    const reads: [string, string][] = [
        ["ecs:DescribeServices", ECS_ACCOUNT],
        ["ecr:DescribeImages", ECS_ACCOUNT],
        ["elasticache:DescribeReplicationGroups", APP_RUNNER_ACCOUNT],
        ["elasticache:DescribeCacheClusters", APP_RUNNER_ACCOUNT],
        ["secretsmanager:DescribeSecret", APP_RUNNER_ACCOUNT],
    ];
    for (const [action, account] of reads) {
        it(`stops with exit 2 naming ${action} when IAM denies it`, async () => {
            const run = await withoutAction(action, account);
            assert.strictEqual(run.code, 2, run.out + run.err);
            const where = account === ECS_ACCOUNT ? "ecs account 905418046272 (eu-central-1)" : "appRunner account 566287346479 (us-east-1)";
            assert.strictEqual(run.err, `discover: access denied: ${action} in ${where}; allow it (the README lists discover's read-only policy)\n`);
            assert.strictEqual(run.out, "");
        });
    }

    it("stops with exit 2 when the credentials expire mid-run, instead of reporting the secret missing", async () => {
        const dir = projectDir(env.world);
        const before = stackText(dir);
        const secrets = mockClient(SecretsManagerClient);
        secrets
            .on(DescribeSecretCommand)
            .rejects(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredTokenException" }));
        let run;
        try {
            run = await env.discover(dir, { write: true });
        } finally {
            secrets.restore();
        }
        assert.strictEqual(run.code, 2, run.out);
        assert.match(
            run.err,
            /^discover: the AWS credentials for the appRunner account 566287346479 \(us-east-1\) are invalid or expired \(ExpiredTokenException\): /,
        );
        assert.ok(!run.out.includes("does not exist"), run.out);
        assert.strictEqual(stackText(dir), before);
    });
});
