import { PolicyResource } from "@pulumi/policy";
import * as assert from "assert";
import { countedRanges, coversWholeFamily, CidrRange, effectiveExemptions, isPrivate, parseCidr } from "../policies/lib/cidr";
import { portSpan } from "../policies/lib/ports";
import { asArray, declaredTypes, forTypes, known, TYPES } from "../policies/lib/resourceTypes";
import { hasUnknown, securityGroupMembers, UNKNOWN, withUnknowns } from "../policies/lib/securityGroupMembers";
import { stackDataStorePorts } from "../policies/lib/stackDataStorePorts";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError, unknownStringValue } = require("@pulumi/policy/proxy") as {
    UnknownValueError: new (sentinel: string, path: string[]) => Error;
    unknownStringValue: string;
};
const unknownRead = () => {
    throw new UnknownValueError(unknownStringValue, ["id"]);
};

describe("forTypes, declaredTypes, known and asArray", () => {
    it("skips other types with a reason that lists the types, before validating", () => {
        const validated: unknown[] = [];
        const validate = forTypes(["t:a", "t:b"], (props) => validated.push(props));
        let reason: string | undefined;
        const notApplicable = (why: string) => {
            reason = why;
            throw new Error("not applicable");
        };
        assert.throws(() => validate({ type: "t:c", props: {}, notApplicable } as never, () => undefined), /not applicable/);
        assert.strictEqual(reason, "applies to t:a, t:b");
        assert.deepStrictEqual(validated, []);
        assert.deepStrictEqual(declaredTypes(validate), ["t:a", "t:b"]);
    });

    it("marks a single-type validation for the engine, never a multi-type one (the engine would skip its other types)", () => {
        const marker = (types: string[]) => (forTypes(types, () => undefined) as unknown as { __pulumiType?: string }).__pulumiType;
        assert.strictEqual(marker(["t:a"]), "t:a");
        assert.strictEqual(marker(["t:a", "t:b"]), undefined);
    });

    it("reads a single type the engine marked, and no types from an unmarked or missing validation", () => {
        assert.deepStrictEqual(declaredTypes({ __pulumiType: "t:a" }), ["t:a"]);
        assert.strictEqual(
            declaredTypes(() => undefined),
            undefined,
        );
        assert.strictEqual(declaredTypes(undefined), undefined);
    });

    it("known: undefined for a preview-time unknown, any other error (whatever was thrown) passes through", () => {
        assert.strictEqual(known(unknownRead), undefined);
        assert.throws(() => known(() => assert.fail("boom")), /boom/);
        for (const thrown of [Object.create(null), undefined]) {
            const read = () => {
                throw thrown;
            };
            assert.throws(
                () => known(read),
                (e: unknown) => e === thrown,
            );
        }
    });

    it("asArray: nothing for undefined and null, a list for one value", () => {
        assert.deepStrictEqual(asArray(null), []);
        assert.deepStrictEqual(asArray(undefined), []);
        assert.deepStrictEqual(asArray("sg-1"), ["sg-1"]);
    });
});

describe("preview-time unknowns inside security-group props", () => {
    it("withUnknowns copies props, marking each unknown read and keeping nulls, arrays and nesting", () => {
        const props = {
            name: "db",
            none: null,
            ingress: [{ fromPort: 5432, cidrBlocks: ["10.0.0.0/8"] }],
            get id() {
                return unknownRead();
            },
        };
        assert.deepStrictEqual(withUnknowns(props), { name: "db", none: null, ingress: [{ fromPort: 5432, cidrBlocks: ["10.0.0.0/8"] }], id: UNKNOWN });
    });

    it("withUnknowns and the grouping of rules pass any other error through, whatever was thrown", () => {
        for (const thrown of [new Error("provider bug"), Object.create(null), undefined]) {
            const props = {
                get id(): unknown {
                    throw thrown;
                },
            };
            assert.throws(
                () => withUnknowns(props),
                (e: unknown) => e === thrown,
            );
            const group = { type: TYPES.securityGroup, urn: "urn:sg", name: "sg", props, propertyDependencies: {} } as unknown as PolicyResource;
            assert.throws(
                () => securityGroupMembers([group]),
                (e: unknown) => e === thrown,
            );
        }
    });

    it("hasUnknown finds an unknown at any depth of a list, and nowhere else", () => {
        assert.ok(hasUnknown(UNKNOWN));
        assert.ok(hasUnknown(["10.0.0.0/8", [UNKNOWN]]));
        assert.ok(!hasUnknown(["10.0.0.0/8", ["::/0"]]));
        assert.ok(!hasUnknown({ cidr: UNKNOWN }));
    });
});

