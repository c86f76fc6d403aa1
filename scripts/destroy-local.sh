#!/usr/bin/env bash
# `npm run destroy`: removes the local default stack's containers, networks and volumes (data included).
source "$(dirname "$0")/local-env.sh"
pulumi destroy --stack "$LOCAL_STACK" --yes --non-interactive "$@"
