import * as assert from "assert";
import { parse } from "yaml";
import { APP_RUNNER_ACCOUNT } from "./seedAccounts";
import { stackText, useMotoWorld } from "./harness";
import { CONNECTOR_ARN, projectDir, seededConnector } from "./world";

/** A second ACTIVE revision of the seeds' connector, as a re-created connector of the same name would be. */
const REVISION_2_ARN = `arn:aws:apprunner:us-east-1:${APP_RUNNER_ACCOUNT}:vpcconnector/nerava-vpc-connector/2/5f1c0002aaf341b8b426d7fa83d93ad8`;

describe("discover: the VPC connector revision adopted is the one the service uses", function () {
    const env = useMotoWorld();
    const twoRevisions = () => [seededConnector(env.world), seededConnector(env.world, { VpcConnectorArn: REVISION_2_ARN, VpcConnectorRevision: 2 })];

    it("keeps revision 1 while the service's egress uses it, although revision 2 is newer", async () => {
        const dir = projectDir(env.world);
        const run = await env.discover(dir, { write: true, connectors: twoRevisions().reverse(), egressConnectorArn: CONNECTOR_ARN });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.strictEqual(parse(stackText(dir)).config["egress-remediation:appRunner"].adopt.connectorArn, CONNECTOR_ARN);
        assert.ok(!run.out.includes("appRunner.adopt.connectorArn:"), "no change to the adopted connector");
    });

    it("moves to revision 2 when the service uses it, printing both ARNs whole", async () => {
        const dir = projectDir(env.world);
        const run = await env.discover(dir, { write: true, connectors: twoRevisions(), egressConnectorArn: REVISION_2_ARN });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.strictEqual(parse(stackText(dir)).config["egress-remediation:appRunner"].adopt.connectorArn, REVISION_2_ARN);
        assert.ok(
            run.out.includes(
                `  appRunner.adopt.connectorArn: "${CONNECTOR_ARN}" → "${REVISION_2_ARN}"\n      from apprunner:ListVpcConnectors nerava-vpc-connector revision 2, which nerava-backend uses\n`,
            ),
            run.out,
        );
    });

    it("refuses to choose between two revisions when the service uses neither", async () => {
        const dir = projectDir(env.world);
        const other = `arn:aws:apprunner:us-east-1:${APP_RUNNER_ACCOUNT}:vpcconnector/other/1/00000000000000000000000000000000`;
        const run = await env.discover(dir, { write: true, connectors: twoRevisions(), egressConnectorArn: other });
        assert.strictEqual(run.code, 1, run.out + run.err);
        assert.ok(
            run.out.includes(
                `FAIL  App Runner VPC connector nerava-vpc-connector (appRunner.connectorName): 2 ACTIVE revisions (revision 1 ${CONNECTOR_ARN}, revision 2 ${REVISION_2_ARN}) and the service's egress uses none of them`,
            ),
            run.out,
        );
        assert.ok(!run.out.includes("appRunner.adopt.connectorArn:"), run.out);
    });
});
