#!/usr/bin/env bash
# Entrypoint of the postgres stand-in (test/containers/images/postgres.ts), written for the documented contract of the
# official postgres image's entrypoint that the stack relies on; not a copy of it.
#
#  - A first argument that is an option (`-…`) runs `postgres` with the arguments.
#  - For `postgres` (not asking for --help/--version/--describe-config): POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE
#    (exclusive), POSTGRES_USER (default postgres), POSTGRES_DB (default: the user), POSTGRES_INITDB_ARGS,
#    POSTGRES_INITDB_WALDIR and POSTGRES_HOST_AUTH_METHOD, each also as *_FILE, and PGDATA.
#  - Started as root it creates the directories, hands them to postgres and re-runs itself as postgres.
#  - On an empty PGDATA only: initdb, a `host all all all <method>` line in PGDATA's pg_hba.conf, a temporary server
#    on the unix socket alone (with the same arguments), POSTGRES_DB created, then each /docker-entrypoint-initdb.d
#    entry in name order: executable *.sh run, other *.sh sourced (they see this script's variables), *.sql (also
#    .gz/.xz/.zst) fed to psql; then the temporary server stops.
#  - Finally `exec "$@"`: the server is PID 1.
# Works as any uid (the stack runs it as 999) on a read-only root: it writes only PGDATA and the socket directory.
set -Eeo pipefail

die() { printf >&2 '%s: %s\n' "${0##*/}" "$*"; exit 1; }

# VAR, or the content of the file VAR_FILE names; both set is an error.
read_env() {
    local name="$1" default="${2:-}" file_name="${1}_FILE"
    local value="${!name:-}" file="${!file_name:-}"
    if [ -n "$value" ] && [ -n "$file" ]; then
        die "both $name and $file_name are set; they are exclusive"
    fi
    if [ -n "$file" ]; then
        [ -r "$file" ] || die "$file_name names $file, which is not readable by uid $(id -u)"
        value="$(< "$file")"
    fi
    export "$name"="${value:-$default}"
    unset "$file_name"
}

wants_help() {
    local arg
    for arg; do
        case "$arg" in -'?'|--help|--describe-config|-V|--version) return 0 ;; esac
    done
    return 1
}

prepare_directories() {
    mkdir -p "$PGDATA"
    # PostgreSQL insists on 0700 (or 0750); a volume we cannot chmod makes initdb say so itself.
    chmod 700 "$PGDATA" 2>/dev/null || :
    mkdir -p /var/run/postgresql 2>/dev/null || :
    chmod 3775 /var/run/postgresql 2>/dev/null || :
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
        mkdir -p "$POSTGRES_INITDB_WALDIR"
        chmod 700 "$POSTGRES_INITDB_WALDIR"
    fi
    if [ "$(id -u)" = 0 ]; then
        find "$PGDATA" /var/run/postgresql ${POSTGRES_INITDB_WALDIR:+"$POSTGRES_INITDB_WALDIR"} \! -user postgres -exec chown postgres '{}' +
    fi
}

init_cluster() {
    # initdb wants the running uid in the user database; an arbitrary --user gets one through nss_wrapper.
    local uid gid wrapper
    uid="$(id -u)"
    gid="$(id -g)"
    if ! getent passwd "$uid" >/dev/null; then
        for wrapper in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
            [ -s "$wrapper" ] || continue
            NSS_WRAPPER_PASSWD="$(mktemp)"
            NSS_WRAPPER_GROUP="$(mktemp)"
            printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$uid" "$gid" "$PGDATA" > "$NSS_WRAPPER_PASSWD"
            printf 'postgres:x:%s:\n' "$gid" > "$NSS_WRAPPER_GROUP"
            export LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
            break
        done
    fi
    local extra=()
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then extra+=(--waldir "$POSTGRES_INITDB_WALDIR"); fi
    # The password reaches initdb through a pipe, never the command line; POSTGRES_INITDB_ARGS is split as a shell would.
    eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"${POSTGRES_INITDB_ARGS:-}"' "${extra[@]}"'
    if [ -n "${NSS_WRAPPER_PASSWD:-}" ]; then
        rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
        unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
    fi
}

