import * as fs from "fs";
import * as path from "path";
import { StackConfig } from "../../config/schema";
import { projectConfigFrom, PROJECT, validateStackConfig } from "../../config/validate";
import { projectRoot, readStackFile, StackFileError } from "../offline/stackFiles";
import { discoverAppRunner } from "./appRunner";
import { AccountSession, accountSession, checkAccount, DiscoverError } from "./aws";
import { discoverDataStores } from "./dataStores";
import { discoverEcs } from "./ecs";
import { Discovery, emptyDiscovery, merge } from "./findings";
import { discoverNetwork } from "./network";
import { report } from "./report";
import { resolveSecrets } from "./secrets";
import { applyChanges, dropUnverified, keepOpen, noteSecretsToCreate, parseStackText } from "./stackEdit";
import { StateResource, stateResources, TerraformStateError, terraformOverlaps } from "./terraform";

export interface DiscoverOptions {
    /** Stack name: reads and edits `Pulumi.<stack>.yaml`. */
    readonly stack: string;
    /** Apply the diff to the stack file (refused while a check fails). @default false */
    readonly write?: boolean;
    /** A Terraform state file (format 4) to compare with what the stack adopts. */
    readonly terraformState?: string;
    /** Project directory holding Pulumi.yaml. @default the nearest one above the working directory */
    readonly root?: string;
    /** Send every AWS call to this endpoint (an emulator such as moto); never set against AWS. */
    readonly endpoint?: string;
    /** Where the report goes. @default process.stdout */
    readonly out?: (text: string) => void;
    /** Where the one-line error goes. @default process.stderr */
    readonly err?: (text: string) => void;
}

/** Exit codes: 0 done, 1 a check failed (nothing written), 2 bad input, credentials or access. */
export type ExitCode = 0 | 1 | 2;

function validated(
    config: Record<string, unknown>,
    secretKeys: string[],
    what = "the stack config is invalid; fix it first (npm run plan lists every problem)",
): StackConfig {
    const raw = projectConfigFrom(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)])));
    const secrets = new Set(secretKeys.map((k) => k.slice(PROJECT.length + 1)));
    const result = validateStackConfig(raw, secrets);
    if (!result.ok) throw new DiscoverError(`${what}: ${result.problems[0]}`);
    return result.config;
}

/**
 * The stack file as discover reads it: `natMode: perAz` requires `subnetAzs`, which discover fills
 * in from the live subnets, so the file is validated as `single` and then read as `perAz` again.
 * What discover writes is validated as it stands.
 */
function validatedInput(config: Record<string, unknown>, secretKeys: string[]): StackConfig {
    const key = `${PROJECT}:appRunner`;
    const appRunner = config[key] as { network?: { natMode?: unknown } } | undefined;
    if (appRunner?.network?.natMode !== "perAz") return validated(config, secretKeys);
    const asSingle = { ...config, [key]: { ...appRunner, network: { ...appRunner.network, natMode: "single" } } };
    const result = validated(asSingle, secretKeys);
    return { ...result, appRunner: { ...result.appRunner!, network: { ...result.appRunner!.network, natMode: "perAz" } } };
}

function readTerraformState(file: string): StateResource[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new DiscoverError(`--terraform-state ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    let state: unknown;
    try {
        state = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch {
        throw new DiscoverError(`--terraform-state ${file}: not JSON (save it with \`terraform state pull > state.json\`)`);
    }
    try {
        return stateResources(state);
    } catch (error) {
        if (error instanceof TerraformStateError) throw new DiscoverError(`--terraform-state ${file} ${error.message}`);
        throw error;
    }
}

/** One account to read: its session, and the reads once its identity is checked. */
interface AccountRead {
    readonly session: AccountSession;
    readonly read: () => Promise<Discovery>;
}

/**
 * Checks both accounts' identities before any other call, so a wrong account stops the run with
 * nothing read in either; then reads both.
 */
