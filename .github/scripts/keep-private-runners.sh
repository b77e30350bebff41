#!/usr/bin/env bash
# Usage: keep-private-runners.sh STACKS_JSON BASE_REV
#
# Prints STACKS_JSON (`eksinfra stacks --format json` of the commit being built) with privateEndpoint also true for
# each stack whose endpoint is private only at BASE_REV (the base of a pull request, or what main deployed last).
# Until a change that opens the endpoint is applied, the cluster is still private-only, and `pulumi preview` and
# `pulumi up --refresh` reach it through the endpoint as it is: from GitHub's runners they fail before the change can
# apply, so such a stack keeps running on the runner inside its VPC for that change too.
set -euo pipefail
stacks="$1"
base="${2:-}"

resolved() { [ -n "$base" ] && git rev-parse --verify -q "$base^{commit}" > /dev/null; }

if [ -n "$base" ] && ! resolved; then
  git fetch -q --no-tags --depth=1 origin "$base" 2> /dev/null || true
fi
if ! resolved; then
  echo "::warning::keep-private-runners.sh: no base revision '$base' here; runners follow this commit's stack settings only" >&2
  printf '%s\n' "$stacks"
  exit 0
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
git ls-tree --name-only "$base" | { grep -E '^Pulumi(\..+)?\.yaml$' || true; } | while read -r file; do
  git show "$base:$file" > "$dir/$file"
done
if ! before="$(eksinfra stacks --dir "$dir" --format json 2> /dev/null)"; then
  echo "::warning::keep-private-runners.sh: the stack files at ${base:0:12} do not read; runners follow this commit's stack settings only" >&2
  printf '%s\n' "$stacks"
  exit 0
fi

jq -c --argjson before "$before" \
  'with_entries(.value.privateEndpoint = (.value.privateEndpoint or ($before[.key].privateEndpoint // false)))' <<< "$stacks"
