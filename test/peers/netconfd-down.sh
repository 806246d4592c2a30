#!/usr/bin/env bash
# netconfd-down.sh STATE_DIR [PORT...]: stops what netconfd-up.sh started there
# (only the recorded PIDs and their children), all ports when none are given.
set -uo pipefail
STATE_DIR=${1:?usage: netconfd-down.sh STATE_DIR [PORT...]}; shift

descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$c"; echo "$c"; done; }
stop_pid() {
  local f=$1 pid kids
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kids=$(descendants "$pid")
    kill "$pid" $kids 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" $kids 2>/dev/null
  fi
  rm -f "$f"
}
if [ $# -gt 0 ]; then dirs=(); for p in "$@"; do dirs+=("$STATE_DIR/dev-$p"); done
else dirs=("$STATE_DIR"/dev-*); fi
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  stop_pid "$d/sshd.pid"
  stop_pid "$d/netconfd.pid"
  rm -f "$d/ncxserver.sock"
done
