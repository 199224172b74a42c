import * as assert from "assert";
import { TYPES } from "../policies/lib/resourceTypes";
import { evaluatePolicies, ResourceUnderCheck } from "../tools/offline/evaluatePolicies";
import { resource } from "./policyResources";

// The database-ingress policies' messages, the stack policy's grouping of rules, prefix lists and
// preview-time unknowns: what is reported, once, on which resource, and what is "not evaluated".

const RESOURCE = "no-world-open-database-ingress";
const STACK = "no-world-open-database-ingress-across-rules";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const FIX =
    "Source the App Runner connector's or the ECS tasks' security group instead (referencedSecurityGroupId / sourceSecurityGroupId), never a public CIDR.";
const NO_BROAD = { minPublicPrefixIpv4: 0, minPublicPrefixIpv6: 0 };

const tcp = (port: number, cidrBlocks: string[], extra: Record<string, unknown> = {}) => ({
    protocol: "tcp",
    fromPort: port,
    toPort: port,
    cidrBlocks,
    ...extra,
});
const group = (name: string, ingress: unknown, id: string = UNKNOWN) => resource(TYPES.securityGroup, { ingress }, { name, outputs: { id } });
const rule = (name: string, inputs: Record<string, unknown>, extra: Partial<ResourceUnderCheck> = {}) =>
    resource(TYPES.ingressRule, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, securityGroupId: "sg-db", ...inputs }, { name, ...extra });
const list = (name: string, entries: unknown[], id = "pl-1") => resource(TYPES.managedPrefixList, { entries }, { name, outputs: { id } });

function run(resources: ResourceUnderCheck[], config: Record<string, unknown> = {}) {
    return evaluatePolicies(resources, { [RESOURCE]: config, [STACK]: config });
}
const messages = (resources: ResourceUnderCheck[], policy: string, config: Record<string, unknown> = {}) =>
    run(resources, config)
        .violations.filter((v) => v.policyName === policy)
        .map((v) => v.message);
const notEvaluated = (resources: ResourceUnderCheck[], config: Record<string, unknown> = {}) =>
    run(resources, config)
        .notEvaluated.filter((n) => n.policyName === STACK)
        .map((n) => n.reason);

describe("database ingress messages", () => {
    it("name the resource kind, the rule, each port and the sources", () => {
        assert.deepStrictEqual(messages([group("db", [tcp(5432, ["0.0.0.0/0"])])], RESOURCE), [
            `Security group db ingress[0] opens database port 5432 (PostgreSQL) to the whole internet (0.0.0.0/0). ${FIX}`,
        ]);
        assert.deepStrictEqual(messages([rule("r", { cidrIpv4: "0.0.0.0/0" })], RESOURCE), [
            `Ingress rule r opens database port 5432 (PostgreSQL) to the whole internet (0.0.0.0/0). ${FIX}`,
        ]);
        const legacy = resource(TYPES.securityGroupRule, { type: "ingress", ...tcp(5432, ["0.0.0.0/0"]) }, { name: "legacy" });
        assert.match(messages([legacy], RESOURCE)[0], /^Ingress rule legacy opens/);
    });

    it("one message per rule, not one for every rule of the resource", () => {
        assert.deepStrictEqual(
            messages([group("db", [tcp(5432, ["0.0.0.0/0"]), tcp(3306, ["::/0"], { cidrBlocks: [], ipv6CidrBlocks: ["::/0"] })])], RESOURCE),
            [
                `Security group db ingress[1] opens database port 3306 (MySQL/Aurora) to the whole internet (::/0). ${FIX}`,
                `Security group db ingress[0] opens database port 5432 (PostgreSQL) to the whole internet (0.0.0.0/0). ${FIX}`,
            ],
        );
    });

    it("lists up to four sources, then how many more", () => {
        const quarters = ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"];
        assert.match(
            messages([group("db", [tcp(5432, quarters)])], RESOURCE)[0],
            /whole internet \(0\.0\.0\.0\/2, 64\.0\.0\.0\/2, 128\.0\.0\.0\/2, 192\.0\.0\.0\/2\)\./,
        );
        const six = ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/3", "10.0.0.0/8"];
        assert.match(
            messages([group("db", [tcp(5432, six)])], RESOURCE)[0],
            /whole internet \(0\.0\.0\.0\/2, 64\.0\.0\.0\/2, 128\.0\.0\.0\/2, 192\.0\.0\.0\/3 and 2 more\)\./,
        );
    });

    it("names only the broad public sources of a rule, in the plural when there are several", () => {
        const mixed = group("db", [tcp(5432, ["11.0.0.0/8", "10.0.0.0/8", "10.8.0.0/16", "12.0.0.0/8"])]);
        assert.deepStrictEqual(messages([mixed], RESOURCE, { exemptCidrs: ["10.8.0.0/16"] }), [
            `Security group db ingress[0] opens database port 5432 (PostgreSQL) to broad public ranges 11.0.0.0/8, 12.0.0.0/8 (wider than /16 for IPv4, /48 for IPv6; private ranges are allowed). ${FIX}`,
        ]);
        assert.strictEqual(messages([group("db", [tcp(5432, ["10.0.0.0/8", "11.0.0.0/8"])])], RESOURCE).length, 1, "one broad source among private ones");
    });

    it("skip an empty entry in a group's inline rules instead of failing", () => {
        const withHole = group("db", [null, tcp(5432, ["0.0.0.0/0"])]);
        assert.strictEqual(messages([withHole], RESOURCE).length, 1);
        assert.deepStrictEqual(messages([withHole], STACK), []);
    });
});

