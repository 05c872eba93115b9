#!/usr/bin/env bash
# Cost of one snapshot (docs/continuity.md): PANES panes, each with LINES lines of output in
# its history, TIDEMUX_SNAPSHOT_LINES=2000 (the default). Prints the server's own measure from
# its debug log: bytes written, time spent under the registry lock (take_us) and in total.
# Usage: benches/snapshot_cost.sh [TIDEMUX_BINARY] [PANES] [LINES]
set -euo pipefail
bin=${1:-target/release/tidemux}
panes=${2:-20}
lines=${3:-3000}
dir=$(mktemp -d)
trap 'TIDEMUX_LOG_FILE=$dir/log "$bin" -S "$dir/sock" kill-server >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
export XDG_STATE_HOME=$dir/state TIDEMUX_LOG=debug TIDEMUX_LOG_FILE=$dir/log
t() { "$bin" -S "$dir/sock" "$@"; }
t new-session -d -s bench -x 200 -y 50 -- sh >/dev/null
for i in $(seq 2 "$panes"); do
  t new-window -d -t bench -- sh >/dev/null
done
for p in $(t list-panes -a --json | python3 -c 'import json,sys; v=json.load(sys.stdin); v=v if isinstance(v,list) else v["panes"]; print(" ".join(x["id"] for x in v))'); do
  t send -t "$p" --enter "seq -f 'line %g of some typical agent output, with a few words' $lines" >/dev/null
done
for p in $(t list-panes -a --json | python3 -c 'import json,sys; v=json.load(sys.stdin); v=v if isinstance(v,list) else v["panes"]; print(" ".join(x["id"] for x in v))'); do
  t wait -t "$p" --text "line $lines of" --timeout 60 >/dev/null
done
before=$(grep -c "snapshot written" "$dir/log" || true)
t rename-window -t bench:0 renamed
for _ in $(seq 1 200); do
  n=$(grep -c "snapshot written" "$dir/log" || true)
  [ "$n" -gt "$before" ] && break
  sleep 0.05
done
grep "snapshot written" "$dir/log" | tail -1
ls -l "$dir"/state/tidemux/*.snapshot
