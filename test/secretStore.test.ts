import * as assert from "assert";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { referencedSecretValues, SecretStore, secretStoreFor, splitSecrets } from "../components/secretStore";
import { promiseOf, underMocks } from "./harness";

const KMS = "arn:aws:kms:us-east-1:566287346479:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

describe("SecretStore", () => {
    it("stores each value as <prefix>/<NAME> with the given key, versions and secrets as children of the store", async () => {
        const { mocks, built } = await underMocks(() => new SecretStore("s", { prefix: "svc", values: { B: "b", A: "a" }, kmsKeyArn: KMS }));
        assert.deepStrictEqual(mocks.named("s-A").inputs, {
            name: "svc/A",
            description: "A, from egress-remediation:secretValues",
            kmsKeyId: KMS,
            recoveryWindowInDays: 0,
        });
        assert.strictEqual(mocks.named("s-B-value").inputs.secretId, mocks.named("s-B").id);
        for (const name of ["s-A", "s-A-value", "s-B", "s-B-value"]) {
            assert.match(mocks.optionsOf(name).urn, /::egress-remediation:secrets:SecretStore\$aws:/, name);
            // A service stepped back to adopt still reads them: leaving the program must not delete them.
            assert.strictEqual(mocks.optionsOf(name).retainOnDelete, true, name);
        }
        assert.deepStrictEqual(Object.keys(built.arns), ["B", "A"]);
        assert.strictEqual(await promiseOf(built.arns.A), mocks.named("s-A").state.arn);
        assert.strictEqual(built.versions.length, 2);
    });

    it("pins ECS valueFrom to the current version of each stored secret, leaving other references out", async () => {
        const { mocks, built } = await underMocks(() => new SecretStore("s", { prefix: "svc", values: { A: "a" } }));
        const pinned = built.pinnedValueFrom({ TOKEN: "secretValues.A", DB: "arn:aws:ssm:us-east-1:566287346479:parameter/db" });
        assert.deepStrictEqual(Object.keys(pinned), ["TOKEN"]);
        assert.strictEqual(await promiseOf(pinned.TOKEN), `${mocks.named("s-A").state.arn}:::${mocks.named("s-A-value").state.versionId}`);
    });

    it("resolves secretValues references to the stored ARNs and passes every other reference through", async () => {
        const { mocks, built } = await underMocks(() => new SecretStore("s", { prefix: "svc", values: { A: "a" } }));
        const ssm = "arn:aws:ssm:us-east-1:566287346479:parameter/db";
        const resolved = built.resolve({ TOKEN: "secretValues.A", DB: ssm });
        assert.deepStrictEqual(Object.keys(resolved), ["TOKEN", "DB"]);
        assert.strictEqual(resolved.DB, ssm);
        assert.strictEqual(await promiseOf(pulumi.output(resolved.TOKEN)), mocks.named("s-A").state.arn);
    });

    it("digests the version ids in name order into a 12-character revision", async () => {
        const { mocks, built } = await underMocks(() => new SecretStore("s", { prefix: "svc", values: { B: "b", A: "a" } }));
        const ids = ["s-A-value", "s-B-value"].map((n) => mocks.named(n).state.versionId as string);
        assert.notStrictEqual(ids[0], ids[1]);
        assert.strictEqual(await promiseOf(built.revision), createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 12));
    });
});

describe("secret maps and the store built for them", () => {
    const maps: Record<string, string>[] = [
        { TWILIO: "secretValues.TWILIO_AUTH_TOKEN", DB: "arn:aws:secretsmanager:us-east-1:566287346479:secret:db" },
        { TOKEN: "secretValues.WORKER_TOKEN", AGAIN: "secretValues.TWILIO_AUTH_TOKEN" },
    ];

    it("lists the referenced secretValues names once each, sorted", () => {
        assert.deepStrictEqual(referencedSecretValues([maps[1], maps[0]]), ["TWILIO_AUTH_TOKEN", "WORKER_TOKEN"]);
        assert.deepStrictEqual(referencedSecretValues([{ DB: "arn:aws:ssm:us-east-1:566287346479:parameter/db" }]), []);
    });

    it("splits a map into ARNs given in config and secretValues references", () => {
        assert.deepStrictEqual(splitSecrets(maps[0]), {
            arns: { DB: "arn:aws:secretsmanager:us-east-1:566287346479:secret:db" },
            stored: { TWILIO: "secretValues.TWILIO_AUTH_TOKEN" },
        });
    });

    it("builds a store only when a map references secretValues, holding exactly the referenced names", async () => {
        const none = await underMocks(() => secretStoreFor("s", "svc", [{ DB: "arn:aws:ssm:us-east-1:566287346479:parameter/db" }], {}));
        assert.strictEqual(none.built, undefined);
        const { mocks, built } = await underMocks(() => {
            pulumi.runtime.setAllConfig({ "egress-remediation:secretValues": JSON.stringify({ TWILIO_AUTH_TOKEN: "t", WORKER_TOKEN: "w", UNUSED: "u" }) }, [
                "egress-remediation:secretValues",
            ]);
            return secretStoreFor("s", "svc", maps, {}, KMS);
        });
        assert.deepStrictEqual(Object.keys(built!.arns), ["TWILIO_AUTH_TOKEN", "WORKER_TOKEN"]);
        assert.deepStrictEqual(
            mocks.ofType("aws:secretsmanager/secret:Secret").map((s) => [s.inputs.name, s.inputs.kmsKeyId]),
            [
                ["svc/TWILIO_AUTH_TOKEN", KMS],
                ["svc/WORKER_TOKEN", KMS],
            ],
        );
    });
});
