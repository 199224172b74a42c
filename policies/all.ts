import { Policies } from "@pulumi/policy";
import { appRunnerHealthCheckWithinLimits, appRunnerInstanceSizeAllowed, ecsCircuitBreakerRollsBack, imagesPinned, logGroupsHaveRetention } from "./compute";
import { elasticacheNotInDefaultSecurityGroup, rdsNotPubliclyAccessible } from "./dataStores";
import { noWorldOpenDatabaseIngress, noWorldOpenDatabaseIngressAcrossRules } from "./databaseIngress";
import { appRunnerVpcEgressHasNat } from "./network";
import { withExemptions } from "./lib/exemptions";
import { skippingUncreated } from "./lib/untargeted";

/** Every policy of the pack, importable without starting the pack's gRPC server. */
export const policies: Policies = (
    [
        noWorldOpenDatabaseIngress,
        noWorldOpenDatabaseIngressAcrossRules,
        appRunnerVpcEgressHasNat,
        rdsNotPubliclyAccessible,
        elasticacheNotInDefaultSecurityGroup,
        appRunnerHealthCheckWithinLimits,
        appRunnerInstanceSizeAllowed,
        ecsCircuitBreakerRollsBack,
        imagesPinned,
        logGroupsHaveRetention,
    ] as const
).map((policy) => skippingUncreated(withExemptions(policy)));

export const PACK_NAME = "egress-remediation-guard";
