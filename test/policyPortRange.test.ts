import * as assert from "assert";
import { TYPES } from "../policies/lib/resourceTypes";
import { portSpan } from "../policies/lib/ports";
import { resource, violationsOf } from "./policyResources";

/** A range written high to low still covers the ports between its ends (AWS stores it as given). */
describe("port ranges written backwards", () => {
    it("are the same span as forwards", () => {
        assert.deepStrictEqual(portSpan("tcp", 6000, 5000), portSpan("tcp", 5000, 6000));
        assert.deepStrictEqual(portSpan("tcp", 6000, 5000), { allPorts: false, from: 5000, to: 6000, carriesPorts: true });
    });

    it("open to the internet, reach the database port inside them: on a group's inline rule and on a standalone rule", () => {
        const inline = resource(TYPES.securityGroup, { ingress: [{ protocol: "tcp", fromPort: 6000, toPort: 5000, cidrBlocks: ["0.0.0.0/0"] }] });
        assert.strictEqual(violationsOf([inline], "no-world-open-database-ingress").length, 1);
        const standalone = resource(TYPES.ingressRule, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 5433, toPort: 5431, cidrIpv4: "0.0.0.0/0" });
        assert.match(violationsOf([standalone], "no-world-open-database-ingress").join("\n"), /5432/);
        const clear = resource(TYPES.ingressRule, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 5431, toPort: 5400, cidrIpv4: "0.0.0.0/0" });
        assert.deepStrictEqual(violationsOf([clear], "no-world-open-database-ingress"), []);
    });
});
