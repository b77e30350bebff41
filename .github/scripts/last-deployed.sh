#!/usr/bin/env bash
# Usage: last-deployed.sh STACK
#
# Prints the commits STACK's cluster may be at: the sha of the newest deployment to the GitHub environment STACK (GitHub
# creates one for each job with `environment:`) whose latest status is success, after the sha of each deployment newer
# than it that has not ended (queued, pending, waiting or in progress), one per line, newest first. Such a deploy may
# apply its change (a private endpoint, say) before this run's up job starts, which is after the jobs queued before it
# in the stack's concurrency group. A deployment that ended in failure or error is left out: counted, one failed deploy
# of a private endpoint would hold the stack on the VPC runner until some deploy succeeded, which without that runner
# none could. Prints nothing when none of the newest 100 deployments succeeded; exits non-zero when the API cannot be
# read. Needs GH_TOKEN (deployments: read) and GITHUB_REPOSITORY.
set -euo pipefail
stack="$1"
# Newest first by id, not by the order the API happens to list them in.
deployments="$(gh api "repos/$GITHUB_REPOSITORY/deployments?environment=$stack&per_page=100" --jq 'sort_by(-.id) | .[] | "\(.id) \(.sha)"')"
running=()
while read -r id sha; do
  [ -n "$id" ] || continue
  state="$(gh api "repos/$GITHUB_REPOSITORY/deployments/$id/statuses?per_page=100" --jq 'max_by(.id) | .state // ""')"
  case "$state" in
    success)
      printf '%s\n' ${running[@]+"${running[@]}"} "$sha"
      exit 0
      ;;
    queued | pending | waiting | in_progress | "")
      # A deployment with no status yet is one GitHub has just made for a job about to run.
      running+=("$sha")
      ;;
  esac
done <<< "$deployments"
