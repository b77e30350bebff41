#!/usr/bin/env bash
# Usage: keep-private-runners.sh STACKS_JSON BASE_REV [STACK=REV]...
#
# Prints STACKS_JSON (`eksinfra stacks --format json` of the commit being built) with privateEndpoint also true for
# each stack whose endpoint is private at BASE_REV (the base of a pull request; the previous push to main) or at any
# REV of a STACK=REV given (a stack may be given several: the commit last deployed to it and the deploys after it that
# are still under way). All count: the up job runs after the build, once the jobs queued before it in the stack's
# group are done, so any of them may have made the cluster private by then.
# Until a change that opens the endpoint is applied, the cluster is still private-only, and `pulumi preview` and
# `pulumi up --refresh` reach it through the endpoint as it is: from GitHub's runners they fail before the change can
# apply, so such a stack keeps running on the runner inside its VPC for that change too.
set -euo pipefail
stacks="$1"
base="${2:-}"
shift $(( $# < 2 ? $# : 2 ))

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints `eksinfra stacks --format json` of the stack files at REV; fails with a warning ending in FALLBACK when it cannot.
settings_at() {
  local rev="$1" fallback="$2" dir
  resolved() { [ -n "$rev" ] && git rev-parse --verify -q "$rev^{commit}" > /dev/null; }
  if [ -n "$rev" ] && ! resolved; then
    git fetch -q --no-tags --depth=1 origin "$rev" 2> /dev/null || true
  fi
  if ! resolved; then
    echo "::warning::keep-private-runners.sh: no base revision '$rev' here; $fallback" >&2
    return 1
  fi
  dir="$(mktemp -d -p "$work")"
  git ls-tree --name-only "$rev" | { grep -E '^Pulumi(\..+)?\.yaml$' || true; } | while read -r file; do
    git show "$rev:$file" > "$dir/$file"
  done
  if ! eksinfra stacks --dir "$dir" --format json 2> /dev/null; then
    echo "::warning::keep-private-runners.sh: the stack files at ${rev:0:12} do not read; $fallback" >&2
    return 1
  fi
}

default="$(settings_at "$base" "runners of stacks without a base of their own follow this commit's stack settings only")" || default='{}'
own='{}'
for given in "$@"; do
  stack="${given%%=*}"
  if at="$(settings_at "${given#*=}" "$stack's runner follows the base '$base' instead")"; then
    # A stack given several revisions is private if it is at any of them.
    own="$(jq -c --arg stack "$stack" --argjson at "$at" 'if $at[$stack] then .[$stack].privateEndpoint = ((.[$stack].privateEndpoint // false) or ($at[$stack].privateEndpoint // false)) else . end' <<< "$own")"
  fi
done

jq -c --argjson default "$default" --argjson own "$own" \
  'with_entries(.value.privateEndpoint = (.value.privateEndpoint or ($own[.key].privateEndpoint // false) or ($default[.key].privateEndpoint // false)))' <<< "$stacks"
