#!/usr/bin/env bash
# Fails when Pulumi.yaml keeps the stack files in another folder (stackConfigDir, or the older 'config: DIR').
# Pulumi and eksinfra follow it, but these workflows read Pulumi.STACK.yaml beside Pulumi.yaml: the access report
# would check no stack and pass, and keep-private-runners.sh would not see a private endpoint at the base.
# Run from the repository root with eksinfra on PATH.
set -euo pipefail
where="$(eksinfra stacks --stack-config-dir)"
if [ "$where" != . ]; then
  echo "::error file=Pulumi.yaml::Pulumi.yaml keeps the stack files in '$where' (stackConfigDir, or the older 'config: DIR'): these workflows read stack files beside Pulumi.yaml; move them back or adapt the workflows (docs/environments.md)"
  exit 1
fi