describe("database ingress across rules: what only the stack shows, reported once", () => {
    it("names the group and its rules, legacy SecurityGroupRule shapes included, and reports on the first rule's resource", () => {
        const half = (name: string, cidr: string) =>
            resource(TYPES.securityGroupRule, { type: "ingress", securityGroupId: "sg-db", ...tcp(5432, [cidr]) }, { name });
        const inline = group("db", [tcp(443, ["10.0.0.0/8"])], "sg-db");
        const [a, b] = [half("a", "0.0.0.0/1"), half("b", "128.0.0.0/1")];
        const { violations } = run([inline, a, b], NO_BROAD);
        const across = violations.filter((v) => v.policyName === STACK);
        assert.deepStrictEqual(
            across.map((v) => [v.message, v.urn]),
            [[`Security group sg-db: rules a + b opens database port 5432 (PostgreSQL) to the whole internet (0.0.0.0/1, 128.0.0.0/1). ${FIX}`, a.urn]],
        );
    });

    it("leaves a group world-open by itself to the resource policy, whatever standalone rules join it", () => {
        const resources = [group("db", [tcp(5432, ["0.0.0.0/0"])], "sg-db"), rule("from-app", { referencedSecurityGroupId: "sg-app" })];
        assert.strictEqual(messages(resources, RESOURCE).length, 1);
        assert.deepStrictEqual(messages(resources, STACK), []);
    });

    it("two standalone rules world-open by themselves on different ports are the resource policy's, not reported again", () => {
        const resources = [rule("pg", { cidrIpv4: "0.0.0.0/0" }), rule("mysql", { cidrIpv4: "0.0.0.0/0", fromPort: 3306, toPort: 3306 })];
        assert.strictEqual(messages(resources, RESOURCE).length, 2);
        assert.deepStrictEqual(messages(resources, STACK), []);
    });

    it("a resource world-open on one port does not hide a split on another", () => {
        const resources = [group("db", [tcp(3306, ["0.0.0.0/0"])], "sg-db"), rule("a", { cidrIpv4: "0.0.0.0/1" }), rule("b", { cidrIpv4: "128.0.0.0/1" })];
        assert.deepStrictEqual(
            messages(resources, STACK, NO_BROAD).map((m) => m.slice(0, m.indexOf(" to "))),
            ["Security group sg-db: rules a + b opens database port 5432 (PostgreSQL)"],
        );
    });

    it("a broad range the resource policy reported does not hide another broad range a prefix list adds", () => {
        const resources = [
            list("corp", [{ cidr: "12.0.0.0/8" }]),
            group("db", [tcp(5432, ["11.0.0.0/8"]), tcp(5432, [], { prefixListIds: ["pl-1"] })], "sg-db"),
        ];
        assert.deepStrictEqual(messages(resources, STACK), [
            `Security group sg-db: rules db ingress[1] (prefix list pl-1) opens database port 5432 (PostgreSQL) to broad public range 12.0.0.0/8 (wider than /16 for IPv4, /48 for IPv6; private ranges are allowed). ${FIX}`,
        ]);
    });

    it("a rule whose group cannot be told at all stays on its own", () => {
        const orphan = (name: string, cidr: string) => rule(name, { securityGroupId: UNKNOWN, cidrIpv4: cidr });
        assert.deepStrictEqual(messages([orphan("a", "0.0.0.0/1"), orphan("b", "128.0.0.0/1")], STACK, NO_BROAD), []);
        const viaList = rule("c", { securityGroupId: UNKNOWN, prefixListId: "pl-1" });
        assert.match(messages([list("world", [{ cidr: "0.0.0.0/0" }]), viaList], STACK)[0], /^Security group c: rules c \(prefix list pl-1\) opens/);
    });

    it("joins a default security group's inline rules with its standalone rules", () => {
        const defaultGroup = resource(TYPES.defaultSecurityGroup, { ingress: [tcp(5432, ["0.0.0.0/1"])] }, { name: "default", outputs: { id: "sg-db" } });
        assert.match(
            messages([defaultGroup, rule("b", { cidrIpv4: "128.0.0.0/1" })], STACK, NO_BROAD)[0],
            /^Security group sg-db: rules default ingress\[0\] \+ b opens/,
        );
    });
});

