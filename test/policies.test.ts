import * as assert from "assert";
import fc from "fast-check";
import { evaluatePolicies } from "../tools/offline/evaluatePolicies";
import { resource, violationsOf } from "./policyResources";
import { resourcesFromDocument } from "../tools/offline/readResources";
import { coversWholeFamily, parseCidr, worldOpenFamilies } from "../policies/lib/cidr";
import { TYPES } from "../policies/lib/resourceTypes";
import seedExport from "./fixtures/seed-rds-world-open.export.json";

const WORLD = "no-world-open-database-ingress";
const sgWith = (ingress: Record<string, unknown>[]) => resource(TYPES.securityGroup, { ingress });
const tcp = (from: number, to: number, cidrs: string[], v6: string[] = []) => ({
    protocol: "tcp",
    fromPort: from,
    toPort: to,
    cidrBlocks: cidrs,
    ipv6CidrBlocks: v6,
});

describe("no-world-open-database-ingress", () => {
    it("catches the seeds' rule: 5432 from 0.0.0.0/0 on sg-0e4cc786d9053f05f (stack export)", () => {
        const evaluation = evaluatePolicies(resourcesFromDocument(seedExport));
        assert.strictEqual(evaluation.violations.length, 1);
        const [v] = evaluation.violations;
        assert.strictEqual(v.enforcementLevel, "mandatory");
        assert.match(v.message, /ingress\[1\] opens database port 5432 \(PostgreSQL\) to the whole internet \(0\.0\.0\.0\/0\)/);
        assert.match(v.message, /Source the App Runner connector's or the ECS tasks' security group instead/);
    });

    for (const [label, rule] of [
        ["::/0 on IPv6", tcp(5432, 5432, [], ["::/0"])],
        ["two halves of IPv4 on one rule", tcp(6379, 6379, ["0.0.0.0/1", "128.0.0.0/1"])],
        ["a range containing 3306", tcp(3000, 4000, ["0.0.0.0/0"])],
        ["all traffic (-1)", { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        ["no ports", { protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }],
        ["host bits set on /0", tcp(5432, 5432, ["10.1.2.3/0"])],
        ["protocol number 6 as a string port", { protocol: "6", fromPort: "27017", toPort: "27017", cidrBlocks: ["0.0.0.0/0"] }],
    ] as const) {
        it(`catches ${label}`, () => {
            assert.strictEqual(violationsOf([sgWith([rule])], WORLD).length, 1);
        });
    }

    it("catches halves split across two inline rules of one group, naming both", () => {
        const [message] = violationsOf([sgWith([tcp(5432, 5432, ["0.0.0.0/1"]), tcp(5432, 5432, ["128.0.0.0/1"])])], WORLD);
        assert.match(message, /ingress\[0\] \+ ingress\[1\] opens database port 5432/);
    });

    it("catches SecurityGroupRule (type ingress) and SecurityGroupIngressRule shapes", () => {
        const legacy = resource(TYPES.securityGroupRule, {
            type: "ingress",
            protocol: "tcp",
            fromPort: 1433,
            toPort: 1433,
            cidrBlocks: ["0.0.0.0/0"],
            securityGroupId: "sg-1",
        });
        const modern = resource(TYPES.ingressRule, { ipProtocol: "tcp", fromPort: 9200, toPort: 9200, cidrIpv6: "::/0", securityGroupId: "sg-2" });
        assert.strictEqual(violationsOf([legacy, modern], WORLD).length, 2);
    });

    it("passes egress rules, security-group sources, prefix lists, private CIDRs, non-database ports and ICMP", () => {
        const egress = resource(TYPES.securityGroupRule, {
            type: "egress",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
            securityGroupId: "sg-1",
        });
        const sgSource = resource(TYPES.ingressRule, {
            ipProtocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            referencedSecurityGroupId: "sg-00bc5ec63287eacdd",
            securityGroupId: "sg-2",
        });
        const prefixList = resource(TYPES.ingressRule, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, prefixListId: "pl-123", securityGroupId: "sg-2" });
        const privateRange = sgWith([tcp(5432, 5432, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])]);
        const https = sgWith([tcp(443, 443, ["0.0.0.0/0"], ["::/0"])]);
        const icmp = sgWith([{ protocol: "icmp", fromPort: 8, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]);
        assert.deepStrictEqual(violationsOf([egress, sgSource, prefixList, privateRange, https, icmp], WORLD), []);
    });

    it("honours configured ports and exempt CIDRs, but never exempts /0", () => {
        const custom = sgWith([tcp(15432, 15432, ["0.0.0.0/0"])]);
        assert.strictEqual(violationsOf([custom], WORLD, { [WORLD]: { databasePorts: [15432] } }).length, 1);
        const halves = sgWith([tcp(5432, 5432, ["0.0.0.0/1", "128.0.0.0/1"])]);
        assert.strictEqual(violationsOf([halves], WORLD, { [WORLD]: { exemptCidrs: ["128.0.0.0/1"], minPublicPrefixIpv4: 0 } }).length, 0);
        assert.strictEqual(violationsOf([sgWith([tcp(5432, 5432, ["0.0.0.0/0"])])], WORLD, { [WORLD]: { exemptCidrs: ["0.0.0.0/0"] } }).length, 1);
    });

    it("across rules: two standalone rules on one group that split the internet", () => {
        const a = resource(TYPES.ingressRule, {
            ipProtocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            cidrIpv4: "0.0.0.0/1",
            securityGroupId: "sg-0e4cc786d9053f05f",
        });
        const b = resource(TYPES.ingressRule, {
            ipProtocol: "tcp",
            fromPort: 5400,
            toPort: 5500,
            cidrIpv4: "128.0.0.0/1",
            securityGroupId: "sg-0e4cc786d9053f05f",
        });
        const other = resource(TYPES.ingressRule, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "128.0.0.0/1", securityGroupId: "sg-other" });
        // Each half is a broad public range on its own (the resource policy's); the whole internet only together.
        assert.deepStrictEqual(
            violationsOf([a, b, other], WORLD).map((m) => m.replace(/ to broad public range (\S+) .*/, " $1")),
            [
                `Ingress rule ${a.name} opens database port 5432 (PostgreSQL) 0.0.0.0/1`,
                `Ingress rule ${b.name} opens database ports 5432 (PostgreSQL), 5439 (Redshift) 128.0.0.0/1`,
                `Ingress rule ${other.name} opens database port 5432 (PostgreSQL) 128.0.0.0/1`,
            ],
        );
        const [message] = violationsOf([a, b, other], "no-world-open-database-ingress-across-rules");
        assert.match(message, /^Security group sg-0e4cc786d9053f05f: rules r\d+ \+ r\d+ opens database port 5432/);
    });

    it("property: a world-open database port is caught whatever port range surrounds it", () => {
        const ports = [1433, 1521, 3306, 5432, 5439, 6379, 9042, 9200, 9300, 11211, 27017];
        fc.assert(
            fc.property(
                fc.constantFrom(...ports),
                fc.nat(5000),
                fc.nat(5000),
                fc.constantFrom(["0.0.0.0/0"], ["::/0"], ["0.0.0.0/1", "128.0.0.0/1"], ["::/1", "8000::/1"]),
                (port, below, above, cidrs) => {
                    const rule = {
                        protocol: "tcp",
                        fromPort: Math.max(0, port - below),
                        toPort: Math.min(65535, port + above),
                        cidrBlocks: cidrs.filter((c) => !c.includes(":")),
                        ipv6CidrBlocks: cidrs.filter((c) => c.includes(":")),
                    };
                    return violationsOf([sgWith([rule])], WORLD).length === 1;
                },
            ),
        );
    });

    it("property: the checker's reader and evaluator never throw on arbitrary JSON, only InputError", () => {
        fc.assert(
            fc.property(fc.jsonValue(), (value) => {
                try {
                    evaluatePolicies(resourcesFromDocument(value));
                } catch (error) {
                    return (error as Error).constructor.name === "InputError";
                }
                return true;
            }),
            { numRuns: 500 },
        );
    });
});

