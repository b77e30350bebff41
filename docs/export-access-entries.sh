#!/usr/bin/env bash
# Writes a cluster's access entries, each with its associated access policies, as one JSON file for
# `eksinfra audit --access-entries`:
#
#   { "clusterName": "NAME",
#     "accessEntries": [ ENTRY, ... ] }
#
# ENTRY is the `accessEntry` object `aws eks describe-access-entry` prints (principalArn, type, username,
# kubernetesGroups, accessEntryArn, createdAt, modifiedAt, tags, clusterName) with one key added:
# `associatedAccessPolicies`, the list `aws eks list-associated-access-policies` prints for that principal
# (policyArn, accessScope {type, namespaces}, associatedAt, modifiedAt); empty when it has none.
#
# Usage: bash docs/export-access-entries.sh CLUSTER [REGION] > access-entries.json
# Needs: bash 4.4 or later (for inherit_errexit; macOS's /bin/bash is 3.2), the AWS CLI v2, jq, and
# eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies.
#
# All or nothing: the file is printed once, whole, after every entry and its policies were read. When a
# call fails (throttled, denied, the cluster in CONFIG_MAP mode) nothing reaches stdout, the exit status is
# non-zero and stderr names the call and the principal: a partial file would audit as entries missing live.
if [ "${BASH_VERSINFO[0]}" -lt 4 ] || { [ "${BASH_VERSINFO[0]}" -eq 4 ] && [ "${BASH_VERSINFO[1]}" -lt 4 ]; }; then
  echo "export-access-entries.sh: needs bash 4.4 or later, and this is bash $BASH_VERSION (macOS's /bin/bash is 3.2: install a newer bash and run it with that); nothing was written" >&2
  exit 1
fi

set -euo pipefail
shopt -s inherit_errexit

cluster="${1:?usage: export-access-entries.sh CLUSTER [REGION]}"
region=()
if [ -n "${2:-}" ]; then
  region=(--region "$2")
fi

fail() {
  echo "export-access-entries.sh: $*; nothing was written" >&2
  exit 1
}

# The CLI follows nextToken itself, so this is every entry, not the first page. JSON, not text: an IAM path may
# hold '*' or '?', which a shell word would glob.
list="$(aws eks list-access-entries --cluster-name "$cluster" "${region[@]}" --query accessEntries --output json)" \
  || fail "aws eks list-access-entries failed for cluster $cluster"
arns="$(jq -r 'if type == "array" then .[] else error("not a list") end' <<<"$list")" \
  || fail "aws eks list-access-entries for cluster $cluster did not print a list of principal ARNs"

entries=""
# The list comes in on fd 3, so no command in the loop can read it away from stdin.
while IFS= read -r arn <&3; do
  [ -n "$arn" ] || continue
  entry="$(aws eks describe-access-entry --cluster-name "$cluster" "${region[@]}" --principal-arn "$arn" --query accessEntry --output json </dev/null)" \
    || fail "aws eks describe-access-entry failed for $arn"
  policies="$(aws eks list-associated-access-policies --cluster-name "$cluster" "${region[@]}" --principal-arn "$arn" --query associatedAccessPolicies --output json </dev/null)" \
    || fail "aws eks list-associated-access-policies failed for $arn"
  entries+="$(jq -nc --argjson entry "$entry" --argjson policies "$policies" \
    'if ($entry | type) == "object" and ($policies | type) == "array" then $entry + {associatedAccessPolicies: $policies} else error("not an entry and a list") end')"$'\n' \
    || fail "the answers of aws eks for $arn are not an access entry and a list of policies"
done 3<<<"$arns"

out="$(jq -s --arg cluster "$cluster" '{clusterName: $cluster, accessEntries: .}' <<<"$entries")" \
  || fail "the entries of cluster $cluster could not be put together"
printf '%s\n' "$out"
