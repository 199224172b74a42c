import * as assert from "assert";
import { StackConfig } from "../config/schema";
import { validateStackConfig } from "../config/validate";
import { addressOf, stateResources, terraformOverlaps } from "../tools/discover/terraform";
import { projectConfig, stackFileConfig } from "./fixtures";

function prodConfig(edit: (c: Record<string, any>) => void = () => undefined): StackConfig {
    const config = stackFileConfig("prod") as Record<string, any>;
    edit(config);
    const result = validateStackConfig(projectConfig(config));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    return result.config;
}

const CLUSTER = "arn:aws:ecs:eu-central-1:905418046272:cluster/sandbox-broker-cluster";
const state = (resources: unknown[]) => ({ version: 4, terraform_version: "1.9.8", serial: 1, lineage: "x", outputs: {}, resources });
const managed = (type: string, name: string, attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    mode: "managed",
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ attributes }],
    ...extra,
});

describe("discover: Terraform state hand-over", () => {
    it("writes addresses as Terraform does: module path, then numeric or string index", () => {
        assert.strictEqual(addressOf({ type: "aws_ecs_service", name: "api" }, undefined), "aws_ecs_service.api");
        assert.strictEqual(addressOf({ module: 'module.ecs["eu"]', type: "aws_ecs_service", name: "svc" }, 0), 'module.ecs["eu"].aws_ecs_service.svc[0]');
        assert.strictEqual(addressOf({ type: "aws_ecs_service", name: "svc" }, "worker"), 'aws_ecs_service.svc["worker"]');
    });

    it("lists exactly the adopted resources Terraform manages, with a quoted state rm command each", () => {
        const resources = stateResources(
            state([
                managed("aws_ecs_service", "api", {
                    id: "arn:aws:ecs:eu-central-1:905418046272:service/sandbox-broker-cluster/sandbox-broker",
                    name: "sandbox-broker",
                    cluster: CLUSTER,
                }),
                managed(
                    "aws_ecs_service",
                    "svc",
                    { name: "sandbox-broker-worker", cluster: CLUSTER },
                    { instances: [{ index_key: "worker", attributes: { name: "sandbox-broker-worker", cluster: CLUSTER } }] },
                ),
                managed("aws_ecs_service", "elsewhere", { name: "sandbox-broker", cluster: "arn:aws:ecs:eu-central-1:905418046272:cluster/other" }),
                { mode: "data", type: "aws_ecs_service", name: "lookup", instances: [{ attributes: { name: "sandbox-broker", cluster: CLUSTER } }] },
                managed("aws_cloudwatch_log_group", "api", { id: "/ecs/sandbox-broker-api", name: "/ecs/sandbox-broker-api" }),
                managed("aws_security_group", "rds", { id: "sg-0e4cc786d9053f05f" }),
                managed("aws_security_group_rule", "rds_world", { security_group_id: "sg-0e4cc786d9053f05f", type: "ingress", cidr_blocks: ["0.0.0.0/0"] }),
                managed("aws_security_group_rule", "rds_egress", { security_group_id: "sg-0e4cc786d9053f05f", type: "egress" }),
                managed("aws_elasticache_replication_group", "redis", { id: "nerava-redis", replication_group_id: "nerava-redis" }),
                managed("aws_ecs_task_definition", "api", { family: "sandbox-broker", revision: 8 }, { module: "module.ecs" }),
                managed("aws_s3_bucket", "artifacts", { id: "sandbox-broker-artifacts" }),
            ]),
        );
        const notAdoptingWorker = prodConfig((c) => (c["egress-remediation:ecs"].adopt.workerService = false));
        const overlaps = terraformOverlaps(resources, notAdoptingWorker);
        assert.deepStrictEqual(
            overlaps.map((o) => o.command),
            [
                "terraform state rm 'aws_ecs_service.api'",
                "terraform state rm 'aws_cloudwatch_log_group.api'",
                "terraform state rm 'aws_security_group.rds'",
                "terraform state rm 'aws_security_group_rule.rds_world'",
                "terraform state rm 'aws_elasticache_replication_group.redis'",
                "terraform state rm 'module.ecs.aws_ecs_task_definition.api'",
            ],
        );
        // The worker is only managed twice once the stack adopts it.
        const adoptingWorker = terraformOverlaps(
            resources,
            prodConfig((c) => (c["egress-remediation:ecs"].adopt.workerService = true)),
        );
        assert.ok(adoptingWorker.some((o) => o.command === `terraform state rm 'aws_ecs_service.svc["worker"]'`));
    });

    it("finds the adopted egress and world-open rules under the types Terraform manages them as, and quotes [0] for zsh", () => {
        const config = prodConfig((c) => {
            const adopt = c["egress-remediation:appRunner"].adopt;
            adopt.connectorEgressRuleId = "sgr-0e9e0e9e0e9e0e9e0";
            adopt.postgresWorldOpenRuleId = "sgr-0a0a0a0a0a0a0a0a0";
        });
        const resources = stateResources(
            state([
                managed(
                    "aws_vpc_security_group_egress_rule",
                    "connector_all",
                    {},
                    { instances: [{ index_key: 0, attributes: { id: "sgr-0e9e0e9e0e9e0e9e0", security_group_rule_id: "sgr-0e9e0e9e0e9e0e9e0" } }] },
                ),
                // The same id as an ingress rule type would be Terraform describing another rule: not this one.
                managed("aws_vpc_security_group_ingress_rule", "not_egress", { id: "sgr-0e9e0e9e0e9e0e9e0" }),
                managed("aws_vpc_security_group_ingress_rule", "world", { id: "sgr-0a0a0a0a0a0a0a0a0" }),
                managed("aws_security_group_rule", "connector_egress", {
                    security_group_id: "sg-00bc5ec63287eacdd",
                    type: "egress",
                    protocol: "-1",
                    cidr_blocks: ["0.0.0.0/0"],
                }),
                managed("aws_security_group_rule", "connector_https", {
                    security_group_id: "sg-00bc5ec63287eacdd",
                    type: "egress",
                    protocol: "tcp",
                    cidr_blocks: ["0.0.0.0/0"],
                }),
            ]),
        );
        assert.deepStrictEqual(
            terraformOverlaps(resources, config).map((o) => o.command),
            [
                "terraform state rm 'aws_vpc_security_group_egress_rule.connector_all[0]'",
                "terraform state rm 'aws_vpc_security_group_ingress_rule.world'",
                "terraform state rm 'aws_security_group_rule.connector_egress'",
            ],
        );
    });

    it("refuses anything but a format-4 state, saying what it got", () => {
        assert.throws(() => stateResources({ version: 3, modules: [] }), /has state format version 3; only version 4 \(Terraform 0\.12 and later\) is read/);
        assert.throws(() => stateResources([]), /is not a Terraform state \(expected a JSON object\)/);
        assert.throws(() => stateResources({ version: 4 }), /has no resources list/);
    });
});
