#!/usr/bin/env bash
# Usage: last-deployed.sh STACK
#
# Prints the commits STACK's cluster may be at: the sha of the newest deployment to the GitHub environment STACK (GitHub
# creates one for each job with `environment:`) whose latest status is success, after the sha of each deployment newer
# than it, one per line, newest first. A newer one queued, in progress or failed may have applied part of its change
# (a private endpoint, say) by the time this run's up job starts, which is after the jobs queued before it in the
# stack's concurrency group. Prints nothing when none of the newest 100 deployments succeeded; exits non-zero when the
# API cannot be read. Needs GH_TOKEN (deployments: read) and GITHUB_REPOSITORY.
set -euo pipefail
stack="$1"
# Newest first by id, not by the order the API happens to list them in.
deployments="$(gh api "repos/$GITHUB_REPOSITORY/deployments?environment=$stack&per_page=100" --jq 'sort_by(-.id) | .[] | "\(.id) \(.sha)"')"
newer=()
while read -r id sha; do
  [ -n "$id" ] || continue
  state="$(gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses?per_page=100" --jq 'max_by(.id) | .state // ""')"
  if [ "$state" = success ]; then
    printf '%s\n' ${newer[@]+"${newer[@]}"} "$sha"
    exit 0
  fi
  newer+=("$sha")
done <<< "$deployments"
