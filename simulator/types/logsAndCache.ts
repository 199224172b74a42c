import { findResource } from "../account";
import { AwsError } from "../awsError";
import { arn, asList, Behaviour } from "../behaviour";
import { T } from "../tokens";

export const logGroup: Behaviour = {
    autoName: "name",
    create(ctx, inputs) {
        if (findResource(ctx.data, T.logGroup, String(inputs.name))) {
            throw new AwsError("CloudWatch Logs", "CreateLogGroup", "ResourceAlreadyExistsException", "The specified log group already exists");
        }
        return { id: String(inputs.name), computed: { arn: arn(ctx, "logs", `log-group:${inputs.name}`) } };
    },
};

export const replicationGroup: Behaviour = {
    create(ctx, inputs) {
        const id = String(inputs.replicationGroupId);
        if (findResource(ctx.data, T.replicationGroup, id)) {
            throw new AwsError("ElastiCache", "CreateReplicationGroup", "ReplicationGroupAlreadyExists", `Replication group ${id} already exists.`);
        }
        return { id, computed: { arn: arn(ctx, "elasticache", `replicationgroup:${id}`) } };
    },
    update(ctx, _resource, inputs) {
        for (const group of asList(inputs.securityGroupIds)) {
            if (!findResource(ctx.data, T.securityGroup, group)) {
                throw new AwsError("ElastiCache", "ModifyReplicationGroup", "InvalidParameterValue", `Some security group Id(s) are invalid: ${group}`);
            }
        }
        return {};
    },
};
