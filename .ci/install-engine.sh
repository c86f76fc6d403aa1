#!/usr/bin/env bash
# Installs the Docker engine the container suite (npm run test:containers) starts for itself, and the tools its image
# builder uses. Debian's bookworm has no engine recent enough, so dockerd and containerd come from sid's docker.io and
# containerd packages, pinned, unpacked (dpkg-deb -x) into one prefix instead of installed: nothing else on the
# machine changes and no system service is started. runc, debootstrap and getcap come from this machine's own apt.
# Idempotent: a prefix that already holds the pinned versions is left alone. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PREFIX="${SERVICE_STACK_ENGINE_PREFIX:-/opt/service-stack-engine}"
STATE="${SERVICE_STACK_ENGINE_APT:-/var/cache/service-stack-engine/apt}"
SUDO=""
. "$(dirname "$0")/lib/private-apt.sh"

# Pinned engine packages (sid). Change a version here and the next run replaces the prefix's contents.
ENGINE_PACKAGES=(
    "docker.io=28.5.2+dfsg4-5"
    "containerd=2.1.9+ds1-5"
    # docker.io's docker-init is a symlink to tini-static in the same directory.
    "tini-static=0.19.0-6+b2"
)
CLI_PACKAGE="docker-cli=28.5.2+dfsg4-5"
# iptables: the daemon runs with --iptables=false, but its embedded DNS (network aliases at 127.0.0.11) still sets
# NAT rules inside each container's namespace; without the binary no alias resolves.
# busybox-static: the one-binary image the harness tests (test/containers/realise.test.ts) realise containers from.
HOST_PACKAGES=(runc debootstrap libcap2-bin xz-utils tar ca-certificates iptables busybox-static)

die() { printf 'install-engine: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and writes $PREFIX)"

wanted=("${ENGINE_PACKAGES[@]}")
if ! command -v docker >/dev/null 2>&1 || [ "$(command -v docker)" = "$PREFIX/usr/bin/docker" ] || [ "$(readlink -f "$(command -v docker)")" = "$PREFIX/usr/bin/docker" ]; then
    wanted+=("$CLI_PACKAGE")
fi

install_host_packages "${HOST_PACKAGES[@]}"

stamp="$PREFIX/.service-stack-engine"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${wanted[*]}" ] && [ -x "$PREFIX/usr/sbin/dockerd" ]; then
    echo "install-engine: $PREFIX already holds ${wanted[*]}"
else
    private_apt "$STATE" sid
    require_served .ci/install-engine.sh "${wanted[@]}"
    download="$(mktemp -d)"
    trap 'rm -rf "$download"' EXIT
    (cd "$download" && apt-get "${APT_OPTS[@]}" download -qq "${wanted[@]}") || die "download of ${wanted[*]} failed"
    rm -rf "$PREFIX.new"
    mkdir -p "$PREFIX.new"
    for deb in "$download"/*.deb; do dpkg-deb -x "$deb" "$PREFIX.new"; done
    printf '%s' "${wanted[*]}" > "$PREFIX.new/.service-stack-engine"
    rm -rf "$PREFIX"
    mv "$PREFIX.new" "$PREFIX"
fi

# Unpacked binaries still need this machine's libraries: prove they run before any test does.
"$PREFIX/usr/sbin/dockerd" --version >/dev/null || die "$PREFIX/usr/sbin/dockerd does not run on this machine"
"$PREFIX/usr/bin/containerd" --version >/dev/null || die "$PREFIX/usr/bin/containerd does not run on this machine"
if [ -x "$PREFIX/usr/bin/docker" ] && ! command -v docker >/dev/null 2>&1; then
    ln -sf "$PREFIX/usr/bin/docker" /usr/local/bin/docker
fi
command -v docker >/dev/null || die "no docker CLI on PATH"

echo "install-engine: prefix $PREFIX"
echo "install-engine: $("$PREFIX/usr/sbin/dockerd" --version)"
echo "install-engine: $("$PREFIX/usr/bin/containerd" --version)"
echo "install-engine: $(runc --version | head -1) ($(command -v runc))"
echo "install-engine: $(docker --version) ($(command -v docker))"
echo "install-engine: debootstrap $(dpkg-query -W -f='${Version}' debootstrap), libcap2-bin $(dpkg-query -W -f='${Version}' libcap2-bin)"
