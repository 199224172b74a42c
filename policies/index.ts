// The pack's entry for the Pulumi engine: `pulumi preview --policy-pack policies`.
// Tools and tests import ./all instead, because constructing a PolicyPack starts a server.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./all";

new PolicyPack(PACK_NAME, { policies });
