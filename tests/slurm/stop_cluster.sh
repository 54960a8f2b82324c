#!/usr/bin/env bash
# Stop the cluster that start_cluster.sh started in $1.
D=$(realpath "$1")
for p in slurmd slurmctld munged; do [ -f "$D/$p.pid" ] && kill "$(cat "$D/$p.pid")" 2>/dev/null; done
exit 0
