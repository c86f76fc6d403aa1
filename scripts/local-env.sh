# Sourced by up-local.sh and destroy-local.sh: the local default stack keeps its state in a file backend under
# .pulumi-local/ and encrypts secrets with a generated passphrase kept beside it (both git-ignored), so no cloud
# account, login or prompt is needed. Losing .pulumi-local/passphrase means losing the stack's secrets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v pulumi >/dev/null || { echo "The Pulumi CLI is required: https://www.pulumi.com/docs/install/" >&2; exit 1; }
LOCAL_DIR="$PWD/.pulumi-local"
mkdir -p "$LOCAL_DIR/state"
if [ ! -s "$LOCAL_DIR/passphrase" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' > "$LOCAL_DIR/passphrase")
fi
export PULUMI_BACKEND_URL="file://$LOCAL_DIR/state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$LOCAL_DIR/passphrase"
LOCAL_STACK="${LOCAL_STACK:-dev}"
