import * as assert from "assert";
import { TYPES } from "../policies/lib/resourceTypes";
import { evaluatePolicies, ResourceUnderCheck } from "../tools/offline/evaluatePolicies";
import { resource, violationsOf } from "./policyResources";

// apprunner-vpc-egress-has-nat: which connector, which subnets, which route and which NAT it judges,
// in a preview (ids unknown, matched by dependency) and with an awsx VPC.

const P = "apprunner-vpc-egress-has-nat";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const MISSING = (subnets: string, verb = "has") =>
    `App Runner service api has VPC egress, but connector subnet${subnets.includes(",") ? "s" : ""} ${subnets} ${verb} no 0.0.0.0/0 route to a NAT gateway in a public subnet: ` +
    "calls to the internet (e.g. Twilio) will time out. Add a NAT gateway and route the connector subnets to it (VpcEgress does).";

const vpcService = (arn: string, dependsOn: ResourceUnderCheck[] = []) =>
    resource(
        TYPES.appRunnerService,
        { networkConfiguration: { egressConfiguration: { egressType: "VPC", vpcConnectorArn: arn } } },
        { name: "api", propertyDependencies: { networkConfiguration: dependsOn.map((r) => r.urn) } },
    );
const connectorOn = (subnets: unknown, arn: string, extra: Partial<ResourceUnderCheck> = {}) =>
    resource(TYPES.vpcConnector, { subnets }, { outputs: { arn }, ...extra });

/** A table routed 0.0.0.0/0 to a public NAT, associated with `subnet`; known ids. */
function routedSubnet(subnet: string, n: number): ResourceUnderCheck[] {
    return [
        resource(TYPES.natGateway, { subnetId: "subnet-public" }, { outputs: { id: `nat-${n}` } }),
        resource(TYPES.routeTable, {}, { outputs: { id: `rtb-${n}` } }),
        resource(TYPES.route, { routeTableId: `rtb-${n}`, destinationCidrBlock: "0.0.0.0/0", natGatewayId: `nat-${n}` }),
        resource(TYPES.routeTableAssociation, { subnetId: subnet, routeTableId: `rtb-${n}` }),
    ];
}

describe("apprunner-vpc-egress-has-nat: the connector it judges", () => {
    it("the connector the service names by ARN, not the first connector of the stack", () => {
        const good = connectorOn(["subnet-good"], "arn:good");
        const bad = connectorOn(["subnet-bad"], "arn:bad");
        assert.deepStrictEqual(violationsOf([good, bad, vpcService("arn:bad"), ...routedSubnet("subnet-good", 1)], P), [MISSING("subnet-bad")]);
        assert.deepStrictEqual(violationsOf([good, bad, vpcService("arn:good"), ...routedSubnet("subnet-good", 1)], P), []);
    });

    it("in a preview, the connector the service depends on, even when another new connector (no ARN yet) comes first", () => {
        const good = connectorOn(["subnet-good"], UNKNOWN);
        const bad = connectorOn(["subnet-bad"], UNKNOWN);
        const routes = routedSubnet("subnet-good", 2);
        assert.deepStrictEqual(violationsOf([good, bad, vpcService(UNKNOWN, [bad]), ...routes], P), [MISSING("subnet-bad")]);
        assert.deepStrictEqual(violationsOf([bad, good, vpcService(UNKNOWN, [good]), ...routes], P), []);
        const nat = resource(TYPES.natGateway, { subnetId: "subnet-public" }, { outputs: { id: UNKNOWN } });
        assert.deepStrictEqual(violationsOf([nat, bad, vpcService(UNKNOWN, [bad])], P), [MISSING("subnet-bad")], "a NAT listed first is no connector");
    });

    it("names the service whose connector is not in the stack", () => {
        assert.deepStrictEqual(violationsOf([vpcService("arn:elsewhere")], P), [
            "App Runner service api egresses through a VPC connector that is not in this stack, so its subnets' NAT routes cannot be checked; manage the connector here.",
        ]);
    });
});

