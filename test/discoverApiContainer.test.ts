import * as assert from "assert";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { apiContainer } from "../tools/discover/ecs";

const container = (name: string, ...ports: number[]): ContainerDefinition => ({ name, portMappings: ports.map((containerPort) => ({ containerPort })) });
const chosen = (result: ReturnType<typeof apiContainer>) => ("problem" in result ? result.problem : `${result.container.name}:${result.port}`);

describe("discover: which container of the live task is the API", () => {
    const collector = container("collector", 4317);

    it("takes the load balancer's target and its port, wherever the container is listed", () => {
        assert.strictEqual(chosen(apiContainer([collector, container("api", 8000, 9090)], 8080, { containerName: "api", containerPort: 9090 })), "api:9090");
    });

    it("refuses a load balancer target the task does not have, rather than guessing", () => {
        assert.strictEqual(
            chosen(apiContainer([collector, container("api", 8000)], 8000, { containerName: "web", containerPort: 8000 })),
            "the load balancer targets container web, which the task definition does not have (it has collector, api)",
        );
    });

    it("without a load balancer: the only container on the configured port, else the only container", () => {
        assert.strictEqual(chosen(apiContainer([collector, container("api", 8000)], 8000)), "api:8000");
        assert.strictEqual(chosen(apiContainer([container("api", 8000)], 8080)), "api:8000");
        // Its port is unknown when it maps several and none is the configured one.
        assert.strictEqual(chosen(apiContainer([container("api", 8000, 9090)], 8080)), "api:undefined");
    });

    it("refuses when two containers map the configured port", () => {
        assert.strictEqual(
            chosen(apiContainer([container("a", 8000), container("b", 8000)], 8000)),
            "the service has no load balancer to say which container is the API, and 2 containers map port 8000 (a, b)",
        );
    });
});
