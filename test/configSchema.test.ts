import * as assert from "assert";
import { validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

/** The problems validation reports for the prod stack after `edit`. */
function prodWith(edit: (c: Record<string, any>) => void): string[] {
    const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
    config.appRunner.stage = "harden";
    config.ecs.stage = "harden";
    edit(config);
    const result = validateStackConfig(config);
    return result.ok ? [] : result.problems;
}

const RANDOM_TOKEN = "q8Zk3Lw9Tx2Rv7Yp4Nm6Bc1";

describe("stack config schema rules", () => {
    it("App Runner network: vpcId and both subnet lists go together; a new VPC takes none of them", () => {
        const network = (fields: Record<string, unknown>) => prodWith((c) => (c.appRunner.network = { natMode: "single", ...fields }));
        const vpcId = "vpc-0070057532e81973b";
        const connectorSubnetIds = ["subnet-0c3e9b306737c3fb2"];
        const publicSubnetIds = ["subnet-09f0b6b22836f635b"];
        assert.deepStrictEqual(network({ vpcId, publicSubnetIds }), [
            "egress-remediation:appRunner.network.connectorSubnetIds is required with vpcId; got nothing",
        ]);
        assert.deepStrictEqual(network({ vpcId, connectorSubnetIds }), [
            "egress-remediation:appRunner.network.publicSubnetIds is required with vpcId (the NAT gateway needs a subnet routed to an internet gateway); got nothing",
        ]);
        const noVpc = "egress-remediation:appRunner.network.vpcId is required when subnet ids are given (omit all three for a new VPC); got nothing";
        assert.deepStrictEqual(network({ connectorSubnetIds }), [noVpc]);
        assert.deepStrictEqual(network({ publicSubnetIds }), [noVpc]);
        assert.deepStrictEqual(network({ vpcId, connectorSubnetIds, publicSubnetIds }), []);
        assert.deepStrictEqual(network({}), []);
    });

    it("ECS network: vpcId and subnetIds go together, and both may be left out only beside App Runner in the same account and region", () => {
        assert.deepStrictEqual(
            prodWith((c) => delete c.ecs.subnetIds),
            ["egress-remediation:ecs.subnetIds is required together with the other of vpcId/subnetIds; got nothing"],
        );
        assert.deepStrictEqual(
            prodWith((c) => delete c.ecs.vpcId),
            ["egress-remediation:ecs.vpcId is required together with the other of vpcId/subnetIds; got nothing"],
        );
        const required =
            "egress-remediation:ecs.vpcId is required unless appRunner is enabled in the same account and region (whose VPC the tasks then share); got nothing";
        const sharing = (edit: (c: Record<string, any>) => void) =>
            prodWith((c) => {
                delete c.ecs.vpcId;
                delete c.ecs.subnetIds;
                c.ecs.account = { id: c.appRunner.account.id, region: c.appRunner.account.region };
                c.unverified = [];
                edit(c);
            });
        assert.deepStrictEqual(
            sharing(() => undefined),
            [],
        );
        assert.deepStrictEqual(
            sharing((c) => (c.ecs.account.id = "111122223333")),
            [required],
        );
        assert.deepStrictEqual(
            sharing((c) => (c.ecs.account.region = "us-west-2")),
            [required],
        );
        assert.deepStrictEqual(
            sharing((c) => Object.assign(c.appRunner, { enabled: false, decommission: true })),
            [required],
        );
        assert.deepStrictEqual(
            sharing((c) => delete c.appRunner),
            [required],
        );
    });

    it("autoScaling: minSize may equal maxSize, never exceed it", () => {
        const scaling = (minSize: number, maxSize: number) => prodWith((c) => (c.appRunner.service.autoScaling = { minSize, maxSize, maxConcurrency: 100 }));
        assert.deepStrictEqual(scaling(3, 3), []);
        assert.deepStrictEqual(scaling(4, 3), ["egress-remediation:appRunner.service.autoScaling.minSize minSize must not exceed maxSize; got 4"]);
    });

    it("disabling App Runner names the way to stop managing it", () => {
        const problems = prodWith((c) => (c.appRunner.enabled = false));
        assert.strictEqual(problems.length, 1);
        assert.match(
            problems[0],
            /^egress-remediation:appRunner\.enabled is false without appRunner\.decommission: true; .*first set appRunner\.decommission: true/,
        );
    });

    it("a random token under secrets is a value, not a secret's name, and is never echoed", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.api.secrets = { API_TOKEN: RANDOM_TOKEN })),
            [
                "egress-remediation:ecs.api.secrets.API_TOKEN looks like a secret value, not a secret's name; store the value in Secrets Manager (or secretValues) and reference it here; got [secret]",
            ],
        );
    });

    it("a secret-looking env entry of an ECS task points to that task's secrets", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.api.env = { STRIPE_API_KEY: "configured-elsewhere" })),
            [
                "egress-remediation:ecs.api.env.STRIPE_API_KEY looks like a secret (its name has the word KEY); store it in Secrets Manager or SSM and reference its ARN in `ecs.api.secrets.STRIPE_API_KEY`; got [secret]",
            ],
        );
    });
});