describe("database ingress across rules: prefix lists", () => {
    it("resolves a group whose only prefix list is on its second inline rule, and every list a rule names", () => {
        const resources = [
            list("a", [{ cidr: "0.0.0.0/1" }], "pl-a"),
            list("b", [{ cidr: "128.0.0.0/1" }], "pl-b"),
            group("db", [tcp(443, ["10.0.0.0/8"]), tcp(5432, [], { prefixListIds: ["pl-a", "pl-b"] })], "sg-db"),
        ];
        assert.match(
            messages(resources, STACK, NO_BROAD)[0],
            /^Security group sg-db: rules db ingress\[1\] \(prefix list pl-a, pl-b\) opens database port 5432/,
        );
    });

    it("adds a list's entries to the rule's own sources", () => {
        const resources = [list("upper", [{ cidr: "128.0.0.0/1" }]), rule("r", { cidrIpv4: "0.0.0.0/1", prefixListId: "pl-1" })];
        assert.strictEqual(messages(resources, STACK, NO_BROAD).length, 1);
    });

    it("in a preview, finds a list by the property each shape depends on: prefixListIds, prefixListId, a group's ingress", () => {
        const pending = list("pending", [{ cidr: "0.0.0.0/0" }], UNKNOWN);
        const appSg = group("app", [], "sg-app");
        const legacy = resource(
            TYPES.securityGroupRule,
            { type: "ingress", securityGroupId: "sg-db", ...tcp(5432, []), prefixListIds: [UNKNOWN] },
            { name: "legacy", propertyDependencies: { prefixListIds: [pending.urn] } },
        );
        assert.match(messages([pending, legacy], STACK)[0], /rules legacy \(prefix list \(id known after deployment\)\) opens/);
        const inline = resource(
            TYPES.securityGroup,
            { ingress: [tcp(5432, [], { prefixListIds: [UNKNOWN] })] },
            { name: "db", outputs: { id: "sg-db" }, propertyDependencies: { ingress: [appSg.urn, pending.urn] } },
        );
        assert.strictEqual(messages([pending, appSg, inline], STACK).length, 1);
    });

    it("reads standalone entries of a list the entry depends on in a preview, and ignores entries of lists not in the stack", () => {
        const pending = list("pending", [{ cidr: "10.0.0.0/8" }], UNKNOWN);
        const entry = resource(
            TYPES.managedPrefixListEntry,
            { prefixListId: UNKNOWN, cidr: "0.0.0.0/0" },
            { propertyDependencies: { prefixListId: [pending.urn] } },
        );
        const stray = resource(TYPES.managedPrefixListEntry, { prefixListId: "pl-elsewhere", cidr: "0.0.0.0/0" });
        const r = rule("r", { prefixListId: UNKNOWN }, { propertyDependencies: { prefixListId: [pending.urn] } });
        assert.strictEqual(messages([pending, stray, entry, r], STACK).length, 1);
        assert.deepStrictEqual(messages([pending, stray, r], STACK), []);
    });

    it("a list with entries unknown in the preview, or malformed, is not evaluated, never passed", () => {
        const reason = "not evaluated: r admits prefix list pl-1, whose entries are known only after deployment";
        const r = () => rule("r", { prefixListId: "pl-1" });
        assert.deepStrictEqual(notEvaluated([list("l", [{ cidr: UNKNOWN }]), r()]), [reason]);
        assert.deepStrictEqual(notEvaluated([list("l", [{ cidr: "0.0.0.0/0" }, {}]), r()]), [reason]);
        assert.deepStrictEqual(notEvaluated([list("l", [null, { cidr: "0.0.0.0/0" }]), r()]), [reason]);
        const unknownEntry = resource(TYPES.managedPrefixListEntry, { prefixListId: "pl-1", cidr: UNKNOWN });
        assert.deepStrictEqual(notEvaluated([list("l", [{ cidr: "10.0.0.0/8" }]), unknownEntry, r()]), [reason]);
        const knownEntry = resource(TYPES.managedPrefixListEntry, { prefixListId: "pl-1", cidr: "0.0.0.0/0" });
        assert.deepStrictEqual(notEvaluated([list("l", [{ cidr: UNKNOWN }]), knownEntry, r()]), [reason]);
    });

    it("a prefix-list property unknown as a whole is a list it cannot see", () => {
        const reason = (label: string) => `not evaluated: ${label} admits prefix list (id known after deployment), which is not declared in this stack`;
        const legacy = resource(
            TYPES.securityGroupRule,
            { type: "ingress", securityGroupId: "sg-db", ...tcp(5432, []), prefixListIds: UNKNOWN },
            { name: "legacy" },
        );
        assert.deepStrictEqual(notEvaluated([legacy]), [reason("legacy")]);
        assert.deepStrictEqual(notEvaluated([group("db", [tcp(5432, [], { prefixListIds: UNKNOWN })], "sg-db")]), [reason("db ingress[0]")]);
    });
});

