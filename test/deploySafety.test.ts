import * as assert from "assert";
import { DataStoreAccess } from "../components/dataStoreAccess";
import { EcsWorker, EcsWorkerArgs } from "../components/ecsWorker";
import { ECS_SERVICE, INGRESS_RULE, SECURITY_GROUP } from "../components/liveProperties";
import { underMocks } from "./harness";

const ecsArgs: EcsWorkerArgs = {
    baseName: "sandbox-broker",
    clusterName: "sandbox-broker-cluster",
    region: "eu-central-1",
    account: { id: "905418046272", region: "eu-central-1" },
    vpcId: "vpc-0abc0abc0abc0abc0",
    subnetIds: ["subnet-0abc0abc0abc0abc1"],
    api: { image: "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:v9", desiredCount: 2, containerPort: 8080 },
    worker: { desiredCount: 1 },
};

describe("what keeps an update from breaking live resources", () => {
    it("both ECS services make `pulumi up` wait for steady state, so a deployment that never gets healthy fails the update", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", ecsArgs));
        for (const name of ["w-api", "w-worker"]) {
            const service = mocks.named(name).inputs;
            assert.strictEqual(service.waitForSteadyState, true, name);
            // Old tasks keep serving until the new ones are healthy.
            assert.deepStrictEqual([service.deploymentMinimumHealthyPercent, service.deploymentMaximumPercent], [100, 200], name);
            assert.deepStrictEqual(mocks.optionsOf(name).ignoreChanges, [...ECS_SERVICE.leftAlone], name);
        }
    });

    it("the adopted RDS security group and its rules keep their live name, description, tags and inline rules", async () => {
        const { mocks } = await underMocks(
            () =>
                new DataStoreAccess("d", {
                    vpcId: "vpc-1",
                    sources: { connector: "sg-0000000000000000a" },
                    adopt: { postgresSecurityGroupId: "sg-0e4cc786d9053f05f", postgresIngressRuleIds: { connector: "sgr-0123456789abcdef0" } },
                }),
        );
        const group = mocks.optionsOf("d-postgres-sg");
        assert.strictEqual(mocks.named("d-postgres-sg").importId, "sg-0e4cc786d9053f05f");
        assert.deepStrictEqual(group.ignoreChanges, [...SECURITY_GROUP.leftAlone]);
        assert.deepStrictEqual([group.protect, group.retainOnDelete], [true, true]);
        assert.deepStrictEqual(mocks.optionsOf("d-postgres-from-connector").ignoreChanges, [...INGRESS_RULE.leftAlone]);
        // The Redis group is this stack's own: nothing of it is left as it is live.
        assert.deepStrictEqual(mocks.optionsOf("d-redis-sg").ignoreChanges, []);
    });
});
