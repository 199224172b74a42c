import { Behaviour } from "../behaviour";
import { T } from "../tokens";
import { appRunnerService, vpcConnector } from "./appRunner";
import { ecsService, taskDefinition } from "./ecs";
import { role, rolePolicy, rolePolicyAttachment } from "./iamTypes";
import { logGroup, replicationGroup } from "./logsAndCache";
import { eip, natGateway, recordedOnly, route, routeTable, routeTableAssociation } from "./routing";
import { secret, secretVersion } from "./secretsManager";
import { egressRule, ingressRule, securityGroup } from "./securityGroups";

/** Every type the simulated account answers for; any other type is refused by name. */
export const BEHAVIOURS: Readonly<Record<string, Behaviour>> = {
    [T.vpc]: recordedOnly("VPCs"),
    [T.subnet]: recordedOnly("subnets"),
    [T.internetGateway]: recordedOnly("internet gateways"),
    [T.ecsCluster]: recordedOnly("ECS clusters"),
    [T.secret]: secret,
    [T.secretVersion]: secretVersion,
    [T.routeTable]: routeTable,
    [T.route]: route,
    [T.routeTableAssociation]: routeTableAssociation,
    [T.eip]: eip,
    [T.natGateway]: natGateway,
    [T.securityGroup]: securityGroup,
    [T.ingressRule]: ingressRule,
    [T.egressRule]: egressRule,
    [T.vpcConnector]: vpcConnector,
    [T.appRunnerService]: appRunnerService,
    [T.role]: role,
    [T.rolePolicy]: rolePolicy,
    [T.rolePolicyAttachment]: rolePolicyAttachment,
    [T.replicationGroup]: replicationGroup,
    [T.logGroup]: logGroup,
    [T.taskDefinition]: taskDefinition,
    [T.ecsService]: ecsService,
};
