import * as assert from "assert";
import * as path from "path";
import { IAM_ACTIONS } from "../../tools/discover/iamActions";
import { runVerify } from "../../tools/verify/run";
import { iamUserWith } from "../discover/iamUser";
import { enforceIam, Moto, startMoto } from "../discover/motoServer";
import { APP_RUNNER_ACCOUNT, seedAccounts, SeededWorld } from "../discover/seedAccounts";
import { useCredentials } from "../discover/world";
import { EgressVpc, egressVpc, hardenedService, mockAppRunner, set, verify, verifyProject } from "./world";

describe("verify refuses cleanly: no credentials, another account, a denied action (moto)", function () {
    let moto: Moto;
    let world: SeededWorld;
    let vpc: EgressVpc;

    before(async () => {
        moto = await startMoto();
        world = await seedAccounts(moto.endpoint);
        vpc = await egressVpc(moto.endpoint, "public");
    });
    after(async () => moto?.stop());

    it("says in one line how to provide credentials when the ECS profile has none, and prints no report", async () => {
        const dir = verifyProject(world, vpc);
        const run = await verify(moto.endpoint, dir, { part: "ecs" }, () => (process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "no-such-credentials")));
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.out, "");
        assert.strictEqual(
            run.err,
            "verify: no AWS credentials for the ecs account 905418046272 (eu-central-1): profile okta-sso (ecs.account.profile): run `aws sso login --profile okta-sso` or fix ~/.aws/config\n",
        );
    });

    it("refuses credentials of another account before reading anything", async () => {
        const dir = verifyProject(world, vpc);
        const restore = await useCredentials(moto.endpoint, dir, { appRunner: "123456789012" });
        let out = "";
        let err = "";
        try {
            const code = await runVerify({
                stack: "prod",
                root: dir,
                endpoint: moto.endpoint,
                part: "appRunner",
                out: (t) => (out += t),
                err: (t) => (err += t),
            });
            assert.strictEqual(code, 2);
        } finally {
            restore();
        }
        assert.strictEqual(out, "");
        assert.strictEqual(
            err,
            "verify: appRunner: the credentials belong to account 123456789012, not 566287346479 (appRunner.account.id); nothing was read\n",
        );
    });

    it("names the missing action when IAM denies one (a policy without ec2:DescribeNatGateways)", async () => {
        const dir = verifyProject(world, vpc);
        const user = await iamUserWith(
            moto.endpoint,
            APP_RUNNER_ACCOUNT,
            "verify-without-describe-nat-gateways",
            IAM_ACTIONS.filter((a) => a !== "ec2:DescribeNatGateways"),
        );
        const appRunner = mockAppRunner(vpc, world, hardenedService());
        const restore = await useCredentials(moto.endpoint, dir);
        Object.assign(process.env, { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey });
        delete process.env.AWS_SESSION_TOKEN;
        await enforceIam(moto.endpoint, true);
        const run = { code: -1, out: "", err: "" };
        try {
            run.code = await runVerify({
                stack: "prod",
                root: dir,
                endpoint: moto.endpoint,
                part: "appRunner",
                out: (t) => (run.out += t),
                err: (t) => (run.err += t),
            });
        } finally {
            await enforceIam(moto.endpoint, false);
            restore();
            appRunner.restore();
        }
        assert.strictEqual(run.code, 2, run.out);
        assert.strictEqual(
            run.err,
            "verify: access denied: ec2:DescribeNatGateways in appRunner account 566287346479 (us-east-1); allow it (the README lists discover's read-only policy)\n",
        );
    });

    it("refuses --part for a part the stack file does not enable (exit 2, one line)", async () => {
        const dir = verifyProject(world, vpc, set(["ecs.enabled", false], ["ecs.decommission", true]));
        const run = await verify(moto.endpoint, dir, { part: "ecs" });
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.err, "verify: --part ecs: egress-remediation:ecs is not enabled in Pulumi.prod.yaml, so there is nothing to verify\n");
    });
});
