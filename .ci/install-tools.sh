#!/usr/bin/env bash
# Installs the servers and tools the tool and integration suites feed our rendered files to, at the versions the
# stack deploys: PostgreSQL 18, Redis 8, Prometheus 3.5, Alertmanager 0.28, Caddy 2.11. Bookworm (this machine) is
# older, so the pinned packages come from Debian sid and trixie, with their library closure, unpacked (dpkg-deb -x)
# into one prefix instead of installed: nothing else on the machine changes and no service starts. The C servers'
# ELF interpreter and RPATH are pointed at the prefix's own glibc and libraries (patchelf), so they run on this host
# as any binary does — as any user, exec'ing each other (initdb runs postgres) — while Go binaries run as they are.
# `bin/` in the prefix holds the tools by name; the suites look there first (test/support/tools.ts).
# Idempotent: a prefix that already holds the pinned versions is left alone. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PREFIX="${SERVICE_STACK_SERVERS_PREFIX:-/opt/service-stack-servers}"
STATE="${SERVICE_STACK_SERVERS_APT:-/var/cache/service-stack-servers/apt}"

# The versions the stack deploys (components/settings/defaults.ts): the closest Debian serves in the same line.
SERVER_PACKAGES=(
    "postgresql-18=18.6-3"              # postgres:18.1
    "postgresql-client-18=18.6-3"
    "redis-server=5:8.0.6-3"            # redis:8.2.2
    "redis-tools=5:8.0.6-3"
    "prometheus=3.5.3+ds1-6"            # prom/prometheus:v3.5.0
    "promtool=3.5.3+ds1-6"
    "prometheus-alertmanager=0.28.1+ds-1"  # prom/alertmanager:v0.28.1 (trixie)
    "caddy=2.11.4-1"                    # caddy:2.10.2
)
# Tools the suites call by name, and where they are in the prefix.
TOOLS=(
    prometheus:usr/bin/prometheus promtool:usr/bin/promtool
    prometheus-alertmanager:usr/bin/prometheus-alertmanager amtool:usr/bin/amtool
    caddy:usr/bin/caddy redis-server:usr/bin/redis-server redis-cli:usr/bin/redis-cli
    psql:usr/lib/postgresql/18/bin/psql initdb:usr/lib/postgresql/18/bin/initdb
)
# python3 with jmespath: the AWS discovery sidecar's `--query` is checked by running it (test/components/aws).
HOST_PACKAGES=(openssl patchelf file ca-certificates python3 python3-jmespath)

die() { printf 'install-tools: %s\n' "$*" >&2; exit 1; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
. "$(dirname "$0")/lib/private-apt.sh"

install_host_packages "${HOST_PACKAGES[@]}"

stamp="$PREFIX/.service-stack-servers"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${SERVER_PACKAGES[*]}" ]; then
    echo "install-tools: $PREFIX already holds ${SERVER_PACKAGES[*]}"
else
    # sid first (the default release), trixie for Alertmanager 0.28; the machine's own apt state is never touched.
    private_apt "$STATE" sid trixie
    require_served .ci/install-tools.sh "${SERVER_PACKAGES[@]}"
    $SUDO apt-get "${APT_OPTS[@]}" install --download-only -y -qq --no-install-recommends "${SERVER_PACKAGES[@]}" >/dev/null \
        || die "apt could not resolve ${SERVER_PACKAGES[*]} with their dependencies"
    $SUDO rm -rf "$PREFIX.new"
    $SUDO mkdir -p "$PREFIX.new/bin"
    for deb in "$STATE"/archives/*.deb; do $SUDO dpkg-deb -x "$deb" "$PREFIX.new"; done
    lib="$PREFIX/usr/lib/x86_64-linux-gnu"
    [ -e "$PREFIX.new/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ] || die "the unpacked closure has no dynamic loader"
    # Dynamically linked C programs use the prefix's loader and libraries (DT_RPATH, so libraries they load find
    # theirs too); Go programs need nothing newer than this machine's glibc and keep theirs.
    for f in "$PREFIX.new"/usr/bin/redis-* "$PREFIX.new"/usr/lib/postgresql/18/bin/*; do
        [ -f "$f" ] && file -L "$f" | grep -q 'ELF.*interpreter' || continue
        $SUDO patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$lib" "$f"
    done
    for tool in "${TOOLS[@]}"; do $SUDO ln -sf "$PREFIX/${tool#*:}" "$PREFIX.new/bin/${tool%%:*}"; done
    printf '%s' "${SERVER_PACKAGES[*]}" | $SUDO tee "$PREFIX.new/.service-stack-servers" >/dev/null
    $SUDO rm -rf "$PREFIX"
    $SUDO mv "$PREFIX.new" "$PREFIX"
    $SUDO rm -f "$STATE"/archives/*.deb
fi

# Debian's Alertmanager reads its notification templates from the path its package installs them at, compiled in.
# Only where nothing (or a dangling link) is there: another prefix's link to the same templates stays, so two prefixes
# never pull it from under a running suite; another package's templates are left alone, with a warning.
if [ ! -e /usr/share/prometheus/alertmanager ]; then
    $SUDO mkdir -p /usr/share/prometheus
    $SUDO ln -sfn "$PREFIX/usr/share/prometheus/alertmanager" /usr/share/prometheus/alertmanager
elif [ ! -L /usr/share/prometheus/alertmanager ]; then
    echo "install-tools: warning: /usr/share/prometheus/alertmanager belongs to another Alertmanager package; its templates are used" >&2
fi

# The suites run each server as its own system user, as the Debian packages would have created them.
for user in postgres redis caddy; do
    id "$user" >/dev/null 2>&1 || $SUDO useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
done

for tool in "${TOOLS[@]}"; do
    [ -x "$PREFIX/bin/${tool%%:*}" ] || die "${tool%%:*} is missing from $PREFIX/bin after install"
done
command -v openssl >/dev/null || die "openssl is missing after install"
B="$PREFIX/bin"
echo "install-tools: $("$B/promtool" --version 2>&1 | head -1); $("$B/amtool" --version 2>&1 | head -1); caddy $("$B/caddy" version); $("$B/redis-server" --version | cut -d' ' -f1-3); $("$PREFIX/usr/lib/postgresql/18/bin/postgres" --version)"
