#!/usr/bin/env bash
# Fails unless this run's commit ($GITHUB_SHA) is the tip of main: a re-run keeps its run's commit, and
# re-running an older run after a newer one deployed would roll the stack ($STACK) back to the older
# stack file and build. Run from a checkout of the repository (any depth).
set -euo pipefail
git fetch --no-tags --depth=1 origin main
tip="$(git rev-parse FETCH_HEAD)"
if [ "$tip" != "$GITHUB_SHA" ]; then
  echo "::error::this run deploys ${GITHUB_SHA:0:12}, but main is at ${tip:0:12} now: deploying it would roll $STACK back; the run of ${tip:0:12} deploys main (re-run that one if it failed or was cancelled)"
  exit 1
fi