describe("CIDR parsing and coverage, the edges left", () => {
    // parseCidr caches by text for the life of the process (the mutation runner reuses one process for
    // every mutant), so the parsing cases spell addresses no earlier run has parsed.
    let seq = 0;
    const fresh = () => {
        seq += 1;
        return { v4: `${(seq >> 8) & 255}.${seq & 255}`, v6: seq.toString(16) };
    };
    const V4_LAST = (1n << 32n) - 1n;
    const range = (start: bigint, end: bigint): CidrRange => ({ family: "ipv4", start, end, prefix: 1 });

    it("parses a bare address as a single host, trims spaces, and returns undefined for what is not a CIDR", () => {
        const { v4, v6 } = fresh();
        const host = parseCidr(`198.18.${v4}`)!;
        assert.deepStrictEqual([host.family, host.prefix, host.end - host.start], ["ipv4", 32, 0n]);
        const v6Host = parseCidr(`2001:db8::${v6}`)!;
        assert.deepStrictEqual([v6Host.family, v6Host.prefix, v6Host.end - v6Host.start], ["ipv6", 128, 0n]);
        const subnet = parseCidr(` 10.${v4}.0/24 `)!;
        assert.deepStrictEqual([subnet.prefix, subnet.end - subnet.start], [24, 255n]);
        assert.strictEqual(parseCidr(`not-a-cidr-${v6}`), undefined);
    });

    it("a range that ends exactly where the covered part ends still moves coverage on", () => {
        assert.ok(coversWholeFamily([range(0n, 99n), range(50n, 100n), range(101n, V4_LAST)], "ipv4"));
    });

    it("an IPv6 range is never private or exempt because its number falls inside an IPv4 range", () => {
        const v4Mapped = parseCidr("::a00:0/104")!; // numerically 10.0.0.0/8
        assert.ok(!isPrivate(v4Mapped));
        assert.strictEqual(countedRanges(["::a08:0/112"], [parseCidr("10.8.0.0/16")!]).length, 1);
    });

    it("an exemption exempts only sources wholly inside it", () => {
        assert.strictEqual(countedRanges(["10.8.0.0/15"], [parseCidr("10.8.0.0/16")!]).length, 1);
        assert.strictEqual(countedRanges(["10.8.1.0/24"], [parseCidr("10.8.0.0/16")!]).length, 0);
    });

    it("a /0 exemption is dropped by itself, even with no minimum prefix, and does not void the family's other exemptions", () => {
        const kept = effectiveExemptions(["not-a-cidr", "0.0.0.0/0", "10.8.0.0/16"], { ipv4: 0, ipv6: 0 });
        assert.deepStrictEqual(kept, [parseCidr("10.8.0.0/16")]);
    });
});

describe("port fields, the spellings left", () => {
    const every = { allPorts: true, from: 0, to: 65535, carriesPorts: true };

    it("a port that is NaN, blank or missing on either side means every port", () => {
        assert.deepStrictEqual(portSpan("tcp", NaN, 80), every);
        assert.deepStrictEqual(portSpan("tcp", " ", 80), every);
        assert.deepStrictEqual(portSpan("tcp", 80, undefined), every);
    });

    it("reads the protocol whatever its case and spaces: ALL is all traffic, ICMP carries no ports", () => {
        assert.deepStrictEqual(portSpan(" ALL ", 80, 80), every);
        const icmp = portSpan(" ICMP ", 8, 0);
        assert.deepStrictEqual([icmp.allPorts, icmp.carriesPorts], [false, false]);
    });
});

describe("the stack's data-store ports", () => {
    it("reads the config key as older CLIs name it (project:config:key)", () => {
        stackDataStorePorts("{}");
        const legacy = JSON.stringify({ "egress-remediation:config:appRunner": JSON.stringify({ dataStores: { redisPort: 16379 } }) });
        assert.deepStrictEqual(stackDataStorePorts(legacy), [16379]);
    });
});
