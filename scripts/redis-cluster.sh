#!/usr/bin/env bash
# A throwaway 3-master Redis Cluster on loopback, for the StateStore tests and bench.
#   scripts/redis-cluster.sh start [BASE_PORT]   # ports BASE..BASE+2, default 7101; idempotent
#   scripts/redis-cluster.sh stop  [BASE_PORT]   # shuts the nodes down and removes their dirs
# `start` prints REDIS_CLUSTER_NODES=... for the tests to export.
set -euo pipefail

command=${1:-}
base=${2:-7101}
root=/tmp/gatehouse-redis-cluster
ports=("$base" "$((base + 1))" "$((base + 2))")

nodes_var() {
  local list=()
  for port in "${ports[@]}"; do list+=("127.0.0.1:$port"); done
  (IFS=,; echo "REDIS_CLUSTER_NODES=${list[*]}")
}

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

running() { cli "$1" ping >/dev/null 2>&1; }

cluster_ok() {
  for port in "${ports[@]}"; do
    cli "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
  done
}

start_node() {
  local port=$1 dir="$root/$1"
  running "$port" && return 0
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" \
    --cluster-enabled yes --cluster-config-file nodes.conf \
    --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 1 50); do running "$port" && return 0; sleep 0.1; done
  echo "redis-server on port $port did not start; see $dir/redis.log" >&2
  exit 1
}

# Slots are assigned once: a node that already knows its peers needs no `--cluster create`.
create_cluster() {
  local known
  known=$(cli "${ports[0]}" cluster info | tr -d '\r' | awk -F: '/cluster_known_nodes/ {print $2}')
  if [ "${known:-1}" -lt "${#ports[@]}" ]; then
    local list=()
    for port in "${ports[@]}"; do list+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${list[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  fi
}

wait_ok() {
  for _ in $(seq 1 100); do cluster_ok && return 0; sleep 0.1; done
  echo "cluster did not reach cluster_state:ok (a stale cluster? run: $0 stop $base)" >&2
  exit 1
}

case "$command" in
  start)
    if ! cluster_ok; then
      for port in "${ports[@]}"; do start_node "$port"; done
      create_cluster
      wait_ok
    fi
    nodes_var
    ;;
  stop)
    for port in "${ports[@]}"; do
      cli "$port" shutdown nosave >/dev/null 2>&1 || true
      rm -rf "${root:?}/$port"
    done
    rmdir "$root" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop [BASE_PORT]" >&2
    exit 2
    ;;
esac