async function discoverAll(config: StackConfig, endpoint: string | undefined): Promise<Discovery> {
    const reads: AccountRead[] = [];
    const greenfield = emptyDiscovery();
    const ar = config.appRunner?.enabled ? config.appRunner : undefined;
    if (ar && !ar.network.vpcId && Object.keys(ar.adopt).length === 0) {
        greenfield.checks.push({ level: "ok", message: "appRunner builds a new VPC and adopts nothing: nothing to read" });
    } else if (ar) {
        const session = accountSession("appRunner", ar.account, endpoint);
        reads.push({
            session,
            read: async () => {
                const { discovery, live } = await discoverAppRunner(session, ar);
                const network = await discoverNetwork(session, ar, live.connectorSubnetIds);
                const stores = await discoverDataStores(session, ar, live.connectorSecurityGroupId);
                const secrets = await resolveSecrets(session, "appRunner", ["service", "secrets"], ar.service.secrets);
                return merge(discovery, network, stores, secrets);
            },
        });
    }
    const ecs = config.ecs?.enabled ? config.ecs : undefined;
    if (ecs?.createCluster) {
        greenfield.checks.push({ level: "ok", message: "ecs creates its cluster: nothing to read" });
    } else if (ecs) {
        const session = accountSession("ecs", ecs.account, endpoint);
        reads.push({ session, read: () => discoverEcs(session, ecs) });
    }
    const identities = await Promise.allSettled(reads.map((r) => checkAccount(r.session)));
    const refused = identities.find((i): i is PromiseRejectedResult => i.status === "rejected");
    if (refused) throw refused.reason;
    return merge(greenfield, ...(await Promise.all(reads.map((r) => r.read()))));
}

/**
 * Reads the live accounts (read-only), prints what the stack file should say and why, and with
 * `write` applies it, keeping comments and order. Returns the exit code; never throws for bad
 * input, missing credentials or a denied action (one line on `err`).
 */
export async function runDiscover(options: DiscoverOptions): Promise<ExitCode> {
    const out = options.out ?? ((t: string) => process.stdout.write(t));
    const err = options.err ?? ((t: string) => process.stderr.write(t));
    // The pinned SDK runs on Node 20 (which @pulumi/pulumi 3.248 needs); its warning is about later releases.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    try {
        const root = options.root ?? projectRoot();
        const stackFile = readStackFile(options.stack, root);
        const config = validatedInput(stackFile.config, stackFile.secretKeys);
        const fileName = `Pulumi.${options.stack}.yaml`;
        const filePath = path.join(root, fileName);
        const text = fs.readFileSync(filePath, "utf8");
        const doc = parseStackText(text, fileName);
        const tfState = options.terraformState ? readTerraformState(options.terraformState) : undefined;

        const discovery = await discoverAll(config, options.endpoint);
        const applied = applyChanges(doc, discovery.changes);
        noteSecretsToCreate(doc, discovery.secretsToCreate);
        const dropped = dropUnverified(doc, discovery.confirmed);
        keepOpen(doc, discovery.open);
        const newText = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
        const newConfigRaw = { ...stackFile.config };
        for (const part of ["appRunner", "ecs", "unverified"]) {
            const node = doc.getIn(["config", `${PROJECT}:${part}`]) as { toJSON(): unknown } | undefined;
            if (node) newConfigRaw[`${PROJECT}:${part}`] = node.toJSON();
            else delete newConfigRaw[`${PROJECT}:${part}`];
        }
        const failed = discovery.checks.filter((c) => c.level === "fail").length;
        let newConfig: StackConfig | undefined;
        try {
            newConfig = validated(newConfigRaw, stackFile.secretKeys, "the discovered values would make the stack config invalid, so nothing is written");
        } catch (error) {
            // A failed check can leave the values it could not settle incomplete: report it, write nothing.
            if (!(error instanceof DiscoverError && failed > 0)) throw error;
        }

        const overlaps = tfState ? terraformOverlaps(tfState, newConfig ?? config) : undefined;
        out(report({ discovery, applied, dropped, before: text, after: newText, fileName, overlaps }));

        if (!options.write) {
            if (newText !== text) out(`\nNot written: review the diff, then run again with --write.\n`);
        } else if (failed > 0) {
            out(`\nNot written: ${failed} check(s) failed; fix them and run again.\n`);
        } else if (newText === text) {
            out(`\n${fileName} already says what the accounts say; nothing to write.\n`);
        } else {
            const temp = `${filePath}.discover-${process.pid}`;
            fs.writeFileSync(temp, newText);
            fs.renameSync(temp, filePath);
            out(`\nWrote ${fileName} (${applied.length} value(s)).\n`);
        }
        return failed > 0 ? 1 : 0;
    } catch (error) {
        if (error instanceof DiscoverError || error instanceof StackFileError) {
            err(`discover: ${error.message}\n`);
            return 2;
        }
        err(`discover failed: ${String((error as Error)?.message ?? error).split("\n")[0]}\n`);
        return 2;
    }
}
