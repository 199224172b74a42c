// The `pulumi-resource-aws` plugin of the engine tests and the rehearsal: the simulated account behind
// the real engine. Started by the engine with the engine's address as its argument.
import * as fs from "fs";
import * as path from "path";
import { main } from "@pulumi/pulumi/provider";
import { AccountFile } from "./account";
import { ProviderSettings, SimulatedAws } from "./provider";
import { settingsFromConfiguration } from "./providerConfig";

// The version of @pulumi/aws the program pins: the engine asks for the plugin of that version.
const AWS_PLUGIN_VERSION = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")) as { version: string }).version;

let settings: ProviderSettings | undefined;
const account = AccountFile.fromEnvironment();

/** A module as @pulumi/pulumi itself resolves it, so patches reach the instance its provider server uses. */
function sdkModule(name: string): any {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the path is only known at run time
    return require(require.resolve(name, { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
}

/**
 * Two gaps of the SDK's provider server, closed around its handlers on the same gRPC module instance:
 * Configure does not pass its arguments on, but the region and the allowed account ids decide where a
 * resource lives (and an account the config does not allow is refused); and Read assumes properties,
 * which the engine does not send when it imports a resource.
 */
function patchProviderServer(): void {
    const grpc = sdkModule("@grpc/grpc-js");
    const { Struct } = sdkModule("google-protobuf/google/protobuf/struct_pb");
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, implementation: Record<string, any>) {
        const read = implementation.read.bind(implementation);
        implementation.read = (call: any, callback: unknown) => {
            if (!call.request.getProperties()) call.request.setProperties(new Struct());
            return read(call, callback);
        };
        const configure = implementation.configure.bind(implementation);
        implementation.configure = (call: any, callback: (error: unknown, value?: unknown) => void) => {
            try {
                const variables = Object.fromEntries(call.request.getVariablesMap().toArray()) as Record<string, string>;
                settings = settingsFromConfiguration(call.request.getArgs()?.toJavaScript() ?? {}, variables, account.read());
            } catch (error) {
                callback({ code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
                return;
            }
            configure(call, callback);
        };
        return addService.call(this, service, implementation);
    };
}

patchProviderServer();
const simulated = new SimulatedAws(
    account,
    () => {
        if (!settings) throw new Error("the simulated AWS provider was used before it was configured");
        return settings;
    },
    AWS_PLUGIN_VERSION,
);
main(simulated, process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
});
