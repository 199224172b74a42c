/**
 * Where the simulated account still differs from AWS and pulumi-aws in ways a rehearsal could hide.
 * `rehearse` prints them; docs/simulator.md lists each (a test keeps the two equal).
 */
export const KNOWN_GAPS: readonly string[] = [
    "the provider's defaultTags are not modelled: no tagsAll, so the tag update each import is followed by in AWS does not happen",
    "an import reads back the inputs the account file records, not every attribute AWS would return",
    "route table associations are as the account file records them: the incident's recording has none explicit",
    "a security-group swap cuts nothing: nothing in the recording admits only the old group (no target group, endpoint or self rule)",
    "deployments are instant: no App Runner operation is in progress unless the account file says so, and no wait times out",
    "EIP limits, ECS subnet and group validation and an internet gateway for a public NAT are not checked",
];
