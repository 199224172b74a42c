import * as assert from "assert";
import fc from "fast-check";
import { CidrRange, coversWholeFamily } from "../policies/lib/cidr";
import { unpinnedImageReason } from "../policies/lib/images";
import { databasePortsIn, portSpan } from "../policies/lib/ports";
import { healthCheckProblems } from "../policies/lib/appRunnerLimits";
import { TYPES } from "../policies/lib/resourceTypes";
import { resource, violationsOf } from "./policyResources";

// The edges where a policy's false pass would hide the outage it exists for: one case per edge, both sides.

const WORLD = "no-world-open-database-ingress";
const POSTGRES_ONLY = { [WORLD]: { databasePorts: [5432] } };
const open = (fromPort: unknown, toPort: unknown, cidrBlocks = ["0.0.0.0/0"]) =>
    resource(TYPES.securityGroup, { ingress: [{ protocol: "tcp", fromPort, toPort, cidrBlocks }] });

describe("port ranges at their edges", () => {
    it("a range that starts at the database port and runs to 65535 is caught; one that starts a port later is not", () => {
        assert.match(violationsOf([open(5432, 65535)], WORLD, POSTGRES_ONLY)[0], /opens database port 5432 \(PostgreSQL\) to the whole internet/);
        assert.deepStrictEqual(violationsOf([open(5433, 65535)], WORLD, POSTGRES_ONLY), []);
        assert.strictEqual(violationsOf([open(1, 5432)], WORLD, POSTGRES_ONLY).length, 1);
        assert.deepStrictEqual(violationsOf([open(1, 5431)], WORLD, POSTGRES_ONLY), []);
    });

    it("a reversed range admits the ports between its ends", () => {
        assert.deepStrictEqual(portSpan("tcp", 6000, 5000), { allPorts: false, from: 5000, to: 6000, carriesPorts: true });
        assert.strictEqual(violationsOf([open(65535, 5432)], WORLD, POSTGRES_ONLY).length, 1);
        assert.deepStrictEqual(violationsOf([open(65535, 5433)], WORLD, POSTGRES_ONLY), []);
    });

    it("a negative or missing port means every port, as AWS reads -1", () => {
        const every = { allPorts: true, from: 0, to: 65535, carriesPorts: true };
        assert.deepStrictEqual(portSpan("tcp", -1, 80), every);
        assert.deepStrictEqual(portSpan("tcp", 80, -1), every);
        assert.deepStrictEqual(portSpan("tcp", undefined, 80), every);
        assert.deepStrictEqual(portSpan("tcp", "", 80), every);
        assert.deepStrictEqual(portSpan("tcp", 0, 0), { allPorts: false, from: 0, to: 0, carriesPorts: true });
        assert.deepStrictEqual(portSpan(" TCP ", "80", "81"), { allPorts: false, from: 80, to: 81, carriesPorts: true });
        assert.deepStrictEqual(portSpan("all", 80, 80), every);
        assert.deepStrictEqual(portSpan(undefined, 80, 80), every);
        assert.strictEqual(violationsOf([open(-1, 80)], WORLD, POSTGRES_ONLY).length, 1);
    });

    it("ICMP (by name or number, v4 or v6) carries no ports", () => {
        for (const proto of ["icmp", "1", "ICMPv6", "58"]) assert.deepStrictEqual(databasePortsIn(portSpan(proto, 5432, 5432), [5432]), [], proto);
        assert.deepStrictEqual(databasePortsIn(portSpan("tcp", 5432, 5432), [5432, 6379]), [5432]);
        assert.deepStrictEqual(databasePortsIn(portSpan("-1", 0, 0), [5432, 6379]), [5432, 6379]);
    });
});

