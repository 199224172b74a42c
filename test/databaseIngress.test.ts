import * as assert from "assert";
import { countedRanges, effectiveExemptions, isBroadPublic, parseCidr } from "../policies/lib/cidr";
import { TYPES } from "../policies/lib/resourceTypes";
import { stackDataStorePorts } from "../policies/lib/stackDataStorePorts";
import { buildPlan } from "../tools/offline/planDocument";
import { evaluatePolicies, ResourceUnderCheck } from "../tools/offline/evaluatePolicies";
import { hardened } from "./fixtures";

const RESOURCE = "no-world-open-database-ingress";
const STACK = "no-world-open-database-ingress-across-rules";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let counter = 0;
function resource(type: string, inputs: Record<string, unknown>, extra: Partial<ResourceUnderCheck> = {}): ResourceUnderCheck {
    const name = extra.name ?? `r${++counter}`;
    return { urn: `urn:pulumi:test::p::${type}::${name}`, type, name, inputs, ...extra };
}
const rule = (cidr: string, extra: Record<string, unknown> = {}, opts: Partial<ResourceUnderCheck> = {}) =>
    resource(
        TYPES.ingressRule,
        { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, securityGroupId: "sg-db", [cidr.includes(":") ? "cidrIpv6" : "cidrIpv4"]: cidr, ...extra },
        opts,
    );
const group = (ingress: Record<string, unknown>[], id = "sg-db", name?: string) => resource(TYPES.securityGroup, { ingress }, { outputs: { id }, name });
const tcp5432 = (cidrBlocks: string[], extra: Record<string, unknown> = {}) => ({ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks, ...extra });

function messages(resources: ResourceUnderCheck[], policy: string, config: Record<string, unknown> = {}, stackConfig?: Record<string, unknown>): string[] {
    return evaluatePolicies(resources, { [RESOURCE]: config, [STACK]: config }, undefined, stackConfig)
        .violations.filter((v) => v.policyName === policy)
        .map((v) => v.message);
}

describe("database ingress: broad public ranges (minimum prefix, private ranges allowed)", () => {
    const reported = (cidr: string, config = {}) => messages([rule(cidr)], RESOURCE, config).length;

    it("blocks a public IPv4 range wider than /16 and passes /16 (the default boundary)", () => {
        assert.strictEqual(reported("11.0.0.0/15"), 1);
        assert.strictEqual(reported("11.0.0.0/16"), 0);
        assert.match(
            messages([rule("0.0.0.0/1")], RESOURCE)[0],
            /opens database port 5432 \(PostgreSQL\) to broad public range 0\.0\.0\.0\/1 \(wider than \/16/,
        );
    });

    it("blocks a public IPv6 range wider than /48 and passes /48", () => {
        assert.strictEqual(reported("2001:db8::/47"), 1);
        assert.strictEqual(reported("2001:db8::/48"), 0);
        assert.strictEqual(reported("fc00::/7"), 0);
    });

    it("allows private ranges of any width, but not a range only partly private", () => {
        for (const cidr of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]) assert.strictEqual(reported(cidr), 0, cidr);
        assert.strictEqual(reported("172.0.0.0/11"), 1); // 172.0–172.31: half of it public
        assert.strictEqual(reported("10.0.0.0/7"), 1); // 10/8 and the public 11/8
    });

    it("takes the minimum prefix from config", () => {
        assert.strictEqual(reported("11.0.0.0/8", { minPublicPrefixIpv4: 8 }), 0);
        assert.strictEqual(reported("11.0.0.0/7", { minPublicPrefixIpv4: 8 }), 1);
        assert.strictEqual(reported("2001:db8::/33", { minPublicPrefixIpv6: 32 }), 0);
    });

    it("reports the whole internet once, not again as a broad range", () => {
        const [message, ...rest] = messages([group([tcp5432(["0.0.0.0/0", "11.0.0.0/8"])])], RESOURCE);
        assert.deepStrictEqual(rest, []);
        assert.match(message, /to the whole internet \(0\.0\.0\.0\/0, 11\.0\.0\.0\/8\)/);
    });

    it("classifies ranges by prefix and privacy", () => {
        const min = { ipv4: 16, ipv6: 48 };
        assert.ok(isBroadPublic(parseCidr("8.8.0.0/15")!, min));
        assert.ok(!isBroadPublic(parseCidr("8.8.8.8")!, min));
        assert.ok(!isBroadPublic(parseCidr("169.254.0.0/16")!, min));
    });
});

