/**
 * The backup job's shell logic, kept apart from renderBackupScript (backup.ts), which writes the header that sets every
 * value this body reads. Plain text: nothing here is interpolated by TypeScript.
 */
export const BACKUP_SCRIPT_BODY = String.raw`readonly HEARTBEAT=/tmp/backup-heartbeat
umask 077

log() { printf 'backup: %s\n' "$*" >&2; }

# Why a connection failed, in words an operator can act on (the server says "password authentication failed" for a
# role that does not exist too, so as not to reveal which roles exist).
explain_failure() {
    local errors=$1
    if grep -qE 'password authentication failed|role ".*" does not exist' "$errors"; then
        log "PostgreSQL refused the role $PGUSER. A stack whose database was initialised before the backup job existed has no such role yet: 'npm run backup -- --stack $STACK' creates it, then backs up (docs/runbook.md, BackupFailed). Otherwise its password differs from $PASS_FILE."
    elif grep -qE 'certificate|SSL' "$errors"; then
        log "TLS to $PGHOST failed (sslmode verify-full against $PGSSLROOTCERT): is the certificate issued for $PGHOST by the stack's CA?"
    elif grep -qE 'could not connect|could not translate|timeout expired|Connection refused' "$errors"; then
        log "PostgreSQL at $PGHOST:$PGPORT is not reachable (is the postgres container running and healthy?)."
    fi
}

# Metrics for node_exporter's textfile collector, written atomically; a copy on the volume survives restarts.
write_metrics() {
    local status=$1 finished=$2 size=$3 duration=$4 last_success=$5 kept tmp
    kept=$(find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' | wc -l)
    tmp="$STATE_DIR/metrics.prom.tmp"
    {
        printf '# HELP %s %s\n# TYPE %s gauge\n' "$LAST_STATUS_METRIC" "$LAST_STATUS_HELP" "$LAST_STATUS_METRIC"
        printf '%s{destination="%s"} %s\n' "$LAST_STATUS_METRIC" "$DESTINATION" "$status"
        if [ -n "$last_success" ]; then
            printf '# HELP %s %s\n# TYPE %s gauge\n' "$LAST_SUCCESS_METRIC" "$LAST_SUCCESS_HELP" "$LAST_SUCCESS_METRIC"
            printf '%s{destination="%s"} %s\n' "$LAST_SUCCESS_METRIC" "$DESTINATION" "$last_success"
        fi
        printf '# HELP backup_last_run_timestamp_seconds Unix time the last backup run ended.\n# TYPE backup_last_run_timestamp_seconds gauge\n'
        printf 'backup_last_run_timestamp_seconds{destination="%s"} %s\n' "$DESTINATION" "$finished"
        printf '# HELP backup_last_run_duration_seconds Seconds the last backup run took.\n# TYPE backup_last_run_duration_seconds gauge\n'
        printf 'backup_last_run_duration_seconds{destination="%s"} %s\n' "$DESTINATION" "$duration"
        printf '# HELP backup_last_size_bytes Size of the last verified dump.\n# TYPE backup_last_size_bytes gauge\n'
        printf 'backup_last_size_bytes{destination="%s"} %s\n' "$DESTINATION" "$size"
        printf '# HELP backup_kept_dumps Dumps kept on the backup volume.\n# TYPE backup_kept_dumps gauge\n'
        printf 'backup_kept_dumps{destination="%s"} %s\n' "$DESTINATION" "$kept"
    } > "$tmp"
    chmod 0644 "$tmp"
    cp "$tmp" "$METRICS_FILE.tmp" && chmod 0644 "$METRICS_FILE.tmp" && mv -f "$METRICS_FILE.tmp" "$METRICS_FILE"
    mv -f "$tmp" "$STATE_DIR/metrics.prom"
}

# The last success time recorded by the previous run (empty when no run ever succeeded).
last_success() {
    sed -n "s/^$LAST_SUCCESS_METRIC{[^}]*} \([0-9]*\)$/\1/p" "$STATE_DIR/metrics.prom" 2>/dev/null || true
}

verify() {
    local name=$1
    [[ $name =~ ^[A-Za-z0-9._-]+\.dump$ ]] || { log "'$name' is not the name of a dump"; return 2; }
    [ -f "$BACKUP_DIR/$name" ] || { log "no backup $name in $BACKUP_DIR (list them with 'list')"; return 1; }
    [ -f "$BACKUP_DIR/$name.sha256" ] || { log "$name has no checksum file: refusing it"; return 1; }
    (cd "$BACKUP_DIR" && sha256sum --check --status --strict -- "$name.sha256") || { log "$name does not match its SHA-256 ($name.sha256): refusing it"; return 1; }
    pg_restore --list -- "$BACKUP_DIR/$name" > /dev/null || { log "pg_restore cannot read $name's table of contents"; return 1; }
}

# Removes dumps beyond the newest KEEP_COUNT or older than KEEP_DAYS; the newest one is never removed.
prune() {
    local cutoff index=0 name
    cutoff=$(( $(date -u +%s) - KEEP_DAYS * 86400 ))
    while IFS= read -r name; do
        index=$((index + 1))
        [ "$index" -eq 1 ] && continue
        if [ "$index" -gt "$KEEP_COUNT" ] || [ "$(stat -c %Y -- "$BACKUP_DIR/$name")" -lt "$cutoff" ]; then
            rm -f -- "$BACKUP_DIR/$name" "$BACKUP_DIR/$name.sha256"
            log "removed $name (retention: $KEEP_COUNT dumps, $KEEP_DAYS days)"
        fi
    done < <(find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' -printf '%f\n' | sort -r)
}

take() {
    local label=$1 started name partial errors digest size finished
    started=$(date -u +%s)
    name="$DATABASE-$(date -u -d "@$started" +%Y%m%dT%H%M%SZ)-$label.dump"
    partial="$BACKUP_DIR/.$name.partial"
    errors="$STATE_DIR/pg_dump.errors"
    rm -f -- "$BACKUP_DIR"/.*.partial
    if ! pg_dump --format=custom --no-password --file="$partial" 2> "$errors"; then
        cat "$errors" >&2
        explain_failure "$errors"
        rm -f -- "$partial"
        return 1
    fi
    pg_restore --list -- "$partial" > /dev/null || { log "pg_restore cannot read the dump just written"; rm -f -- "$partial"; return 1; }
    digest=$(sha256sum -- "$partial" | cut -d' ' -f1)
    mv -- "$partial" "$BACKUP_DIR/$name" || return 1
    printf '%s  %s\n' "$digest" "$name" > "$BACKUP_DIR/.$name.sha256.partial" || return 1
    mv -- "$BACKUP_DIR/.$name.sha256.partial" "$BACKUP_DIR/$name.sha256" || return 1
    if ! verify "$name"; then
        # Out of the way of list, retention and restores, but kept for a look at what went wrong.
        mv -f -- "$BACKUP_DIR/$name" "$BACKUP_DIR/.$name.failed"
        rm -f -- "$BACKUP_DIR/$name.sha256"
        return 1
    fi
    size=$(stat -c %s -- "$BACKUP_DIR/$name")
    finished=$(date -u +%s)
    prune
    write_metrics 1 "$finished" "$size" $((finished - started)) "$finished"
    log "$name verified: $size bytes, SHA-256 $digest, $((finished - started)) s"
    printf '%s\n' "$name"
}

run() {
    local label=$1 started status=0
    [[ $label =~ ^[a-z][a-z0-9-]{0,31}$ ]] || { log "label '$label' must be 1 to 32 lower-case letters, digits and hyphens"; return 2; }
    mkdir -p -- "$BACKUP_DIR" "$STATE_DIR" "$(dirname -- "$METRICS_FILE")"
    started=$(date -u +%s)
    exec 9> "$STATE_DIR/lock"
    flock --timeout 3600 9 || { log "another run holds the lock for an hour: giving up"; return 1; }
    take "$label" || status=$?
    if [ "$status" -ne 0 ]; then
        local finished; finished=$(date -u +%s)
        write_metrics 0 "$finished" 0 $((finished - started)) "$(last_success)"
        log "the run failed: no new backup (the previous ones are kept)"
    fi
    return "$status"
}

list() {
    local name
    while IFS= read -r name; do
        printf '%s\t%s bytes\t%s\n' "$name" "$(stat -c %s -- "$BACKUP_DIR/$name")" "$(date -u -d "@$(stat -c %Y -- "$BACKUP_DIR/$name")" +%FT%TZ)"
    done < <(find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' -printf '%f\n' 2>/dev/null | sort -r)
}

# Epoch of the next scheduled time after now.
next_run() {
    local now best=0 time at
    now=$(date -u +%s)
    for time in "${"$"}{SCHEDULE[@]}"; do
        at=$(date -u -d "$time" +%s)
        [ "$at" -le "$now" ] && at=$((at + 86400))
        if [ "$best" -eq 0 ] || [ "$at" -lt "$best" ]; then best=$at; fi
    done
    printf '%s\n' "$best"
}

# A run in the background, the heartbeat kept fresh while it lasts (a large dump takes a while).
run_beside_heartbeat() {
    ( run "$1" ) & child=$!
    while kill -0 "$child" 2>/dev/null; do touch "$HEARTBEAT"; sleep 5 & wait $! || true; done
    wait "$child" || true
    child=
}

schedule() {
    child=
    trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 143' TERM INT
    mkdir -p -- "$BACKUP_DIR" "$STATE_DIR"
    touch "$HEARTBEAT"
    # The metrics directory is in memory: put the last run's metrics back at once.
    if [ -f "$STATE_DIR/metrics.prom" ]; then cp "$STATE_DIR/metrics.prom" "$METRICS_FILE.tmp" && chmod 0644 "$METRICS_FILE.tmp" && mv -f "$METRICS_FILE.tmp" "$METRICS_FILE"; fi
    # A database without a backup is at risk now, not at the next scheduled time (once the server accepts connections:
    # on a new stack it is still initialising).
    if [ -z "$(last_success)" ]; then
        local waited=0
        until pg_isready --quiet --timeout=5 || [ "$waited" -ge 600 ]; do touch "$HEARTBEAT"; sleep 5 & child=$!; wait "$child" || true; waited=$((waited + 10)); done
        log "no run has succeeded yet: taking a backup now"
        run_beside_heartbeat startup
    fi
    while :; do
        local at; at=$(next_run)
        log "next run at $(date -u -d "@$at" +%FT%TZ)"
        while [ "$(date -u +%s)" -lt "$at" ]; do
            touch "$HEARTBEAT"
            sleep "$(( at - $(date -u +%s) < 20 ? at - $(date -u +%s) : 20 ))" & child=$!
            wait "$child" || true
        done
        run_beside_heartbeat scheduled
    done
}

health() {
    [ -f "$HEARTBEAT" ] && [ $(( $(date -u +%s) - $(stat -c %Y "$HEARTBEAT") )) -lt 90 ] || { echo "the scheduler's heartbeat is stale"; return 1; }
    [ -w "$BACKUP_DIR" ] || { echo "$BACKUP_DIR is not writable"; return 1; }
}

case "${"$"}{1:-}" in
    schedule) schedule ;;
    run) run "${"$"}{2:-on-demand}" ;;
    verify) verify "${"$"}{2:?verify needs the name of a dump}" ;;
    list) list ;;
    health) health ;;
    *) log "usage: $0 schedule | run [LABEL] | verify NAME | list | health"; exit 2 ;;
esac
`;