describe("database ingress across rules: values known only after deployment", () => {
    it("a rule with any one of protocol, ports or source unknown is not evaluated, and never counted as open", () => {
        for (const field of ["ipProtocol", "fromPort", "toPort", "cidrIpv4"]) {
            const resources = [group("db", [tcp(443, ["10.0.0.0/8"])], "sg-db"), rule("r", { cidrIpv4: "0.0.0.0/0", [field]: UNKNOWN })];
            const evaluation = run(resources);
            assert.deepStrictEqual(
                evaluation.notEvaluated.filter((n) => n.policyName === STACK).map((n) => n.reason),
                ["not evaluated: r has a source or port known only after deployment"],
                field,
            );
            assert.deepStrictEqual(
                evaluation.violations.filter((v) => v.policyName === STACK),
                [],
                field,
            );
        }
    });

    it("a group whose whole ingress is unknown is not evaluated, and lists every unknown rule", () => {
        const resources = [group("db", UNKNOWN, "sg-db"), rule("known", { cidrIpv4: "10.0.0.0/8" }), rule("r", { cidrIpv4: UNKNOWN })];
        assert.deepStrictEqual(notEvaluated(resources), [
            "not evaluated: db ingress has a source or port known only after deployment; r has a source or port known only after deployment",
        ]);
        assert.deepStrictEqual(notEvaluated([group("db", [tcp(5432, ["10.0.0.0/8"])], "sg-db"), rule("known", { cidrIpv4: "10.0.0.0/8" })]), []);
    });

    it("an unknown rule does not hide the split its group's other rules make", () => {
        const resources = [
            group("db", [{ protocol: UNKNOWN, fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }], "sg-db"),
            rule("a", { cidrIpv4: "0.0.0.0/1" }),
            rule("b", { cidrIpv4: "128.0.0.0/1" }),
        ];
        const evaluation = run(resources, NO_BROAD);
        assert.match(evaluation.violations.find((v) => v.policyName === STACK)?.message ?? "", /^Security group sg-db: rules a \+ b opens/);
    });

    it("an egress rule does not make its group a question for the stack", () => {
        const egress = resource(TYPES.securityGroupRule, { type: "egress", securityGroupId: "sg-db", ...tcp(5432, ["0.0.0.0/0"]) });
        assert.deepStrictEqual(notEvaluated([group("db", UNKNOWN, "sg-db"), egress]), []);
    });
});
