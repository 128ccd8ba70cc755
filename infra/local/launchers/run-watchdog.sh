#!/usr/bin/env bash
# Stops a test run's services when the process that owns the run dies without its teardown
# (jest killed, Ctrl-C, a crash): without this, Kafka and S3Mock would live on until the next
# run's set-up reaps them. Started detached by process-group.ts; a normal teardown kills it first.
#   run-watchdog.sh <owner pid> <run dir>
# The run dir's run.json lists the process groups (pretty-printed by process-group.ts, one
# `"pid": N` per line). The databases and the run dir are left to the next set-up, which reads them.
set -u
owner="$1"
dir="$2"

while kill -0 "$owner" 2>/dev/null; do sleep 1; done

# Only groups whose leader still names this run's dir: a recycled pid is someone else's.
ours=()
for pid in $(grep -o '"pid": *[0-9]*' "$dir/run.json" 2>/dev/null | grep -o '[0-9]*$'); do
  [[ "$pid" == "$$" ]] && continue
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir" && ours+=("$pid")
done
((${#ours[@]} == 0)) && exit 0

for pid in "${ours[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
for _ in $(seq 1 100); do
  alive=0
  for pid in "${ours[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  ((alive == 0)) && break
  sleep 0.1
done
for pid in "${ours[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
# The data dirs are the bulk of a run; run.json and the logs stay for the next set-up to read.
rm -rf "$dir/kafka" "$dir/s3"
echo "[watchdog] owner $owner gone: stopped ${ours[*]}"
