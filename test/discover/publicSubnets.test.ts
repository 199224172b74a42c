import * as assert from "assert";
import { parse } from "yaml";
import {
    AllocateAddressCommand,
    AssociateRouteTableCommand,
    AttachInternetGatewayCommand,
    CreateInternetGatewayCommand,
    CreateNatGatewayCommand,
    CreateRouteCommand,
    CreateRouteTableCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { stackText, useMotoWorld } from "./harness";
import { projectDir, seededConnector } from "./world";

/** A second VPC: connector subnets in us-east-1a and b, a public subnet in each, and one routed to a NAT gateway. */
interface SecondVpc {
    readonly vpcId: string;
    readonly connector: [string, string];
    readonly publicA: string;
    readonly publicB: string;
    readonly natRouted: string;
    readonly natId: string;
    /** A connector subnet in us-east-1c, where no subnet is public. */
    readonly connectorC: string;
}

describe("discover: the NAT's public subnets, one rule for a configured subnet that fails its check", function () {
    const env = useMotoWorld();
    let vpc: SecondVpc;

    before(async () => {
        const ec2 = new EC2Client(await env.clientConfig("appRunner"));
        const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }))).Vpc!.VpcId!;
        const subnet = async (cidr: string, az: string) =>
            (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
        const connector: [string, string] = [await subnet("10.50.1.0/24", "us-east-1a"), await subnet("10.50.2.0/24", "us-east-1b")];
        const publicA = await subnet("10.50.11.0/24", "us-east-1a");
        const publicB = await subnet("10.50.12.0/24", "us-east-1b");
        const natRouted = await subnet("10.50.21.0/24", "us-east-1a");
        const connectorC = await subnet("10.50.3.0/24", "us-east-1c");
        const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
        await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
        const table = async (route: { GatewayId?: string; NatGatewayId?: string }, subnets: string[]) => {
            const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
            await ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: "0.0.0.0/0", ...route }));
            for (const s of subnets) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: s }));
        };
        await table({ GatewayId: igw }, [publicA, publicB]);
        const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
        const natId = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicA, AllocationId: eip }))).NatGateway!.NatGatewayId!;
        await table({ NatGatewayId: natId }, [natRouted]);
        vpc = { vpcId, connector, connectorC, publicA, publicB, natRouted, natId };
    });

    /** The stack file on the second VPC, with `publicSubnetIds` and `natMode` as given. */
    function onSecondVpc(publicSubnetIds: string[], natMode: string): string {
        const { appRunner } = env.world;
        return projectDir(env.world, (t) =>
            t
                .split(appRunner.vpcId)
                .join(vpc.vpcId)
                .split(appRunner.connectorSubnetIds[0])
                .join(vpc.connector[0])
                .split(appRunner.connectorSubnetIds[1])
                .join(vpc.connector[1])
                .replace(
                    `      publicSubnetIds:\n        - ${appRunner.privateSubnetId}\n`,
                    `      publicSubnetIds:\n${publicSubnetIds.map((id) => `        - ${id}\n`).join("")}`,
                )
                .replace("      natMode: single\n", `      natMode: ${natMode}\n`),
        );
    }
    const connectors = () => [seededConnector(env.world, { Subnets: [...vpc.connector] })];
    const network = (dir: string) => parse(stackText(dir)).config["egress-remediation:appRunner"].network;

    it("perAz without subnetAzs: reads the stack file anyway, adds a public subnet for each connector AZ and writes every AZ", async () => {
        const dir = onSecondVpc([vpc.publicA], "perAz");
        const run = await discoverOk(dir);
        assert.ok(
            run.out.includes(`warn  appRunner.network.publicSubnetIds has no subnet in us-east-1b, where a connector subnet is; natMode perAz needs one there`),
            run.out,
        );
        assert.deepStrictEqual(network(dir).publicSubnetIds, [vpc.publicA, vpc.publicB]);
        assert.deepStrictEqual(network(dir).subnetAzs, {
            [vpc.connector[0]]: "us-east-1a",
            [vpc.connector[1]]: "us-east-1b",
            [vpc.publicA]: "us-east-1a",
            [vpc.publicB]: "us-east-1b",
        });
    });

    it("perAz with good public subnets: keeps them and still fills in subnetAzs", async () => {
        const dir = onSecondVpc([vpc.publicB, vpc.publicA], "perAz");
        const run = await discoverOk(dir);
        assert.ok(!run.out.includes("appRunner.network.publicSubnetIds:"), run.out);
        assert.deepStrictEqual(network(dir).publicSubnetIds, [vpc.publicB, vpc.publicA]);
        assert.strictEqual(Object.keys(network(dir).subnetAzs).length, 4);
    });

    it("perAz with a connector subnet in an AZ without a public subnet: fails the check, shows the report, writes nothing", async () => {
        const dir = onSecondVpc([vpc.publicA], "perAz");
        const before = stackText(dir);
        const run = await env.discover(dir, { write: true, connectors: [seededConnector(env.world, { Subnets: [vpc.connector[0], vpc.connectorC] })] });
        assert.strictEqual(run.code, 1, run.out + run.err);
        assert.strictEqual(run.err, "");
        assert.ok(
            run.out.includes(
                `FAIL  no subnet of ${vpc.vpcId} routes 0.0.0.0/0 to an internet gateway in every connector subnet's AZ; a NAT gateway needs one (create a public subnet first)`,
            ),
            run.out,
        );
        assert.match(run.out, /Not written: 1 check\(s\) failed/);
        assert.strictEqual(stackText(dir), before);
    });

    it("a configured subnet routed to a NAT is a warn, and --write replaces it with one routed to the internet gateway", async () => {
        const dir = onSecondVpc([vpc.natRouted], "single");
        const run = await discoverOk(dir);
        assert.ok(
            run.out.includes(
                `warn  public subnet ${vpc.natRouted} (appRunner.network.publicSubnetIds) routes 0.0.0.0/0 to ${vpc.natId}, not to an internet gateway`,
            ),
            run.out,
        );
        assert.ok(!run.out.includes("FAIL"), run.out);
        assert.deepStrictEqual(network(dir).publicSubnetIds, [vpc.publicA]);
    });

    async function discoverOk(dir: string) {
        const run = await env.discover(dir, { write: true, connectors: connectors() });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.match(run.out, /Wrote Pulumi\.prod\.yaml/);
        return run;
    }
});
