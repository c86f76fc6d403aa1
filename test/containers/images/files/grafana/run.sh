#!/bin/sh
# Stand-in for grafana/grafana:12.2.1's /run.sh (packaging/docker/run.sh), the image's entrypoint.
# The same contract in our words: warn when the config is unreadable, the data directory unwritable or the home
# unreadable; create the plugins directory; HOME is the Grafana home; then exec `grafana server` with the same
# arguments and `cfg:default.*` paths. GF_*__FILE variables are left to the server (see its docstring), which reads
# them exactly as run.sh would and reports the file's owner and mode when it cannot.
set -e

warned=0
if [ ! -r "$GF_PATHS_CONFIG" ]; then echo "GF_PATHS_CONFIG='$GF_PATHS_CONFIG' is not readable."; warned=1; fi
if [ ! -w "$GF_PATHS_DATA" ]; then echo "GF_PATHS_DATA='$GF_PATHS_DATA' is not writable."; warned=1; fi
if [ ! -r "$GF_PATHS_HOME" ]; then echo "GF_PATHS_HOME='$GF_PATHS_HOME' is not readable."; warned=1; fi
if [ "$warned" -eq 1 ]; then echo "You may have issues with file permissions."; fi

[ -d "$GF_PATHS_PLUGINS" ] || mkdir "$GF_PATHS_PLUGINS"

export HOME="$GF_PATHS_HOME"

exec grafana server \
  --homepath="$GF_PATHS_HOME" \
  --config="$GF_PATHS_CONFIG" \
  --packaging=docker \
  "$@" \
  cfg:default.log.mode="console" \
  cfg:default.paths.data="$GF_PATHS_DATA" \
  cfg:default.paths.logs="$GF_PATHS_LOGS" \
  cfg:default.paths.plugins="$GF_PATHS_PLUGINS" \
  cfg:default.paths.provisioning="$GF_PATHS_PROVISIONING"
