#!/usr/bin/env bash
# Usage: deployed-bases.sh STACKS_JSON FALLBACK
#
# Prints STACK=REV, one per line, for every revision last-deployed.sh gives each stack of STACKS_JSON (`eksinfra stacks
# --format json`): the commit last deployed to it and the deploys after it still under way, for
# keep-private-runners.sh. A stack with none found, or whose deployments cannot be read, gets a warning saying its runner
# follows FALLBACK (the bases the caller passes besides).
set -euo pipefail
stacks="$1"
fallback="$2"
here="$(dirname "$0")"
for stack in $(jq -r 'keys[]' <<< "$stacks"); do
  if shas="$(bash "$here/last-deployed.sh" "$stack")" && [ -n "$shas" ]; then
    while read -r sha; do
      if [ -n "$sha" ]; then
        printf '%s=%s\n' "$stack" "$sha"
      fi
    done <<< "$shas"
  else
    echo "::warning::no successful deployment of $stack found; its runner follows $fallback" >&2
  fi
done