describe("database ingress: exemptCidrs never exempt what covers the internet", () => {
    const halves = () => [group([tcp5432(["0.0.0.0/1", "128.0.0.0/1"])])];
    const noBroad = { minPublicPrefixIpv4: 0, minPublicPrefixIpv6: 0 };

    it("an exemption drops a source inside it from the union", () => {
        assert.strictEqual(messages(halves(), RESOURCE, { ...noBroad, exemptCidrs: ["128.0.0.0/1"] }).length, 0);
        const exemptions = effectiveExemptions(["203.0.113.0/24"], { ipv4: 16, ipv6: 48 });
        assert.deepStrictEqual(
            countedRanges(["203.0.113.0/25", "198.51.100.0/24", "0.0.0.0/0"], exemptions).map((r) => r.start),
            [parseCidr("198.51.100.0/24")!.start, 0n],
        );
    });

    it("exemptions that together cover a family are all ignored for that family", () => {
        assert.strictEqual(messages(halves(), RESOURCE, { ...noBroad, exemptCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }).length, 1);
        const v6 = [group([{ protocol: "tcp", fromPort: 5432, toPort: 5432, ipv6CidrBlocks: ["::/1", "8000::/1"] }])];
        assert.strictEqual(messages(v6, RESOURCE, { ...noBroad, exemptCidrs: ["::/1", "8000::/1", "10.0.0.0/8"] }).length, 1);
        // The IPv4 exemption survives: only the family that is covered is voided.
        assert.strictEqual(effectiveExemptions(["::/1", "8000::/1", "10.0.0.0/8"], { ipv4: 0, ipv6: 0 }).length, 1);
    });

    it("a /0 or a broad public range is never an exemption", () => {
        assert.strictEqual(messages([rule("0.0.0.0/0")], RESOURCE, { exemptCidrs: ["0.0.0.0/0"] }).length, 1);
        assert.strictEqual(messages(halves(), RESOURCE, { exemptCidrs: ["128.0.0.0/1"] }).length, 1);
        assert.strictEqual(messages([rule("11.0.0.0/8")], RESOURCE, { exemptCidrs: ["11.0.0.0/8"] }).length, 1);
        assert.strictEqual(messages([rule("11.1.0.0/16")], RESOURCE, { exemptCidrs: ["11.1.0.0/16"] }).length, 0);
    });
});

describe("database ingress: prefix lists", () => {
    const list = (cidrs: string[], id = "pl-1", name?: string) =>
        resource(TYPES.managedPrefixList, { addressFamily: "IPv4", maxEntries: 5, entries: cidrs.map((cidr) => ({ cidr })) }, { outputs: { id }, name });

    it("resolves a list declared in the stack: a world-open entry is reported by the stack policy only", () => {
        const resources = [list(["0.0.0.0/0"]), rule("", { cidrIpv4: undefined, prefixListId: "pl-1" })];
        assert.deepStrictEqual(messages(resources, RESOURCE), []);
        const [message, ...rest] = messages(resources, STACK);
        assert.deepStrictEqual(rest, []);
        assert.match(message, /^Security group sg-db: rules r\d+ \(prefix list pl-1\) opens database port 5432 \(PostgreSQL\) to the whole internet/);
    });

    it("passes a list of private ranges, and reads standalone ManagedPrefixListEntry resources", () => {
        assert.deepStrictEqual(messages([list(["10.0.0.0/8"]), rule("", { prefixListId: "pl-1" })], STACK), []);
        const entry = resource(TYPES.managedPrefixListEntry, { prefixListId: "pl-1", cidr: "0.0.0.0/0" });
        assert.strictEqual(messages([list(["10.0.0.0/8"]), entry, rule("", { prefixListId: "pl-1" })], STACK).length, 1);
    });

    it("resolves inline prefixListIds of a group, and a list whose id is unknown in a preview by dependency", () => {
        assert.strictEqual(messages([list(["11.0.0.0/8"]), group([{ protocol: "-1", prefixListIds: ["pl-1"] }])], STACK).length, 1);
        const pending = list(["0.0.0.0/0"], UNKNOWN, "pending");
        const viaDependency = rule("", { prefixListId: UNKNOWN }, { propertyDependencies: { prefixListId: [pending.urn] } });
        assert.strictEqual(messages([pending, viaDependency], STACK).length, 1);
    });

    it("reports a list it cannot see as not evaluated, never as passed, and only on database ports", () => {
        const evaluation = evaluatePolicies([
            rule("", { prefixListId: "pl-0123456789abcdef0" }),
            rule("0.0.0.0/0", { securityGroupId: "sg-web", fromPort: 443, toPort: 443 }),
        ]);
        assert.deepStrictEqual(evaluation.violations, []);
        assert.deepStrictEqual(
            evaluation.notEvaluated.map((n) => [n.policyName, n.reason]),
            [[STACK, "not evaluated: r" + (counter - 1) + " admits prefix list pl-0123456789abcdef0, which is not declared in this stack"]],
        );
        const https = evaluatePolicies([rule("", { prefixListId: "pl-0123456789abcdef0", fromPort: 443, toPort: 443 })]);
        assert.deepStrictEqual(https.notEvaluated, []);
    });
});

