#!/usr/bin/env bash
# Usage: last-deployed.sh STACK
#
# Prints the commit last deployed to STACK: the sha of the newest deployment to the GitHub environment STACK (GitHub
# creates one for each job with `environment:`) whose latest status is success. A later push is no such commit: its
# run may have been cancelled (a newer one takes its place in the stack's concurrency group) or failed, and the stack
# is still as the commit before left it. Prints nothing when none of the newest 100 deployments succeeded; exits
# non-zero when the API cannot be read. Needs GH_TOKEN (deployments: read) and GITHUB_REPOSITORY.
set -euo pipefail
stack="$1"
# Newest first by id, not by the order the API happens to list them in.
deployments="$(gh api "repos/$GITHUB_REPOSITORY/deployments?environment=$stack&per_page=100" --jq 'sort_by(-.id) | .[] | "\(.id) \(.sha)"')"
while read -r id sha; do
  [ -n "$id" ] || continue
  state="$(gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses?per_page=100" --jq 'max_by(.id) | .state // ""')"
  if [ "$state" = success ]; then
    printf '%s\n' "$sha"
    exit 0
  fi
done <<< "$deployments"
