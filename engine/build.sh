#!/usr/bin/env bash
# Builds the engine the tests and the rehearsal run: the Pulumi CLI from its Go module, at the version of
# @pulumi/pulumi that package.json pins, and the Node language host in engine/language-host. The binaries go
# into a cache folder keyed by that version and by the engine sources; a folder that is already there is
# reused. The last line of stdout is that folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

sdk_version=$(node -p "require('../package.json').dependencies['@pulumi/pulumi']")
module_version=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
if [ "v$sdk_version" != "$module_version" ]; then
    echo "engine/go.mod builds pulumi $module_version but package.json pins @pulumi/pulumi $sdk_version: make them equal" >&2
    exit 2
fi

# The key covers what decides the binaries: the Go toolchain, this script and the sources.
sources_hash=$( (go version; cat build.sh go.mod go.sum language-host/*.go) | sha256sum | cut -c1-12)
cache_root=${ENGINE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/egress-remediation/engine}
target="$cache_root/pulumi-$module_version-$sources_hash"

if [ -x "$target/pulumi" ] && [ -x "$target/pulumi-language-nodejs" ]; then
    echo "engine: reusing $target" >&2
    echo "$target"
    exit 0
fi

started=$(date +%s)
staging="$target.partial.$$"
mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$module_version"
echo "engine: building pulumi $module_version and pulumi-language-nodejs (a cold build takes a while)" >&2
go build -trimpath -ldflags "$ldflags" -o "$staging/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go build -trimpath -ldflags "$ldflags" -o "$staging/pulumi-language-nodejs" ./language-host
# Renaming onto a missing folder is atomic; when a concurrent build got there first, keep its result.
if mv -T "$staging" "$target" 2>/dev/null; then
    trap - EXIT
else
    echo "engine: another build finished $target first; using it" >&2
fi
echo "engine: built $target in $(( $(date +%s) - started )) s" >&2
echo "$target"
