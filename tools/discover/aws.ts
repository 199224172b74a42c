import { fromIni, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AccountConfig } from "../../config/schema";
import { IamAction } from "./iamActions";

/** A problem that ends the run: one line for the user, never a stack trace. */
export class DiscoverError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DiscoverError";
    }
}

/** Client settings for one account, derived exactly as `components/providers.ts` configures the provider. */
export interface AccountSession {
    /** `appRunner` or `ecs`: the config part, used in messages. */
    readonly part: string;
    readonly account: AccountConfig;
    readonly clientConfig: { region: string; credentials?: ReturnType<typeof fromIni>; endpoint?: string };
}

const SESSION_NAME = "egress-remediation-discover";

/**
 * Profile, then an assumed role on top of it (or of the ambient credentials), in the account's
 * region: the same inputs the program's provider takes. `endpoint` points every client at an
 * emulator (the tests' moto server); it is never set against AWS.
 */
export function accountSession(part: string, account: AccountConfig, endpoint?: string): AccountSession {
    const base = account.profile ? fromIni({ profile: account.profile }) : undefined;
    const credentials = account.assumeRoleArn
        ? fromTemporaryCredentials({
              params: { RoleArn: account.assumeRoleArn, RoleSessionName: SESSION_NAME },
              masterCredentials: base,
              clientConfig: { region: account.region, ...(endpoint ? { endpoint } : {}) },
          })
        : base;
    return { part, account, clientConfig: { region: account.region, ...(credentials ? { credentials } : {}), ...(endpoint ? { endpoint } : {}) } };
}

const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError"]);
const EXPIRED = new Set([
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
]);

function howToProvideCredentials(session: AccountSession): string {
    const { part, account } = session;
    const where = account.profile
        ? `profile ${account.profile} (${part}.account.profile): run \`aws sso login --profile ${account.profile}\` or fix ~/.aws/config`
        : `set ${part}.account.profile or ${part}.account.assumeRoleArn, or export AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`;
    return `${where}${account.assumeRoleArn ? `; the role ${account.assumeRoleArn} is then assumed` : ""}`;
}

/** The error's name as the SDK reports it (`name`, or `Code` for some query protocols). */
function errorName(error: unknown): string {
    const e = error as { name?: string; Code?: string; code?: string };
    return e?.Code ?? e?.name ?? e?.code ?? "";
}

/**
 * Runs one read-only call and turns the failures a user can act on into one line: a denied
 * action names itself, missing or expired credentials say how to provide them. `notFound`
 * lists error names that mean "absent" and make the call return undefined.
 */
export async function call<T>(session: AccountSession, action: IamAction, send: () => Promise<T>, notFound: string[] = []): Promise<T | undefined> {
    try {
        return await send();
    } catch (error) {
        const name = errorName(error);
        if (notFound.includes(name)) return undefined;
        const where = `${session.part} account ${session.account.id} (${session.account.region})`;
        // A 403 whose body the SDK could not parse (an XML denial from a proxy or emulator) is a denial too.
        const unparsed403 =
            (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 403 && (name === "SyntaxError" || name === "");
        if (DENIED.has(name) || unparsed403)
            throw new DiscoverError(`access denied: ${action} in ${where}; allow it (the README lists discover's read-only policy)`);
        if (name === "CredentialsProviderError") throw new DiscoverError(`no AWS credentials for the ${where}: ${howToProvideCredentials(session)}`);
        if (EXPIRED.has(name))
            throw new DiscoverError(`the AWS credentials for the ${where} are invalid or expired (${name}): ${howToProvideCredentials(session)}`);
        const message = String((error as Error)?.message ?? error).split("\n")[0];
        throw new DiscoverError(`${action} failed in ${where}: ${name ? `${name}: ` : ""}${message}`);
    }
}

/** The provider's `allowedAccountIds`: refuse to read anything from another account. */
export async function checkAccount(session: AccountSession): Promise<string> {
    const identity = await call(session, "sts:GetCallerIdentity", () => new STSClient(session.clientConfig).send(new GetCallerIdentityCommand({})));
    if (identity?.Account !== session.account.id) {
        throw new DiscoverError(
            `${session.part}: the credentials belong to account ${identity?.Account ?? "unknown"}, not ${session.account.id} (${session.part}.account.id); nothing was read`,
        );
    }
    return identity.Arn ?? "";
}