describe("database ingress: inline and standalone rules of one group, and preview-time group ids", () => {
    const noBroad = { minPublicPrefixIpv4: 0 };

    it("takes a group's inline rules and its standalone rules together", () => {
        const resources = [group([tcp5432(["0.0.0.0/1"])], "sg-db", "rds"), rule("128.0.0.0/1")];
        assert.deepStrictEqual(messages(resources, RESOURCE, noBroad), []);
        const [message] = messages(resources, STACK, noBroad);
        assert.match(message, /^Security group sg-db: rules rds ingress\[0\] \+ r\d+ opens database port 5432 \(PostgreSQL\) to the whole internet/);
        assert.deepStrictEqual(messages([group([tcp5432(["0.0.0.0/1"])], "sg-other"), rule("128.0.0.0/1")], STACK, noBroad), []);
    });

    it("groups standalone rules by the group their securityGroupId depends on when the id is unknown", () => {
        const pending = group([], UNKNOWN, "pending-sg");
        const other = group([], UNKNOWN, "other-sg");
        const on = (sg: ResourceUnderCheck, cidr: string) => rule(cidr, { securityGroupId: UNKNOWN }, { propertyDependencies: { securityGroupId: [sg.urn] } });
        const [message, ...rest] = messages([pending, other, on(pending, "0.0.0.0/1"), on(pending, "128.0.0.0/1")], STACK, noBroad);
        assert.deepStrictEqual(rest, []);
        assert.match(message, /^Security group pending-sg: rules r\d+ \+ r\d+ opens database port 5432/);
        assert.deepStrictEqual(messages([pending, other, on(pending, "0.0.0.0/1"), on(other, "128.0.0.0/1")], STACK, noBroad), []);
    });
});

describe("database ingress: no duplicate report from the across-rules policy", () => {
    it("leaves a group to the resource policy when one of its resources is world-open by itself", () => {
        const resources = [group([tcp5432(["0.0.0.0/0"])]), rule("", { cidrIpv4: undefined, referencedSecurityGroupId: "sg-app" }), rule("0.0.0.0/0")];
        assert.strictEqual(messages(resources, RESOURCE).length, 2);
        assert.deepStrictEqual(messages(resources, STACK), []);
    });

    it("still reports halves when the group's ingress output lists them (AWS reads standalone rules into it)", () => {
        const absorbed = group([tcp5432(["0.0.0.0/1"]), tcp5432(["128.0.0.0/1"])]);
        const resources = [
            { ...absorbed, inputs: { ingress: [] }, outputs: { id: "sg-db", ingress: absorbed.inputs.ingress } },
            rule("0.0.0.0/1"),
            rule("128.0.0.0/1"),
        ];
        assert.strictEqual(messages(resources, STACK, { minPublicPrefixIpv4: 0 }).length, 1);
    });
});

describe("database ingress: data-store ports from the stack's own config", () => {
    const stackConfig = { "egress-remediation:appRunner": { dataStores: { postgresPort: 15432, redisPort: 16379 } } };
    const on = (port: number) => rule("0.0.0.0/0", { fromPort: port, toPort: port });

    it("blocks PostgreSQL moved to 15432 when the stack's config says so, and only then", () => {
        assert.match(messages([on(15432)], RESOURCE, {}, stackConfig)[0], /opens database port 15432 to the whole internet/);
        assert.strictEqual(messages([on(16379)], RESOURCE, {}, stackConfig).length, 1);
        assert.deepStrictEqual(messages([on(15432)], RESOURCE), []);
        assert.deepStrictEqual(messages([on(15433)], RESOURCE, {}, stackConfig), []);
    });

    it("reads PULUMI_CONFIG as the CLI writes it (objects as JSON text) and ignores what is not a port", () => {
        assert.deepStrictEqual(
            stackDataStorePorts(JSON.stringify({ "egress-remediation:appRunner": JSON.stringify({ dataStores: { postgresPort: 15432 } }) })),
            [15432],
        );
        assert.deepStrictEqual(
            stackDataStorePorts(JSON.stringify({ "egress-remediation:appRunner": '{"dataStores":{"postgresPort":70000,"redisPort":"x"}}' })),
            [],
        );
        assert.deepStrictEqual(stackDataStorePorts("not json"), []);
        assert.deepStrictEqual(stackDataStorePorts(undefined), []);
    });

    it("the offline plan of the real program blocks postgresPort 15432 with a world-open cidrSource", async function () {
        this.timeout(60_000); // the whole program under mocks
        const plan = await buildPlan(
            "prod",
            {},
            hardened((config) => {
                const appRunner = config["egress-remediation:appRunner"] as { dataStores: Record<string, unknown> };
                appRunner.dataStores = { postgresPort: 15432, redisPort: 6379, cidrSources: { everyone: "0.0.0.0/0" } };
            }),
        );
        const world = plan.evaluation.violations.filter((v) => v.policyName === RESOURCE).map((v) => v.message);
        assert.strictEqual(world.length, 2);
        assert.ok(world.some((m) => /port 15432 to the whole internet/.test(m)));
        assert.ok(world.some((m) => /port 6379 \(Redis\) to the whole internet/.test(m)));
    });
});
