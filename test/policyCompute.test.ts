import * as assert from "assert";
import { ecsCircuitBreakerRollsBack } from "../policies/compute";
import { elasticacheNotInDefaultSecurityGroup } from "../policies/dataStores";
import { instanceSizeProblem, parseCpu } from "../policies/lib/appRunnerLimits";
import { parseImage } from "../policies/lib/images";
import { TYPES } from "../policies/lib/resourceTypes";
import { notApplicableReason, resource, violationsOf } from "./policyResources";

// What the compute and data-store policies tell the engineer: the resource, the field and the fix, and
// the defaults they assume for what a program leaves unset.

const SIZE = "apprunner-instance-size-allowed";
const PAIRS = "0.25 vCPU → 0.5/1 GB; 0.5 vCPU → 1 GB; 1 vCPU → 2/3/4 GB; 2 vCPU → 4/6 GB; 4 vCPU → 8/10/12 GB";
const sized = (instanceConfiguration: object) => resource(TYPES.appRunnerService, { instanceConfiguration }, { name: "api" });

describe("apprunner-instance-size-allowed", () => {
    it("names the service, the field, every allowed pair in order, and what was given", () => {
        assert.deepStrictEqual(violationsOf([sized({ cpu: "2 vCPU", memory: "2 GB" })], SIZE), [
            `api: \`instanceConfiguration.cpu\` and memory must be an App Runner pair (${PAIRS}); got cpu "2 vCPU", memory "2 GB"`,
        ]);
    });

    it("judges a size that sets only one of cpu and memory against App Runner's default for the other (1 vCPU, 2 GB)", () => {
        assert.strictEqual(violationsOf([sized({ cpu: "2 vCPU" })], SIZE).length, 1, "2 vCPU with the default 2 GB");
        assert.strictEqual(violationsOf([sized({ memory: "6 GB" })], SIZE).length, 1, "6 GB with the default 1 vCPU");
        assert.deepStrictEqual(violationsOf([sized({ memory: "3 GB" })], SIZE), [], "3 GB with the default 1 vCPU");
        assert.deepStrictEqual(violationsOf([sized({ cpu: "1 vCPU" })], SIZE), [], "1 vCPU with the default 2 GB");
        assert.deepStrictEqual(violationsOf([sized({})], SIZE), [], "both defaults");
    });

    it("reports a vCPU count App Runner does not offer, and reads a unit as that unit, never as API units", () => {
        assert.strictEqual(instanceSizeProblem("3 vCPU", "4 GB")?.field, "cpu");
        assert.strictEqual(parseCpu("1024 vCPU"), 1024);
        assert.strictEqual(parseCpu("1024"), 1);
        assert.ok(instanceSizeProblem("1024 vCPU", "2 GB"));
    });
});

describe("apprunner-health-check-within-limits messages", () => {
    const checked = (healthCheckConfiguration: object) =>
        violationsOf([resource(TYPES.appRunnerService, { healthCheckConfiguration }, { name: "api" })], "apprunner-health-check-within-limits");

    it("names the service and the field of each problem", () => {
        assert.deepStrictEqual(checked({ protocol: "UDP" }), ['api: `healthCheckConfiguration.protocol` must be HTTP or TCP; got "UDP"']);
        assert.deepStrictEqual(checked({ protocol: "TCP", path: "/health" }), [
            'api: `healthCheckConfiguration.path` applies only to the HTTP protocol; got path "/health" with protocol TCP',
        ]);
    });

    it("reports an HTTP path that is not a string starting with / (never throws on it)", () => {
        assert.deepStrictEqual(checked({ protocol: "HTTP", path: 5 }), ['api: `healthCheckConfiguration.path` must start with "/"; got 5']);
        assert.deepStrictEqual(checked({ protocol: "HTTP", path: "health" }), ['api: `healthCheckConfiguration.path` must start with "/"; got "health"']);
    });
});

