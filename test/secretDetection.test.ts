import * as assert from "assert";
import {
    credentialValueReason,
    looksRandom,
    MIN_RANDOM_LENGTH,
    nameWords,
    secretLookingReason,
    secretNameReason,
    shannonEntropy,
} from "../config/secretDetection";
import { validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

const CANARY = "s3cr3t-CANARY-4f9QzL7xW2kP8vN1";

describe("secret detection", () => {
    it("splits names into words whatever the spelling", () => {
        for (const name of ["apiKey", "API_KEY", "api-key", "api.key", "_api_key_"]) assert.deepStrictEqual(nameWords(name), ["API", "KEY"], name);
    });

    it("flags secret words whole, and the long ones inside other words", () => {
        for (const name of ["API_KEY", "apiKey", "DB_PASS", "DB_PWD", "SENTRY_DSN", "AWS_CREDS", "PASSWORD_SALT"]) assert.ok(secretNameReason(name), name);
        for (const name of ["DBPASSWORD", "AUTHTOKEN", "APIKEY", "GoogleCredentials", "SESSION_SECRET", "privateKeyPem", "TWILIO_AUTH_TOKEN"])
            assert.ok(secretNameReason(name), name);
        for (const name of ["DATABASE_URL", "REDIS_URL", "MONGO_URI", "PG_CONNECTION_STRING"]) assert.match(secretNameReason(name)!, /connection string/, name);
    });

    it("does not flag short words inside unrelated names", () => {
        for (const name of [
            "BYPASS_CACHE",
            "PASSENGER_LIMIT",
            "MONKEY_MODE",
            "KEYCLOAK_REALM",
            "COMPASS_URL",
            "ENV",
            "OTP_PROVIDER",
            "SKIP_STARTUP_VALIDATION",
            "REDIS_HOST",
            "DATABASE_NAME",
        ])
            assert.strictEqual(secretNameReason(name), undefined, name);
    });

    it("flags a password in a URL, with or without a user, but not a URL without one", () => {
        assert.match(credentialValueReason("postgresql+psycopg2://nerava_admin:hunter2@nerava-db:5432/nerava")!, /URL with a password/);
        assert.match(credentialValueReason("redis://:hunter2@cache:6379/0")!, /URL with a password/);
        for (const plain of ["redis://nerava-redis.yagp9v.ng.0001.use1.cache.amazonaws.com:6379/0", "https://user@example.com/x", "https://example.com/a:b@c"])
            assert.strictEqual(credentialValueReason(plain), undefined, plain);
    });

    it("knows published token formats, exactly at their lengths", () => {
        assert.match(credentialValueReason("AKIA" + "ABCDEFGHIJKLMNOP")!, /AWS access key/);
        assert.strictEqual(credentialValueReason("AKIA" + "ABCDEFGHIJKLMNO"), undefined, "15 characters after AKIA is not a key id");
        assert.match(credentialValueReason("ghp_" + "a".repeat(36))!, /GitHub/);
        assert.match(credentialValueReason("xoxb-1234567890-abcdef")!, /Slack/);
        assert.match(credentialValueReason("sk_live_" + "a1".repeat(12))!, /Stripe/);
        assert.match(credentialValueReason("SK" + "0123456789abcdef".repeat(2))!, /Twilio/);
        assert.match(credentialValueReason("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_part")!, /JSON Web Token/);
        assert.match(credentialValueReason("-----BEGIN RSA PRIVATE KEY-----\nMIIE")!, /private key/);
    });

    it("judges entropy only from MIN_RANDOM_LENGTH characters, with letters and digits mixed", () => {
        const random = "q7Xk2Lp9Vz4Rt8Wn3Bm6Hc1Jd5";
        assert.ok(looksRandom(random.slice(0, MIN_RANDOM_LENGTH)));
        assert.ok(!looksRandom(random.slice(0, MIN_RANDOM_LENGTH - 1)), "one character short");
        assert.ok(looksRandom("9f86d081884c7d659a2feaa0c55ad015"), "32 hex characters (a Twilio auth token's shape)");
        assert.ok(!looksRandom("aaaaaaaaaaaaaaaaaaaaaaaa1"), "low entropy");
        assert.ok(!looksRandom("abcdefghijklmnopqrstuvwxyz"), "no digits");
        // Digits and symbols above the entropy bar (digits alone never reach it).
        assert.ok(!looksRandom("0123456789+/=_-98765"), "no letters");
        for (const plain of [
            "subnet-0c3e9b306737c3fb2",
            "v20-otp-fix-fixed",
            "twilio_verify",
            "arn:aws:sqs:eu-central-1:905418046272:sandbox-broker-jobs",
            "nerava-backend-production-1",
            "/var/lib/app/data/cache-2026",
            // Above the entropy bar, but not only token characters (a dot, a colon) at the start, middle or end.
            "1.2.3-rc.4+build.5678abc",
            "user@example.com:8443/v2",
            // Hex at the start only: judged against the 64-letter alphabet, where it is below the bar.
            "cafe2026-release-build",
            // An AWS resource id above the bar: random hex, but shown to anyone with read access.
            "sg-00bc5ec63287eacdd",
        ])
            assert.ok(!looksRandom(plain), plain);
        assert.ok(Math.abs(shannonEntropy("abab") - 1) < 1e-9);
    });

    it("lets a team declare a flagged name plain, but never a password URL or a known token", () => {
        assert.ok(secretLookingReason("GIT_SHA", "9f86d081884c7d659a2feaa0c55ad015d3b3d1e2"));
        assert.strictEqual(secretLookingReason("GIT_SHA", "9f86d081884c7d659a2feaa0c55ad015d3b3d1e2", ["GIT_SHA"]), undefined);
        assert.ok(secretLookingReason("PUBLIC_URL", "https://u:p@host/", ["PUBLIC_URL"]));
    });
});

describe("config refusals for secret-looking env never print the value", () => {
    const cases: [string, (c: Record<string, any>) => void][] = [
        ["App Runner env by name", (c) => (c.appRunner.service.env.TWILIO_AUTH_TOKEN = CANARY)],
        ["App Runner env by value", (c) => (c.appRunner.service.env.UPSTREAM = `https://svc:${CANARY}@api.example.com/`)],
        ["ECS API env by entropy", (c) => (c.ecs.api.env = { WEBHOOK: "q7Xk2Lp9Vz4Rt8Wn3Bm6Hc1Jd5" })],
        ["ECS worker env by name", (c) => (c.ecs.worker.env = { SENTRY_DSN: CANARY })],
        ["a value where an ARN belongs", (c) => (c.ecs.api.secrets = { DB_PASSWORD: CANARY })],
        ["a wrong type under a secret-looking name", (c) => (c.ecs.api.env = { API_KEY: 42 })],
        ["a wrong type under a secret-looking tag name", (c) => (c.tags = { ...c.tags, API_TOKEN: 42 })],
    ];
    for (const [what, edit] of cases) {
        it(what, () => {
            const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
            edit(config);
            const result = validateStackConfig(config);
            assert.ok(!result.ok, "refused");
            const text = result.problems.join("\n");
            assert.match(text, /^egress-remediation:((appRunner\.service|ecs\.(api|worker))\.(env|secrets)|tags)\.[A-Z_]+ /);
            for (const leak of [CANARY, "q7Xk2Lp9Vz4Rt8Wn3Bm6Hc1Jd5", "42"]) assert.ok(!text.includes(leak), `${what} printed ${leak}: ${text}`);
        });
    }

    it("says where the secret goes: the service's secrets map", () => {
        const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
        config.ecs.worker.env = { SENTRY_DSN: CANARY };
        const result = validateStackConfig(config);
        assert.deepStrictEqual(result.ok ? [] : result.problems, [
            "egress-remediation:ecs.worker.env.SENTRY_DSN looks like a secret (its name has the word DSN); store it in Secrets Manager or SSM and reference its ARN in `ecs.worker.secrets.SENTRY_DSN`; got [secret]",
        ]);
    });
});