describe("CIDR coverage at its edges", () => {
    const V4_LAST = (1n << 32n) - 1n;
    const range = (start: bigint, end: bigint): CidrRange => ({ family: "ipv4", start, end, prefix: 1 });

    it("a gap of one address, anywhere, leaves the family uncovered", () => {
        assert.ok(coversWholeFamily([range(0n, 99n), range(100n, V4_LAST)], "ipv4"));
        assert.ok(!coversWholeFamily([range(0n, 99n), range(101n, V4_LAST)], "ipv4"));
        assert.ok(!coversWholeFamily([range(1n, V4_LAST)], "ipv4"));
        assert.ok(!coversWholeFamily([range(0n, V4_LAST - 1n)], "ipv4"));
    });

    it("overlapping, nested and unsorted ranges still cover; the other family's do not count", () => {
        assert.ok(coversWholeFamily([range(200n, V4_LAST), range(0n, 300n), range(5n, 10n)], "ipv4"));
        assert.ok(coversWholeFamily([range(0n, V4_LAST), range(5n, 10n)], "ipv4"));
        assert.ok(!coversWholeFamily([{ family: "ipv6", start: 0n, end: V4_LAST, prefix: 96 }], "ipv4"));
        assert.ok(!coversWholeFamily([], "ipv4"));
    });

    it("property: a world-open port is always reported and a private source never is, whatever the port range", () => {
        const privateCidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"];
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }), fc.constantFrom(...privateCidrs), (from, to, source) => {
                const admits5432 = Math.min(from, to) <= 5432 && 5432 <= Math.max(from, to);
                const world = violationsOf([open(from, to)], WORLD, POSTGRES_ONLY).length;
                const v6 = source.includes(":");
                const privateRule = resource(TYPES.securityGroup, {
                    ingress: [{ protocol: "tcp", fromPort: from, toPort: to, cidrBlocks: v6 ? [] : [source], ipv6CidrBlocks: v6 ? [source] : [] }],
                });
                return world === (admits5432 ? 1 : 0) && violationsOf([privateRule], WORLD, POSTGRES_ONLY).length === 0;
            }),
            { numRuns: 300 },
        );
    });
});

describe("apprunner-vpc-egress-has-nat: routes that do not reach the internet", () => {
    const NAT = "apprunner-vpc-egress-has-nat";
    const connector = () => resource(TYPES.vpcConnector, { subnets: ["subnet-a"] }, { outputs: { arn: "arn:conn" } });
    const service = () =>
        resource(TYPES.appRunnerService, { networkConfiguration: { egressConfiguration: { egressType: "VPC", vpcConnectorArn: "arn:conn" } } });
    const table = (routes?: unknown[]) => resource(TYPES.routeTable, routes ? { routes } : {}, { outputs: { id: "rtb-1" } });
    const association = () => resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: "rtb-1" });
    const nat = (inputs: Record<string, unknown> = {}) => resource(TYPES.natGateway, { subnetId: "subnet-public", ...inputs }, { outputs: { id: "nat-1" } });
    const route = (destinationCidrBlock: string) => resource(TYPES.route, { routeTableId: "rtb-1", destinationCidrBlock, natGatewayId: "nat-1" });

    it("passes a public NAT with a 0.0.0.0/0 route, as a resource or inline", () => {
        assert.deepStrictEqual(violationsOf([connector(), service(), nat(), table(), route("0.0.0.0/0"), association()], NAT), []);
        assert.deepStrictEqual(
            violationsOf([connector(), service(), nat(), table([{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }]), association()], NAT),
            [],
        );
    });

    it("refuses a route to the NAT for 10.0.0.0/8 only, as a resource or inline", () => {
        assert.match(violationsOf([connector(), service(), nat(), table(), route("10.0.0.0/8"), association()], NAT)[0], /subnet-a has no 0.0.0.0\/0 route/);
        assert.strictEqual(
            violationsOf([connector(), service(), nat(), table([{ cidrBlock: "10.0.0.0/8", natGatewayId: "nat-1" }]), association()], NAT).length,
            1,
        );
    });

    it("refuses a private NAT gateway, which has no way to the internet", () => {
        assert.strictEqual(
            violationsOf([connector(), service(), nat({ connectivityType: "private" }), table(), route("0.0.0.0/0"), association()], NAT).length,
            1,
        );
        assert.deepStrictEqual(
            violationsOf([connector(), service(), nat({ connectivityType: "public" }), table(), route("0.0.0.0/0"), association()], NAT),
            [],
        );
    });

    it("refuses an inline default route that names no NAT gateway (an internet gateway gives VPC egress nothing)", () => {
        assert.strictEqual(
            violationsOf([connector(), service(), nat(), table([{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }]), association()], NAT).length,
            1,
        );
    });

    it("refuses a connector subnet with no route table, and one whose route table is another's", () => {
        assert.strictEqual(violationsOf([connector(), service(), nat(), table(), route("0.0.0.0/0")], NAT).length, 1);
        const otherTable = resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: "rtb-2" });
        assert.strictEqual(violationsOf([connector(), service(), nat(), table(), route("0.0.0.0/0"), otherTable], NAT).length, 1);
    });

    it("names a connector that is not in the stack", () => {
        assert.match(violationsOf([service()], NAT)[0], /egresses through a VPC connector that is not in this stack/);
    });
});

