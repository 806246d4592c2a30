#!/usr/bin/env bash
# netconfd-down.sh STATE_DIR [PORT...]: stops what netconfd-up.sh started there
# (only the recorded PIDs and their children), all ports when none are given.
# Everything gets SIGTERM at once, then SIGKILL for what is still up after 3 s.
set -uo pipefail
STATE_DIR=${1:?usage: netconfd-down.sh STATE_DIR [PORT...]}; shift

descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$c"; echo "$c"; done; }
# Alive and not a zombie (orphans may wait a while to be reaped by PID 1).
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $st != Z* ]]; }

if [ $# -gt 0 ]; then dirs=(); for p in "$@"; do dirs+=("$STATE_DIR/dev-$p"); done
else dirs=("$STATE_DIR"/dev-*); fi
pids=(); left=()
for d in "${dirs[@]}"; do
  for f in "$d/sshd.pid" "$d/netconfd.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); rm -f "$f"
    alive "$pid" && pids+=("$pid" $(descendants "$pid"))
  done
done
[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
for _ in $(seq 1 60); do
  left=(); for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
  [ ${#left[@]} -eq 0 ] && break
  sleep 0.05
done
[ ${#left[@]} -gt 0 ] && kill -9 "${left[@]}" 2>/dev/null
for d in "${dirs[@]}"; do rm -f "$d/ncxserver.sock"; done
exit 0