describe("offline evaluator", () => {
    it("refuses an asynchronous policy rather than losing its violations", () => {
        const asyncPolicy = {
            name: "async-policy",
            description: "an asynchronous policy",
            enforcementLevel: "mandatory" as const,
            validateResource: async () => undefined,
        };
        assert.throws(() => evaluatePolicies([resource(TYPES.logGroup, {})], {}, [asyncPolicy]), /policy async-policy is asynchronous/);
    });

    it("reports a policy that meets a preview-time unknown as not evaluated, as the engine does", () => {
        const unknownRule = resource(TYPES.ingressRule, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
        const evaluation = evaluatePolicies([unknownRule]);
        assert.deepStrictEqual(evaluation.violations, []);
        assert.deepStrictEqual(
            evaluation.notEvaluated.map((n) => n.policyName),
            [WORLD],
        );
    });
});

describe("CIDR coverage", () => {
    it("knows when ranges cover a whole family", () => {
        const ranges = ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"].map((c) => parseCidr(c)!);
        assert.ok(coversWholeFamily(ranges, "ipv4"));
        assert.ok(!coversWholeFamily(ranges.slice(1), "ipv4"));
        assert.deepStrictEqual(worldOpenFamilies(["::/0", "10.0.0.0/8", "not-a-cidr", undefined]), ["ipv6"]);
    });
});

describe("every policy, every resource shape it covers: one violating and one compliant case", () => {
    const td = (image: string) => ({ containerDefinitions: JSON.stringify([{ name: "api", image }]) });
    const cases: [policy: string, type: string, violating: Record<string, unknown>, compliant: Record<string, unknown>][] = [
        [WORLD, TYPES.securityGroup, { ingress: [tcp(5432, 5432, ["0.0.0.0/0"])] }, { ingress: [tcp(5432, 5432, ["10.0.0.0/8"])] }],
        [
            WORLD,
            TYPES.defaultSecurityGroup,
            { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] },
            { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] },
        ],
        [
            WORLD,
            TYPES.securityGroupRule,
            { type: "ingress", protocol: "tcp", fromPort: 6379, toPort: 6379, ipv6CidrBlocks: ["::/0"] },
            { type: "ingress", protocol: "tcp", fromPort: 6379, toPort: 6379, sourceSecurityGroupId: "sg-1" },
        ],
        [WORLD, TYPES.ingressRule, { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }, { ipProtocol: "-1", referencedSecurityGroupId: "sg-1" }],
        ["rds-not-publicly-accessible", TYPES.rdsInstance, { publiclyAccessible: true }, { publiclyAccessible: false }],
        ["rds-not-publicly-accessible", TYPES.rdsClusterInstance, { publiclyAccessible: true }, {}],
        ["elasticache-not-in-default-security-group", TYPES.elasticacheCluster, { engine: "redis" }, { engine: "redis", securityGroupIds: ["sg-redis"] }],
        ["elasticache-not-in-default-security-group", TYPES.elasticacheReplicationGroup, { securityGroupIds: [] }, { securityGroupIds: ["sg-redis"] }],
        [
            "apprunner-health-check-within-limits",
            TYPES.appRunnerService,
            { healthCheckConfiguration: { protocol: "TCP", path: "/health" } },
            { healthCheckConfiguration: { protocol: "TCP" } },
        ],
        [
            "apprunner-instance-size-allowed",
            TYPES.appRunnerService,
            { instanceConfiguration: { cpu: "2 vCPU", memory: "2 GB" } },
            { instanceConfiguration: { cpu: "2 vCPU", memory: "4 GB" } },
        ],
        [
            "ecs-circuit-breaker-rolls-back",
            TYPES.ecsService,
            { deploymentCircuitBreaker: { enable: false, rollback: false } },
            { deploymentCircuitBreaker: { enable: true, rollback: true } },
        ],
        ["container-images-pinned", TYPES.ecsTaskDefinition, td("repo/api:latest"), td("repo/api:v9")],
        [
            "container-images-pinned",
            TYPES.appRunnerService,
            { sourceConfiguration: { imageRepository: { imageIdentifier: "repo/app:master" } } },
            { sourceConfiguration: { imageRepository: { imageIdentifier: "repo/app:v19-photo-fix" } } },
        ],
        ["log-groups-have-retention", TYPES.logGroup, { retentionInDays: 0 }, { retentionInDays: 30 }],
    ];
    for (const [policy, type, violating, compliant] of cases) {
        it(`${policy} on ${type}`, () => {
            assert.strictEqual(violationsOf([resource(type, violating)], policy).length, 1, "violating case not reported");
            assert.deepStrictEqual(violationsOf([resource(type, compliant)], policy), [], "compliant case reported");
        });
    }

    it("no-world-open-database-ingress-across-rules, with the legacy SecurityGroupRule shape too", () => {
        const rule = (cidr: string) =>
            resource(TYPES.securityGroupRule, { type: "ingress", protocol: "tcp", fromPort: 1521, toPort: 1521, cidrBlocks: [cidr], securityGroupId: "sg-db" });
        assert.strictEqual(violationsOf([rule("0.0.0.0/1"), rule("128.0.0.0/1")], "no-world-open-database-ingress-across-rules").length, 1);
        assert.deepStrictEqual(violationsOf([rule("0.0.0.0/1"), rule("128.0.0.0/2")], "no-world-open-database-ingress-across-rules"), []);
    });

    it("apprunner-vpc-egress-has-nat accepts a default route written inline on the route table", () => {
        const connector = resource(TYPES.vpcConnector, { subnets: ["subnet-a"] }, { outputs: { arn: "arn:conn" } });
        const service = resource(TYPES.appRunnerService, { networkConfiguration: { egressConfiguration: { egressType: "VPC", vpcConnectorArn: "arn:conn" } } });
        const nat = resource(TYPES.natGateway, { subnetId: "subnet-public" }, { outputs: { id: "nat-1" } });
        const table = (natGatewayId: string) =>
            resource(TYPES.routeTable, { routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId }] }, { outputs: { id: "rtb-1" } });
        const association = resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: "rtb-1" });
        assert.deepStrictEqual(violationsOf([connector, service, nat, table("nat-1"), association], "apprunner-vpc-egress-has-nat"), []);
        assert.strictEqual(violationsOf([connector, service, nat, table("nat-other"), association], "apprunner-vpc-egress-has-nat").length, 1);
    });

    it("apprunner-vpc-egress-has-nat refuses a NAT that sits in a connector subnet (its own route would loop)", () => {
        const connector = resource(TYPES.vpcConnector, { subnets: ["subnet-a"] }, { outputs: { arn: "arn:conn" } });
        const service = resource(TYPES.appRunnerService, { networkConfiguration: { egressConfiguration: { egressType: "VPC", vpcConnectorArn: "arn:conn" } } });
        const nat = resource(TYPES.natGateway, { subnetId: "subnet-a" }, { outputs: { id: "nat-1" } });
        const table = resource(TYPES.routeTable, {}, { outputs: { id: "rtb-1" } });
        const route = resource(TYPES.route, { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" });
        const association = resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: "rtb-1" });
        assert.strictEqual(violationsOf([connector, service, nat, table, route, association], "apprunner-vpc-egress-has-nat").length, 1);
        const egressDefault = resource(TYPES.appRunnerService, { networkConfiguration: { egressConfiguration: { egressType: "DEFAULT" } } });
        assert.deepStrictEqual(violationsOf([egressDefault], "apprunner-vpc-egress-has-nat"), []);
    });
});

