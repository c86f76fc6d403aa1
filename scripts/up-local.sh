#!/usr/bin/env bash
# `npm run up`: brings up the local default stack on this machine's Docker engine. Extra arguments go to `pulumi up`.
source "$(dirname "$0")/local-env.sh"
pulumi stack select --create "$LOCAL_STACK" --secrets-provider passphrase --non-interactive
pulumi up --stack "$LOCAL_STACK" --yes --non-interactive "$@"
