#!/bin/sh
# Entrypoint of the redis stand-in (test/containers/images/redis.ts), written for the contract of the official
# redis image's entrypoint that the stack relies on; not a copy of it.
#  - A first argument that is an option (`-…`) or a config file (`*.conf`) runs redis-server with the arguments.
#  - Started as root (no --user) for redis-server, it hands the data directory to the redis user and re-runs itself
#    as that user, unless SKIP_DROP_PRIVS is set or the capabilities to switch user (SETUID, SETGID) were dropped.
#  - With the default umask 0022 it uses 0077: Redis's files are its own.
set -e

case "$1" in
    -*|*.conf) set -- redis-server "$@" ;;
esac

can_switch_user() {
    # CAP_SETGID is bit 6, CAP_SETUID bit 7 of the bounding set.
    bounding="$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)"
    [ $(( 0x$bounding & 0xc0 )) -eq $(( 0xc0 )) ]
}

if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ] && [ -z "${SKIP_DROP_PRIVS:-}" ] && can_switch_user; then
    if [ -z "${SKIP_FIX_PERMS:-}" ]; then
        find . \! -user redis -exec chown redis '{}' + || echo "Warning: could not hand $(pwd) to redis; set SKIP_FIX_PERMS=1 to skip" >&2
    fi
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

if [ "$(umask)" = 0022 ]; then
    umask 0077
fi

exec "$@"
