import * as pulumi from "@pulumi/pulumi";
import { leftAloneWhileAdopting, LiveProperties } from "./liveProperties";

export interface KeptResource {
    /** Live id to import on the first `pulumi up`; once in state, the same id is a no-op. */
    readonly importId?: string;
    /** Which properties the program declares and which it leaves as they are live. */
    readonly properties: LiveProperties;
    /** Properties left alone only in this configuration (e.g. auto scaling when none is configured). */
    readonly alsoLeftAlone?: readonly string[];
    /** Permissions or rules the resource needs before AWS may act on it. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** The `adopt` stage: everything but the resource's identity is kept as it is live. */
    readonly asLive?: boolean;
}

/**
 * Options for a stateful or adopted resource (data-store groups and their rules, the replication
 * group, the connector and its group, the services, the log groups). They never depend on
 * whether an import id is configured: removing `adopt` after the first `pulumi up` (as Pulumi's
 * import docs suggest) changes nothing, and no update can delete such a resource in AWS.
 */
export function keptResourceOptions(parent: pulumi.Resource, kept: KeptResource): pulumi.CustomResourceOptions {
    return {
        parent,
        ...(kept.importId ? { import: kept.importId } : {}),
        protect: true,
        retainOnDelete: true,
        ignoreChanges: [...new Set([...(kept.asLive ? leftAloneWhileAdopting(kept.properties) : kept.properties.leftAlone), ...(kept.alsoLeftAlone ?? [])])],
        ...(kept.dependsOn?.length ? { dependsOn: kept.dependsOn } : {}),
    };
}

/**
 * Options for what `harden` creates and a kept live resource goes on using (Redis's group with its
 * inline rules, the App Runner access and instance roles with their policies, its auto scaling
 * configuration, the stored secrets, the ECS tasks' group, execution role and task definitions).
 * Going back to `adopt` stops declaring them while the live service and Redis keep their settings
 * (adopt leaves those alone), so they are retained: the step back drops them from the state instead
 * of deleting what runs on them (AWS refuses to delete a group in use; a deleted role breaks the next
 * deployment). The cost: a replaced one is left in AWS, unused, and so is one removed from the config
 * (a stored secret, a secret-read policy whose last secret went): docs/stages.md lists them. Rules are
 * never standalone resources with this option: they live inline in their group, so removing one is
 * an update that revokes it.
 */
export function usedByKeptOptions(parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { ...extra, parent, retainOnDelete: true };
}

/** How the current update treats one part of the stack. */
export interface PartMode {
    /** Deliberately handing the part back: unprotected and retained. */
    readonly decommission: boolean;
    /**
     * Another part's targeted update (`EGRESS_REMEDIATION_PART` names the other part): this part is declared
     * without import ids. The engine runs imports even for untargeted resources (v3.248 step_generator
     * decides an import before it checks targets) and then fails on their parents, which it skips; without
     * the ids, untargeted resources are left as they are in the state, and absent ones are skipped.
     */
    readonly importsElsewhere?: boolean;
}

/**
 * Options for one part of the stack (the App Runner or the ECS components). A part being
 * decommissioned deliberately hands everything back: every resource in it is unprotected and
 * retained, so once `enabled: false` removes it from the program, it leaves the state and nothing
 * is deleted in AWS (not even a group a retained resource still uses).
 */
export function partOptions(provider: pulumi.ProviderResource | undefined, mode: PartMode): pulumi.ComponentResourceOptions {
    const transformations: pulumi.ResourceTransformation[] = [];
    if (mode.decommission) transformations.push(({ props, opts }) => ({ props, opts: pulumi.mergeOptions(opts, { protect: false, retainOnDelete: true }) }));
    if (mode.importsElsewhere) transformations.push(({ props, opts }) => ({ props, opts: { ...opts, import: undefined } }));
    return transformations.length ? { provider, transformations } : { provider };
}
