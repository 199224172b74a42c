import { createHash } from "crypto";
import { resourcesOfType } from "../account";
import { AwsError } from "../awsError";
import { arn, Behaviour, inventHex, requireExisting } from "../behaviour";
import { routesOf } from "../network";
import { T } from "../tokens";

const EC2 = "EC2";

export const routeTable: Behaviour = {
    create(ctx, inputs) {
        requireExisting(ctx, T.vpc, inputs.vpcId, { service: EC2, operation: "CreateRouteTable", code: "InvalidVpcID.NotFound", what: "vpc ID" });
        const id = `rtb-${inventHex(ctx.data, 17)}`;
        return { id, computed: { arn: arn(ctx, "ec2", `route-table/${id}`), ownerId: ctx.accountId } };
    },
    delete(ctx, resource) {
        const associated = resourcesOfType(ctx.data, T.routeTableAssociation).filter((a) => a.inputs.routeTableId === resource.id);
        if (resource.outputs.main === true || associated.length > 0) {
            throw new AwsError(EC2, "DeleteRouteTable", "DependencyViolation", `The routeTable '${resource.id}' has dependencies and cannot be deleted.`);
        }
        ctx.data.resources = ctx.data.resources.filter((r) => r.type !== T.route || r.inputs.routeTableId !== resource.id);
    },
    derived(ctx, resource) {
        return { routes: routesOf(ctx.data, resource) };
    },
};

export const route: Behaviour = {
    create(ctx, inputs) {
        const operation = "CreateRoute";
        const table = requireExisting(ctx, T.routeTable, inputs.routeTableId, {
            service: EC2,
            operation,
            code: "InvalidRouteTableID.NotFound",
            what: "route table ID",
        });
        if (inputs.natGatewayId)
            requireExisting(ctx, T.natGateway, inputs.natGatewayId, { service: EC2, operation, code: "InvalidNatGatewayID.NotFound", what: "NAT gateway ID" });
        if (inputs.gatewayId)
            requireExisting(ctx, T.internetGateway, inputs.gatewayId, { service: EC2, operation, code: "InvalidGatewayID.NotFound", what: "gateway ID" });
        if (routesOf(ctx.data, table).some((r) => r.destinationCidrBlock === inputs.destinationCidrBlock)) {
            throw new AwsError(EC2, operation, "RouteAlreadyExists", `The route identified by ${inputs.destinationCidrBlock} already exists.`);
        }
        // The provider's route id: the table id and a hash of the destination.
        const hash = parseInt(createHash("sha1").update(String(inputs.destinationCidrBlock)).digest("hex").slice(0, 8), 16);
        return { id: `r-${table.id}${hash}`, computed: { state: "active", origin: "CreateRoute" } };
    },
    update(ctx, _resource, inputs) {
        if (inputs.natGatewayId)
            requireExisting(ctx, T.natGateway, inputs.natGatewayId, {
                service: EC2,
                operation: "ReplaceRoute",
                code: "InvalidNatGatewayID.NotFound",
                what: "NAT gateway ID",
            });
        return {};
    },
    // `pulumi import` takes a route as `<table id>_<destination>`.
    findByImportId(ctx, id) {
        const [tableId, destination] = id.split("_");
        return resourcesOfType(ctx.data, T.route).find((r) => r.inputs.routeTableId === tableId && r.inputs.destinationCidrBlock === destination);
    },
};

export const routeTableAssociation: Behaviour = {
    create(ctx, inputs) {
        const operation = "AssociateRouteTable";
        requireExisting(ctx, T.routeTable, inputs.routeTableId, { service: EC2, operation, code: "InvalidRouteTableID.NotFound", what: "route table ID" });
        requireExisting(ctx, T.subnet, inputs.subnetId, { service: EC2, operation, code: "InvalidSubnetID.NotFound", what: "subnet ID" });
        const existing = resourcesOfType(ctx.data, T.routeTableAssociation).find((a) => a.inputs.subnetId === inputs.subnetId);
        if (existing) {
            throw new AwsError(
                EC2,
                operation,
                "Resource.AlreadyAssociated",
                `the specified association for route table ${String(inputs.routeTableId)} conflicts with an existing association (${existing.id}, subnet ${String(inputs.subnetId)} → ${String(existing.inputs.routeTableId)})`,
            );
        }
        return { id: `rtbassoc-${inventHex(ctx.data, 17)}`, computed: {} };
    },
    update(ctx, _resource, inputs) {
        requireExisting(ctx, T.routeTable, inputs.routeTableId, {
            service: EC2,
            operation: "ReplaceRouteTableAssociation",
            code: "InvalidRouteTableID.NotFound",
            what: "route table ID",
        });
        return {};
    },
    // `pulumi import` takes an association as `<subnet id>/<table id>`.
    findByImportId(ctx, id) {
        const [subnetId, tableId] = id.split("/");
        return resourcesOfType(ctx.data, T.routeTableAssociation).find((a) => a.inputs.subnetId === subnetId && a.inputs.routeTableId === tableId);
    },
};

export const eip: Behaviour = {
    create(ctx) {
        const id = `eipalloc-${inventHex(ctx.data, 17)}`;
        const octets = inventHex(ctx.data, 4)
            .match(/../g)!
            .map((h) => parseInt(h, 16));
        const publicIp = `3.${octets[0]}.${octets[1]}.${octets[2] || 1}`;
        return { id, computed: { allocationId: id, publicIp, domain: "vpc", publicDns: `ec2-${publicIp.replace(/\./g, "-")}.compute-1.amazonaws.com` } };
    },
};

export const natGateway: Behaviour = {
    create(ctx, inputs) {
        const operation = "CreateNatGateway";
        requireExisting(ctx, T.subnet, inputs.subnetId, { service: EC2, operation, code: "InvalidSubnetID.NotFound", what: "subnet ID" });
        const isPublic = (inputs.connectivityType ?? "public") === "public";
        let publicIp: unknown;
        if (isPublic) {
            const address = requireExisting(ctx, T.eip, inputs.allocationId, {
                service: EC2,
                operation,
                code: "InvalidAllocationID.NotFound",
                what: "allocation ID",
            });
            const inUse = resourcesOfType(ctx.data, T.natGateway).find((n) => n.inputs.allocationId === inputs.allocationId);
            if (inUse)
                throw new AwsError(
                    EC2,
                    operation,
                    "Resource.AlreadyAssociated",
                    `Elastic IP address [${String(inputs.allocationId)}] is already associated (${inUse.id})`,
                );
            publicIp = address.outputs.publicIp;
        }
        const id = `nat-${inventHex(ctx.data, 17)}`;
        return {
            id,
            computed: {
                connectivityType: isPublic ? "public" : "private",
                publicIp,
                privateIp: "10.0.1.23",
                networkInterfaceId: `eni-${inventHex(ctx.data, 17)}`,
            },
        };
    },
};

/** Objects the seeds record but the program never creates: only read, never made here. */
export function recordedOnly(what: string): Behaviour {
    return {
        create() {
            throw new Error(`the simulated account does not create ${what}: it only holds the recorded ones`);
        },
    };
}
