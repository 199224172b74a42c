import { ResourceUnderCheck } from "../tools/offline/evaluatePolicies";
import { resourcesFromDocument } from "../tools/offline/readResources";

/** A deterministic pseudo-random stream, so every bench run checks the same resources. */
function lcg(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state * 1664525 + 1013904223) % 4294967296;
        return state / 4294967296;
    };
}

/**
 * `count` resources in the proportions of a large AWS stack: security groups with inline rules,
 * standalone rules, RDS instances, ECS services and task definitions, App Runner services and
 * log groups. `badShare` is the share of choices that violate a policy: about 0.02 for a stack
 * people keep clean, 0.3 for a stack the pack has never seen.
 */
export function generateResources(count: number, badShare = 0.02, seed = 42): ResourceUnderCheck[] {
    const random = lcg(seed);
    const pickFrom = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    /** Picks from `good`, or with probability badShare from `bad`. */
    const pick = <T>(good: readonly T[], bad: readonly T[] = []) => (bad.length > 0 && random() < badShare ? pickFrom(bad) : pickFrom(good));
    const cidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24", "203.0.113.0/24"];
    const worldCidrs = ["0.0.0.0/0", "::/0"];
    const makers: ((i: number) => Omit<ResourceUnderCheck, "urn" | "name">)[] = [
        () => ({
            type: "aws:ec2/securityGroup:SecurityGroup",
            inputs: {
                ingress: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
                    protocol: pickFrom(["tcp", "-1", "udp"]),
                    fromPort: Math.floor(random() * 30000),
                    toPort: Math.floor(random() * 30000) + 30000,
                    cidrBlocks: [pick(cidrs, worldCidrs)],
                })),
            },
        }),
        (i) => ({
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            inputs: {
                securityGroupId: `sg-${i % 500}`,
                ipProtocol: "tcp",
                fromPort: pickFrom([443, 5432, 6379, 8080]),
                toPort: 8080,
                cidrIpv4: pick(cidrs, ["0.0.0.0/1", "128.0.0.0/1"]),
            },
        }),
        () => ({ type: "aws:rds/instance:Instance", inputs: { publiclyAccessible: pick([false], [true]), engine: "postgres" } }),
        () => ({ type: "aws:ecs/service:Service", inputs: { deploymentCircuitBreaker: { enable: true, rollback: pick([true], [false]) }, desiredCount: 2 } }),
        () => ({
            type: "aws:ecs/taskDefinition:TaskDefinition",
            inputs: {
                containerDefinitions: JSON.stringify([
                    { name: "api", image: pick(["repo/api:v9", "repo/api@sha256:" + "a".repeat(64)], ["repo/api:latest", "repo/api"]) },
                ]),
            },
        }),
        () => ({
            type: "aws:apprunner/service:Service",
            inputs: {
                healthCheckConfiguration: { protocol: "HTTP", path: "/health", timeout: pick([2, 10], [30]) },
                instanceConfiguration: { cpu: "1024", memory: "2048" },
            },
        }),
        () => ({ type: "aws:cloudwatch/logGroup:LogGroup", inputs: { retentionInDays: pick([30, 90], [0]) } }),
        () => ({ type: "aws:s3/bucket:Bucket", inputs: { bucket: "logs" } }),
    ];
    const resources = Array.from({ length: count }, (_, i) => {
        const made = makers[i % makers.length](i);
        const name = `r${i}`;
        return { ...made, name, urn: `urn:pulumi:bench::p::${made.type}::${name}` };
    });
    // Through the checker's own reader, as `npm run check` hands resources to the evaluator: object
    // spreads like the one above make V8 read every property of the result on a slow path (measured
    // 0.5 µs a read on Node 20), which no resource read from a plan or stack export pays.
    return resourcesFromDocument({ resources });
}