describe("apprunner-vpc-egress-has-nat: routes and NAT gateways in a preview", () => {
    const newNat = (extra: Record<string, unknown> = {}) => resource(TYPES.natGateway, { subnetId: "subnet-public", ...extra }, { outputs: { id: UNKNOWN } });
    const newTable = () => resource(TYPES.routeTable, {}, { outputs: { id: UNKNOWN } });
    const routeTo = (table: ResourceUnderCheck, nat: ResourceUnderCheck, tableDeps = [table.urn]) =>
        resource(
            TYPES.route,
            { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", natGatewayId: UNKNOWN },
            { propertyDependencies: { routeTableId: tableDeps, natGatewayId: [nat.urn] } },
        );
    const associate = (table: ResourceUnderCheck) =>
        resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: UNKNOWN }, { propertyDependencies: { routeTableId: [table.urn] } });
    const connector = () => connectorOn(["subnet-a"], "arn:conn");

    it("a route to a private NAT does not count because a public NAT with an unknown id also exists", () => {
        const table = newTable();
        const privateNat = newNat({ connectivityType: "private" });
        const resources = [connector(), vpcService("arn:conn"), newNat(), privateNat, table, routeTo(table, privateNat), associate(table)];
        assert.deepStrictEqual(violationsOf(resources, P), [MISSING("subnet-a")]);
    });

    it("a route whose table id is computed from the table and another output still belongs to that table", () => {
        const table = newTable();
        const vpc = resource("aws:ec2/vpc:Vpc", {}, { outputs: { id: UNKNOWN } });
        const nat = newNat();
        const resources = [connector(), vpcService("arn:conn"), nat, table, routeTo(table, nat, [vpc.urn, table.urn]), associate(table), vpc];
        assert.deepStrictEqual(violationsOf(resources, P), []);
    });

    it("a route whose table id is still unknown belongs to the existing table it depends on", () => {
        const table = resource(TYPES.routeTable, {}, { outputs: { id: "rtb-existing" } });
        const nat = resource(TYPES.natGateway, { subnetId: "subnet-public" }, { outputs: { id: "nat-1" } });
        const route = resource(
            TYPES.route,
            { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
            { propertyDependencies: { routeTableId: [table.urn] } },
        );
        const association = resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: "rtb-existing" });
        assert.deepStrictEqual(violationsOf([connector(), vpcService("arn:conn"), nat, table, route, association], P), []);
    });

    it("skips an empty entry among a table's inline routes", () => {
        const nat = resource(TYPES.natGateway, { subnetId: "subnet-public" }, { outputs: { id: "nat-5" } });
        const table = resource(TYPES.routeTable, { routes: [null, { cidrBlock: "0.0.0.0/0", natGatewayId: "nat-5" }] }, { outputs: { id: "rtb-5" } });
        const association = resource(TYPES.routeTableAssociation, { subnetId: "subnet-a", routeTableId: "rtb-5" });
        assert.deepStrictEqual(violationsOf([connector(), vpcService("arn:conn"), nat, table, association], P), []);
    });

    it("another resource in the connector subnet (a bastion) is not its route-table association", () => {
        const bastion = resource("aws:ec2/instance:Instance", { subnetId: "subnet-a" });
        assert.deepStrictEqual(violationsOf([connector(), vpcService("arn:conn"), bastion, ...routedSubnet("subnet-a", 3)], P), []);
    });

    it("lists every subnet without a route, in the plural", () => {
        const both = connectorOn(["subnet-a", "subnet-b"], "arn:conn");
        assert.deepStrictEqual(violationsOf([both, vpcService("arn:conn")], P), [MISSING("subnet-a, subnet-b", "have")]);
    });
});