require_password() {
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
        die "the database is not initialised and no superuser password is given: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE (or POSTGRES_HOST_AUTH_METHOD=trust)"
    fi
    if [ "${POSTGRES_HOST_AUTH_METHOD:-}" = trust ]; then
        printf >&2 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust lets anyone who reaches the port in without a password.\n'
    fi
}

# Network logins use POSTGRES_HOST_AUTH_METHOD, by default the server's password_encryption.
append_host_rule() {
    if [ "$1" = postgres ]; then shift; fi
    local method="${POSTGRES_HOST_AUTH_METHOD:-}"
    if [ -z "$method" ]; then method="$(postgres -C password_encryption "$@")"; fi
    printf '\nhost all all all %s\n' "$method" >> "$PGDATA/pg_hba.conf"
}

temp_server() {
    local action="$1"
    shift
    if [ "$action" = start ]; then
        if [ "${1:-}" = postgres ]; then shift; fi
        # The socket alone: nothing reaches the server over the network while it is being set up.
        local options
        options="$(printf '%q ' "$@" -c "listen_addresses=" -p "${PGPORT:-5432}")"
        NOTIFY_SOCKET= PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$options" -w start
    else
        PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop
    fi
}

# psql as the superuser on the socket, stopping at the first error; arguments are psql's.
run_sql() {
    local psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    if [ -n "${POSTGRES_DB:-}" ]; then psql+=(--dbname "$POSTGRES_DB"); fi
    PGHOST= PGHOSTADDR= "${psql[@]}" "$@"
}

create_database() {
    local exists
    exists="$(POSTGRES_DB= run_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<< "SELECT 1 FROM pg_database WHERE datname = :'db';")"
    if [ -z "${exists//[[:space:]]/}" ]; then
        POSTGRES_DB= run_sql --dbname postgres --set db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db";'
    fi
}

run_init_scripts() {
    local f
    for f in "$@"; do
        [ -e "$f" ] || continue
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then
                    printf '%s: running %s\n' "${0##*/}" "$f"
                    "$f"
                else
                    printf '%s: sourcing %s\n' "${0##*/}" "$f"
                    # shellcheck disable=SC1090
                    . "$f"
                fi
                ;;
            *.sql) printf '%s: running %s\n' "${0##*/}" "$f"; run_sql -f "$f" ;;
            *.sql.gz) printf '%s: running %s\n' "${0##*/}" "$f"; gunzip -c "$f" | run_sql ;;
            *.sql.xz) printf '%s: running %s\n' "${0##*/}" "$f"; xzcat "$f" | run_sql ;;
            *.sql.zst) printf '%s: running %s\n' "${0##*/}" "$f"; zstd -dc "$f" | run_sql ;;
            *) printf '%s: ignoring %s\n' "${0##*/}" "$f" ;;
        esac
    done
}

main() {
    if [ "${1:0:1}" = - ]; then
        set -- postgres "$@"
    fi
    if [ "$1" = postgres ] && ! wants_help "$@"; then
        read_env POSTGRES_PASSWORD
        read_env POSTGRES_USER postgres
        read_env POSTGRES_DB "$POSTGRES_USER"
        read_env POSTGRES_INITDB_ARGS
        read_env POSTGRES_HOST_AUTH_METHOD
        : "${PGDATA:?PGDATA must be set}"
        prepare_directories
        if [ "$(id -u)" = 0 ]; then
            exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
        fi
        if [ ! -s "$PGDATA/PG_VERSION" ]; then
            require_password
            # Fail before initdb, not half-way, when the scripts cannot be read.
            ls /docker-entrypoint-initdb.d/ > /dev/null
            init_cluster
            append_host_rule "$@"
            export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
            temp_server start "$@"
            create_database
            run_init_scripts /docker-entrypoint-initdb.d/*
            temp_server stop
            unset PGPASSWORD
            printf '\nPostgreSQL init process complete; ready for start up.\n\n'
        else
            printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
        fi
    fi
    exec "$@"
}

main "$@"