describe("ecs-circuit-breaker-rolls-back", () => {
    const p = "ecs-circuit-breaker-rolls-back";
    const service = (deploymentCircuitBreaker?: object) =>
        resource(TYPES.ecsService, deploymentCircuitBreaker ? { deploymentCircuitBreaker } : {}, { name: "broker" });

    it("reports a breaker that rolls back but is not enabled", () => {
        assert.strictEqual(violationsOf([service({ enable: false, rollback: true })], p).length, 1);
    });

    it("names the service and shows the breaker it has, or null", () => {
        const fix = "set { enable: true, rollback: true } so failed deployments roll back without a hand-run update-service.";
        assert.deepStrictEqual(violationsOf([service({ enable: true, rollback: false })], p), [
            `broker has deploymentCircuitBreaker {"enable":true,"rollback":false}; ${fix}`,
        ]);
        assert.deepStrictEqual(violationsOf([service()], p), [`broker has deploymentCircuitBreaker null; ${fix}`]);
    });

    it("tells the engine why a CODE_DEPLOY service is not applicable", () => {
        assert.strictEqual(
            notApplicableReason(ecsCircuitBreakerRollsBack, TYPES.ecsService, { deploymentController: { type: "CODE_DEPLOY" } }),
            "the CODE_DEPLOY deployment controller has no circuit breaker",
        );
        assert.strictEqual(
            notApplicableReason(ecsCircuitBreakerRollsBack, TYPES.ecsService, { deploymentCircuitBreaker: { enable: true, rollback: true } }),
            undefined,
        );
    });
});

describe("container-images-pinned, odd shapes", () => {
    const p = "container-images-pinned";
    const td = (containerDefinitions: unknown) => resource(TYPES.ecsTaskDefinition, { containerDefinitions }, { name: "td" });

    it("reads container definitions given as an array as well as JSON text", () => {
        assert.deepStrictEqual(violationsOf([td([{ name: "api", image: "repo/api:v9" }])], p), []);
        assert.strictEqual(violationsOf([td([{ name: "api", image: "repo/api:latest" }])], p).length, 1);
    });

    it("reports unreadable definitions and an empty container entry as images that are not references", () => {
        const notAReference = ["td: image undefined is not an image reference. A revision that says :latest rolls back nothing."];
        assert.deepStrictEqual(violationsOf([td("[{not json")], p), notAReference);
        assert.deepStrictEqual(violationsOf([td("[null]")], p), notAReference);
    });

    it("leaves an App Runner service built from a code repository alone", () => {
        const fromCode = resource(TYPES.appRunnerService, { sourceConfiguration: { codeRepository: { repositoryUrl: "https://github.com/o/r" } } });
        assert.deepStrictEqual(violationsOf([fromCode], p), []);
    });

    it("reads the tag after trimming, and a digest only when the whole of it is sha256:<64 hex>", () => {
        assert.strictEqual(violationsOf([td(JSON.stringify([{ image: " repo/api:latest " }]))], p).length, 1);
        assert.strictEqual(violationsOf([td(JSON.stringify([{ image: `repo/api@xsha256:${"a".repeat(64)}` }]))], p).length, 1);
        assert.deepStrictEqual(parseImage("registry:5000/repo/api:v9"), { repository: "registry:5000/repo/api", tag: "v9", digest: undefined });
    });
});

describe("log groups, RDS and ElastiCache messages", () => {
    it("log-groups-have-retention names the log group and the setting", () => {
        assert.deepStrictEqual(violationsOf([resource(TYPES.logGroup, {}, { name: "broker-logs" })], "log-groups-have-retention"), [
            "broker-logs keeps logs forever; set retentionInDays (e.g. 30).",
        ]);
    });

    it("rds-not-publicly-accessible names the instance and the fix", () => {
        assert.deepStrictEqual(violationsOf([resource(TYPES.rdsInstance, { publiclyAccessible: true }, { name: "db" })], "rds-not-publicly-accessible"), [
            "db is publicly accessible; set publiclyAccessible: false and reach it through the VPC (connector or tasks security group).",
        ]);
    });

    it("elasticache-not-in-default-security-group lists every default group it uses", () => {
        const p = "elasticache-not-in-default-security-group";
        const redis = resource(TYPES.elasticacheReplicationGroup, { securityGroupIds: ["sg-a", "sg-redis", "sg-b"] }, { name: "redis" });
        assert.deepStrictEqual(violationsOf([redis], p, { [p]: { defaultSecurityGroupIds: ["sg-a", "sg-b"] } }), [
            "redis uses default security group sg-a, sg-b; move it to a dedicated group.",
        ]);
        assert.strictEqual(
            notApplicableReason(elasticacheNotInDefaultSecurityGroup, TYPES.elasticacheCluster, { replicationGroupId: "g" }, { defaultSecurityGroupIds: [] }),
            "security groups come from the replication group",
        );
    });
});
