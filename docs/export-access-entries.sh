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
# Needs: the AWS CLI v2, jq, and eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies.
set -euo pipefail

cluster="${1:?usage: export-access-entries.sh CLUSTER [REGION]}"
region=()
if [ -n "${2:-}" ]; then
  region=(--region "$2")
fi

# The CLI follows nextToken itself, so this is every entry, not the first page.
arns="$(aws eks list-access-entries --cluster-name "$cluster" "${region[@]}" --query 'accessEntries[]' --output text)"
for arn in $arns; do
  entry="$(aws eks describe-access-entry --cluster-name "$cluster" "${region[@]}" --principal-arn "$arn" --query accessEntry --output json)"
  policies="$(aws eks list-associated-access-policies --cluster-name "$cluster" "${region[@]}" --principal-arn "$arn" --query associatedAccessPolicies --output json)"
  jq -n --argjson entry "$entry" --argjson policies "$policies" '$entry + {associatedAccessPolicies: $policies}'
done | jq -s --arg cluster "$cluster" '{clusterName: $cluster, accessEntries: .}'