describe("apprunner-vpc-egress-has-nat: connector subnets of an awsx VPC", () => {
    const vpc = (inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
        resource(TYPES.awsxVpc, inputs, { name: "vpc", outputs: { privateSubnetIds: ["subnet-a", "subnet-b"], ...outputs } });
    const NONE = "App Runner service api: connector conn uses subnets of vpc, whose natGateways strategy is None; the service cannot reach the internet.";
    const check = (awsx: ResourceUnderCheck, subnets: unknown = ["subnet-a"], extra: Partial<ResourceUnderCheck> = {}) =>
        violationsOf([awsx, connectorOn(subnets, "arn:conn", { name: "conn", ...extra }), vpcService("arn:conn")], P);

    it("judges the VPC's NAT strategy, as an input or from the NAT gateways it made, not the routes (awsx makes them inside)", () => {
        assert.deepStrictEqual(check(vpc({ natGateways: { strategy: "None" } })), [NONE]);
        assert.deepStrictEqual(check(vpc({ natGateways: { strategy: "Single" } })), []);
        assert.deepStrictEqual(check(vpc({})), [], "awsx's default strategy makes NAT gateways");
        assert.deepStrictEqual(check(vpc({}, { natGateways: [] })), [NONE]);
        assert.deepStrictEqual(check(vpc({}, { natGateways: [{ id: "nat-1" }] })), []);
    });

    it("finds the VPC by any one of its private subnets, or in a preview by the connector's dependency", () => {
        assert.deepStrictEqual(check(vpc({ natGateways: { strategy: "None" } }), ["subnet-b"]), [NONE]);
        const pending = vpc({ natGateways: { strategy: "None" } }, { privateSubnetIds: UNKNOWN });
        assert.deepStrictEqual(check(pending, UNKNOWN, { propertyDependencies: { subnets: [pending.urn] } }), [NONE]);
    });

    it("ignores an awsx VPC whose subnets the connector does not use, nor depends on", () => {
        const other = vpc({ natGateways: { strategy: "None" } }, { privateSubnetIds: ["subnet-x"] });
        assert.deepStrictEqual(check(other, ["subnet-a"]), [MISSING("subnet-a")], "subnet-a has no route of its own");
        const subnet = resource("aws:ec2/subnet:Subnet", {}, { outputs: { id: "subnet-a" } });
        const connector = connectorOn(["subnet-a"], "arn:conn", { propertyDependencies: { subnets: [subnet.urn] } });
        assert.deepStrictEqual(violationsOf([other, subnet, connector, vpcService("arn:conn")], P), [MISSING("subnet-a")]);
    });

    it("does not take a plain subnet the connector depends on for an awsx VPC", () => {
        const subnet = resource("aws:ec2/subnet:Subnet", {}, { outputs: { id: "subnet-a" } });
        const connector = connectorOn(["subnet-a"], "arn:conn", { propertyDependencies: { subnets: [subnet.urn] } });
        assert.deepStrictEqual(violationsOf([subnet, connector, vpcService("arn:conn")], P), [MISSING("subnet-a")]);
    });
});

describe("apprunner-vpc-egress-has-nat: connector subnets known only after deployment", () => {
    it("is not evaluated, never passed, whether the list or one subnet in it is unknown", () => {
        for (const subnets of [UNKNOWN, ["subnet-a", UNKNOWN]]) {
            const connector = connectorOn(subnets, "arn:conn", { name: "conn" });
            const unrelatedVpc = resource(TYPES.awsxVpc, {}, { outputs: { privateSubnetIds: ["subnet-x"] } });
            const { violations, notEvaluated } = evaluatePolicies([unrelatedVpc, connector, vpcService("arn:conn"), ...routedSubnet("subnet-a", 4)]);
            assert.deepStrictEqual(
                violations.filter((v) => v.policyName === P),
                [],
            );
            assert.deepStrictEqual(
                notEvaluated.filter((n) => n.policyName === P).map((n) => n.reason),
                ["not evaluated: connector conn of App Runner service api has subnets known only after deployment"],
                JSON.stringify(subnets),
            );
        }
    });

    it("still reports the other services it could judge, and lists every one it could not", () => {
        const pending = connectorOn(UNKNOWN, "arn:pending", { name: "pending" });
        const other = connectorOn(["subnet-b"], "arn:other");
        const onPending = (name: string) =>
            resource(
                TYPES.appRunnerService,
                { networkConfiguration: { egressConfiguration: { egressType: "VPC", vpcConnectorArn: "arn:pending" } } },
                { name },
            );
        const { violations, notEvaluated } = evaluatePolicies([pending, other, onPending("web"), vpcService("arn:other"), onPending("jobs")]);
        assert.deepStrictEqual(
            violations.filter((v) => v.policyName === P).map((v) => v.message),
            [MISSING("subnet-b")],
        );
        assert.deepStrictEqual(
            notEvaluated.filter((n) => n.policyName === P).map((n) => n.reason),
            [
                "not evaluated: connector pending of App Runner service web has subnets known only after deployment; " +
                    "connector pending of App Runner service jobs has subnets known only after deployment",
            ],
        );
    });
});