describe("container-images-pinned at its edges", () => {
    it("names every moving tag, in any case, and an image with no tag", () => {
        for (const tag of ["latest", "main", "master", "stable", "prod", "production", "LATEST", "Main"]) {
            assert.match(unpinnedImageReason(`repo/app:${tag}`) ?? "", new RegExp(`uses the moving tag :${tag}; pin a release tag or a sha256 digest`), tag);
        }
        assert.match(unpinnedImageReason("repo/app") ?? "", /has no tag, so it means :latest/);
        assert.match(unpinnedImageReason("registry.local:5000/app") ?? "", /has no tag/, "a registry port is not a tag");
        assert.match(unpinnedImageReason("repo/app:") ?? "", /has no tag/);
        assert.strictEqual(unpinnedImageReason("registry.local:5000/app:v19-photo-fix"), undefined);
        assert.strictEqual(unpinnedImageReason("repo/app:latest-2026-01-23"), undefined, "a release tag that starts with a moving one");
    });

    it("accepts a sha256 digest of 64 lowercase hex digits only, with or without a tag", () => {
        const hex = "0123456789abcdef".repeat(4);
        assert.strictEqual(unpinnedImageReason(`repo/app@sha256:${hex}`), undefined);
        assert.strictEqual(unpinnedImageReason(`repo/app:latest@sha256:${hex}`), undefined, "the digest pins the code whatever the tag says");
        for (const digest of [`sha256:${hex.slice(1)}`, `sha256:${hex}0`, `sha256:${hex.toUpperCase()}`, `sha512:${hex}`, `sha256:${hex.slice(1)}g`, ""]) {
            assert.match(unpinnedImageReason(`repo/app@${digest}`) ?? "", /has a malformed digest \(expected sha256:<64 hex>\)/, digest);
        }
    });

    it("refuses what is not an image reference", () => {
        for (const image of ["", "  ", undefined, 42]) assert.match(unpinnedImageReason(image) ?? "", /is not an image reference/, String(image));
    });
});

describe("apprunner-health-check-within-limits at its edges", () => {
    it("accepts 1 and 20 for every field and refuses 0, 21 and fractions, naming the field and its unit", () => {
        for (const field of ["interval", "timeout", "healthyThreshold", "unhealthyThreshold"] as const) {
            const unit = field.endsWith("Threshold") ? "checks" : "seconds";
            assert.deepStrictEqual(healthCheckProblems({ [field]: 1 }), [], field);
            assert.deepStrictEqual(healthCheckProblems({ [field]: 20 }), [], field);
            for (const bad of [0, 21, 1.5, "5"]) {
                assert.deepStrictEqual(
                    healthCheckProblems({ [field]: bad }),
                    [{ field, message: `must be 1–20 ${unit} (App Runner limit); got ${JSON.stringify(bad)}` }],
                    `${field} ${bad}`,
                );
            }
        }
    });

    it("takes a path only with HTTP, starting with /; and a protocol of HTTP or TCP", () => {
        assert.deepStrictEqual(healthCheckProblems({ protocol: "HTTP", path: "/health" }), []);
        assert.deepStrictEqual(
            healthCheckProblems({ path: "/health" }).map((p) => p.message),
            ['applies only to the HTTP protocol; got path "/health" with protocol TCP'],
        );
        assert.deepStrictEqual(
            healthCheckProblems({ protocol: "HTTP", path: "health" }).map((p) => p.message),
            ['must start with "/"; got "health"'],
        );
        assert.deepStrictEqual(
            healthCheckProblems({ protocol: "UDP" }).map((p) => p.field),
            ["protocol"],
        );
        assert.deepStrictEqual(healthCheckProblems({ protocol: "TCP" }), []);
    });
});
