#!/usr/bin/env bash
# Installs the Debian tools the tool and integration suites feed our rendered files to, and stops the system
# services the packages start on their default ports: the tests start their own servers on free loopback ports.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(prometheus prometheus-alertmanager postgresql postgresql-client redis-server redis-tools caddy openssl)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
for service in prometheus prometheus-alertmanager prometheus-node-exporter postgresql redis-server caddy; do
    $SUDO service "$service" stop >/dev/null 2>&1 || true
done
for tool in promtool amtool prometheus prometheus-alertmanager caddy redis-server redis-cli psql openssl; do
    command -v "$tool" >/dev/null || { echo "install-tools: $tool is missing after install" >&2; exit 1; }
done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
echo "install-tools: $(promtool --version 2>&1 | head -1); $(amtool --version 2>&1 | head -1); caddy $(caddy version); $(redis-server --version | cut -d' ' -f1-3)"