describe("the other policies", () => {
    it("elasticache-not-in-default-security-group", () => {
        const p = "elasticache-not-in-default-security-group";
        assert.match(violationsOf([resource(TYPES.elasticacheReplicationGroup, { replicationGroupId: "nerava-redis" })], p)[0], /default security group/);
        assert.strictEqual(
            violationsOf([resource(TYPES.elasticacheCluster, { securityGroupIds: ["sg-0e4cc786d9053f05f"] })], p, {
                [p]: { defaultSecurityGroupIds: ["sg-0e4cc786d9053f05f"] },
            }).length,
            1,
        );
        assert.strictEqual(violationsOf([resource(TYPES.elasticacheCluster, { replicationGroupId: "g" })], p).length, 0);
        assert.strictEqual(violationsOf([resource(TYPES.elasticacheReplicationGroup, { securityGroupIds: ["sg-redis"] })], p).length, 0);
    });

    it("apprunner-health-check-within-limits and instance size", () => {
        const service = (hc: object, size = {}) => resource(TYPES.appRunnerService, { healthCheckConfiguration: hc, instanceConfiguration: size });
        assert.match(
            violationsOf([service({ protocol: "HTTP", timeout: 30, unhealthyThreshold: 10 })], "apprunner-health-check-within-limits")[0],
            /timeout` must be 1–20 seconds \(App Runner limit\); got 30/,
        );
        assert.strictEqual(violationsOf([service({ protocol: "HTTP", path: "/health", timeout: 10 })], "apprunner-health-check-within-limits").length, 0);
        assert.strictEqual(violationsOf([service({}, { cpu: "256", memory: "2048" })], "apprunner-instance-size-allowed").length, 1);
        assert.strictEqual(violationsOf([service({}, { cpu: "1024", memory: "2048" })], "apprunner-instance-size-allowed").length, 0);
    });

    it("ecs-circuit-breaker-rolls-back", () => {
        const p = "ecs-circuit-breaker-rolls-back";
        assert.strictEqual(violationsOf([resource(TYPES.ecsService, {})], p).length, 1);
        assert.strictEqual(violationsOf([resource(TYPES.ecsService, { deploymentCircuitBreaker: { enable: true, rollback: false } })], p).length, 1);
        assert.strictEqual(violationsOf([resource(TYPES.ecsService, { deploymentCircuitBreaker: { enable: true, rollback: true } })], p).length, 0);
        assert.strictEqual(violationsOf([resource(TYPES.ecsService, { deploymentController: { type: "CODE_DEPLOY" } })], p).length, 0);
    });

    it("container-images-pinned, in task definitions and App Runner", () => {
        const p = "container-images-pinned";
        const td = (image: string) => resource(TYPES.ecsTaskDefinition, { containerDefinitions: JSON.stringify([{ name: "api", image }]) });
        assert.match(
            violationsOf([td("905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest")], p)[0],
            /moving tag :latest.*rolls back nothing/,
        );
        assert.match(violationsOf([td("sandbox-broker-api")], p)[0], /has no tag/);
        assert.strictEqual(violationsOf([td("repo/app@sha256:" + "a".repeat(64)), td("repo/app:v20-otp-fix-fixed")], p).length, 0);
        const appRunner = resource(TYPES.appRunnerService, { sourceConfiguration: { imageRepository: { imageIdentifier: "repo/nerava-backend:latest" } } });
        assert.strictEqual(violationsOf([appRunner], p).length, 1);
    });

    it("log-groups-have-retention is advisory", () => {
        const [v] = evaluatePolicies([resource(TYPES.logGroup, { name: "/ecs/x" })]).violations;
        assert.strictEqual(v.policyName, "log-groups-have-retention");
        assert.strictEqual(v.enforcementLevel, "advisory");
    });

    it("apprunner-vpc-egress-has-nat: catches the seeds' outage and passes the fix, in preview (unknown ids, dependencies)", () => {
        const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const connector = resource(TYPES.vpcConnector, { subnets: ["subnet-a", "subnet-b"] }, { name: "conn", outputs: { arn: UNKNOWN } });
        const service = resource(
            TYPES.appRunnerService,
            { networkConfiguration: { egressConfiguration: { egressType: "VPC", vpcConnectorArn: UNKNOWN } } },
            { propertyDependencies: { networkConfiguration: [connector.urn] } },
        );
        const p = "apprunner-vpc-egress-has-nat";
        assert.match(violationsOf([connector, service], p)[0], /connector subnets subnet-a, subnet-b have no 0.0.0.0\/0 route to a NAT gateway/);
        const nat = resource(TYPES.natGateway, { subnetId: "subnet-public" }, { name: "nat", outputs: { id: UNKNOWN } });
        const table = resource(TYPES.routeTable, { vpcId: "vpc-1" }, { name: "rt", outputs: { id: UNKNOWN } });
        const route = resource(
            TYPES.route,
            { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", natGatewayId: UNKNOWN },
            { propertyDependencies: { routeTableId: [table.urn], natGatewayId: [nat.urn] } },
        );
        const assoc = (subnet: string) =>
            resource(TYPES.routeTableAssociation, { subnetId: subnet, routeTableId: UNKNOWN }, { propertyDependencies: { routeTableId: [table.urn] } });
        assert.deepStrictEqual(violationsOf([connector, service, nat, table, route, assoc("subnet-a"), assoc("subnet-b")], p), []);
        assert.match(violationsOf([connector, service, nat, table, route, assoc("subnet-a")], p)[0], /connector subnet subnet-b has no 0.0.0.0\/0 route/);
    });
});
