#!/usr/bin/env bash
# A three-member etcd cluster on 127.0.0.51-53 (client 2379, peer 2380; ETCD_NET=127.0.6.5 moves it to
# 127.0.6.51-53), default etcd timings, for the
# store benchmark. Every member runs in its own session; its pid is in <dir>/<name>.pid.
#   etcd-cluster.sh start <dir>            start m1..m3 (fresh data dirs) and wait until healthy
#   etcd-cluster.sh start-member <dir> <n> (re)start one member (data dir kept: it rejoins)
#   etcd-cluster.sh kill-member <dir> <n>  kill -9 one member
#   etcd-cluster.sh stop <dir>             kill every member started from <dir>
set -euo pipefail

MEMBERS=(m1 m2 m3)
net=${ETCD_NET:-127.0.0.5}
declare -A HOST=([m1]=${net}1 [m2]=${net}2 [m3]=${net}3)
CLUSTER="m1=http://${net}1:2380,m2=http://${net}2:2380,m3=http://${net}3:2380"
ENDPOINTS="${net}1:2379,${net}2:2379,${net}3:2379"

start_member() {
  local dir=$1 name=$2 host=${HOST[$2]:?unknown member $2}
  mkdir -p "$dir"
  setsid etcd --name "$name" --data-dir "$dir/$name.etcd" \
    --listen-client-urls "http://$host:2379" --advertise-client-urls "http://$host:2379" \
    --listen-peer-urls "http://$host:2380" --initial-advertise-peer-urls "http://$host:2380" \
    --initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token trireme-bench \
    --log-outputs stderr >>"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

kill_member() {
  local pidfile=$1/$2.pid
  [[ -f $pidfile ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
}

wait_healthy() {
  local i
  for i in $(seq 1 150); do
    if ETCDCTL_API=3 etcdctl --endpoints "$ENDPOINTS" --command-timeout=1s endpoint health >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "etcd cluster in $1 did not become healthy; logs in $1/*.log" >&2
  return 1
}

case ${1:-} in
  start)
    dir=${2:?dir}
    for m in "${MEMBERS[@]}"; do
      for port in 2379 2380; do
        if (exec 3<>"/dev/tcp/${HOST[$m]}/$port") 2>/dev/null; then
          echo "${HOST[$m]}:$port is already in use (another etcd running?)" >&2
          exit 1
        fi
      done
    done
    for m in "${MEMBERS[@]}"; do start_member "$dir" "$m"; done
    wait_healthy "$dir"
    ;;
  start-member) start_member "${2:?dir}" "${3:?member}" ;;
  kill-member) kill_member "${2:?dir}" "${3:?member}" ;;
  stop)
    dir=${2:?dir}
    for m in "${MEMBERS[@]}"; do kill_member "$dir" "$m"; done
    ;;
  endpoints) echo "$ENDPOINTS" ;;
  *) sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
