# Sourced by the install scripts: a private apt configuration that reads Debian suites this machine's own apt does not
# (sid, trixie) without touching the machine's apt state, and the checks around it. Expects `die`, and `SUDO` (may be
# empty). MIRROR and KEYRING may be set before sourcing.
MIRROR="${SERVICE_STACK_DEBIAN_MIRROR:-${MIRROR:-http://deb.debian.org/debian}}"
KEYRING="${KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}"

# private_apt STATE SUITE...: sources for the suites (the first is the default release), indexes under STATE, an
# empty dpkg status (so a download takes a package's whole library closure), then `update`. Sets APT_OPTS.
private_apt() {
    local state="$1"; shift
    $SUDO mkdir -p "$state/lists/partial" "$state/archives/partial" "$state/etc"
    local suite
    for suite in "$@"; do printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "$MIRROR" "$suite"; done | $SUDO tee "$state/etc/sources.list" >/dev/null
    $SUDO touch "$state/etc/status"
    APT_OPTS=(
        -o "Dir::Etc::sourcelist=$state/etc/sources.list" -o "Dir::Etc::sourceparts=-"
        -o "Dir::State::lists=$state/lists" -o "Dir::State::status=$state/etc/status"
        -o "Dir::Cache=$state" -o "Dir::Cache::archives=$state/archives"
        -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
        -o "Acquire::Check-Valid-Until=false" -o "APT::Sandbox::User=root" -o "APT::Default-Release=$1"
        -o "Debug::NoLocking=1"
    )
    $SUDO apt-get "${APT_OPTS[@]}" update -qq || die "could not read the package indexes of $* from $MIRROR"
}

# require_served PINS_FILE NAME=VERSION...: every pinned version is served, or one message naming the package, the
# version wanted, what is served, and the file that holds the pin.
require_served() {
    local pins="$1"; shift
    local spec name version served
    for spec in "$@"; do
        name="${spec%%=*}" version="${spec#*=}"
        served="$(apt-cache "${APT_OPTS[@]}" madison "$name" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -u | paste -sd' ' -)"
        case " $served " in
            *" $version "*) ;;
            *) die "package $name: version $version is not served by $MIRROR (served: ${served:-none}); update the pin in $pins" ;;
        esac
    done
}

# install_host_packages PACKAGE...: this machine's own apt, only for what is missing.
install_host_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
