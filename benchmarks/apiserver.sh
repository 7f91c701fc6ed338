#!/usr/bin/env bash
# Apiserver benchmark on this machine: the same ApiBench against
#   trireme — one apiserver of a three-node `bin/trireme up --detach` cluster (127.0.6.11-13, VIP 127.0.6.100),
#             called directly on 127.0.6.11:6443 (its store is the embedded raft-store);
#   etcd    — the same apiserver code alone (EtcdApiServer, 127.0.6.21:6443) over a three-member Debian etcd
#             (127.0.6.51-53, benchmarks/store/etcd-cluster.sh), the anchor that gives the ratio.
# Phases: mutating calls (create/patch/delete ConfigMaps) and single-object GETs at a steady open-loop rate
# (Kubernetes SLO: p99 < 1 s; aim < 50 ms), LIST of N pods (full, resourceVersion=0 from the watch cache,
# pages of 500), and watch delivery to W concurrent watchers. Writes benchmarks/results/apiserver-<date>.md
# (JSON lines beside it) with the command, machine and load averages.
#
# usage: benchmarks/apiserver.sh [--systems trireme,etcd] [--results DIR] [-- ApiBench options]
#   ApiBench options (defaults): --rate 200 --duration 30 --warmup 10 --pods 10000 --watchers 1000 --watch-clients 1
#                                --watch-events 200 --watch-rate 20 --phases mutate,get,list,watch
# Every process the script starts is stopped on exit, failure or Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bench_name=apiserver-bench
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
systems=trireme,etcd results=$root/benchmarks/results
extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --systems) systems=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

export ETCD_NET=127.0.6.5
ANCHOR=127.0.6.21
work=$(mktemp -d "${TMPDIR:-/tmp}/apiserver-bench.XXXXXX")
stamp=$(date -u +%Y-%m-%d-%H%M)
mkdir -p "$results"
md=$results/apiserver-$stamp.md
jsonl=$results/apiserver-$stamp.jsonl
: >"$jsonl"
cluster="" etcd_dir="" anchor_pid="" bench_pid=""

load() { cut -d' ' -f1-3 /proc/loadavg; }

stop_systems() {
  [[ -n $anchor_pid ]] && kill "$anchor_pid" 2>/dev/null || true
  [[ -n $etcd_dir ]] && "$here/store/etcd-cluster.sh" stop "$etcd_dir" || true
  if [[ -n $cluster ]]; then
    "$root/bin/trireme" down --dir "$cluster" >/dev/null 2>&1 || true
    local f
    for f in "$cluster"/node*/pid; do [[ -f $f ]] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  fi
}
bench_traps

log "building (package, never install)"
bench_build

# ApiBench in the background (so Ctrl-C reaches the trap at once); $1 system, $2 kubeconfig, $3 server.
bench() {
  local report=$work/report-$1.txt
  echo "$1: load average at start $(load)" >"$report"
  log "$1: ApiBench against $3 (load average $(load))"
  java -Xms256m -Xmx2g -cp "$cp" io.trireme.bench.api.ApiBench --kubeconfig "$2" --server "$3" --system "$1" \
    --out "$jsonl" "${extra[@]}" >>"$report" 2>"$work/bench-$1.log" &
  bench_pid=$!
  wait "$bench_pid" || log "$1: ApiBench FAILED (see $work/bench-$1.log)"
  bench_pid=""
  echo "$1: load average at end $(load)" >>"$report"
  cat "$report"
}

run_trireme() {
  cluster=$work/trireme
  log "trireme: bin/trireme up --detach --dir $cluster"
  "$root/bin/trireme" up --detach --dir "$cluster" --addresses 127.0.6.11,127.0.6.12,127.0.6.13 \
    --vip 127.0.6.100 >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; return 1; }
  bench trireme "$cluster/admin.conf" https://127.0.6.11:6443
  "$root/bin/trireme" down --dir "$cluster" >/dev/null 2>&1 || true
  cluster=""
}

run_etcd() {
  etcd_dir=$work/etcd
  log "etcd: three members on ${ETCD_NET}1-3, apiserver on $ANCHOR:6443"
  "$here/store/etcd-cluster.sh" start "$etcd_dir"
  java -Xms256m -Xmx1g -cp "$cp" io.trireme.bench.api.EtcdApiServer "$ANCHOR" "${ETCD_NET}1:2379" \
    "$work/anchor" >"$work/anchor.log" 2>&1 &
  anchor_pid=$!
  local i
  for i in $(seq 1 3000); do # EtcdApiServer gives up (exit 1, with the reason) after 120 s
    [[ -f $work/anchor/admin.conf ]] && break
    kill -0 "$anchor_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -f $work/anchor/admin.conf ]] || { log "etcd: the anchor apiserver did not start"; cat "$work/anchor.log" >&2; return 1; }
  bench etcd "$work/anchor/admin.conf" "https://$ANCHOR:6443"
  kill "$anchor_pid" 2>/dev/null || true
  wait "$anchor_pid" 2>/dev/null || true
  anchor_pid=""
  "$here/store/etcd-cluster.sh" stop "$etcd_dir"
  etcd_dir=""
}

IFS=, read -r -a chosen <<<"$systems"
for system in "${chosen[@]}"; do
  case $system in
    trireme) run_trireme || log "trireme run failed" ;;
    etcd) run_etcd || log "etcd run failed" ;;
    *) echo "unknown system $system" >&2; exit 2 ;;
  esac
done

table=$work/table.md
if [[ ,$systems, == *,etcd,* && ,$systems, == *,trireme,* ]]; then
  java -cp "$cp" io.trireme.bench.CompareResults --baseline etcd --candidate trireme --out "$table" "$jsonl" >/dev/null
fi
{
  echo "# Apiserver benchmark ($stamp UTC)"
  echo
  echo "Produced by \`benchmarks/apiserver.sh --systems $systems${extra:+ -- ${extra[*]}}\`"
  echo "on $(nproc) cores ($(uname -r)); $(etcd --version 2>/dev/null | head -1); $(java -version 2>&1 | head -1);"
  echo "trireme commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo "The machine is shared: the load average at the start and end of each system's run is below."
  echo "trireme = one apiserver of a three-node \`bin/trireme up\` (called on 127.0.6.11:6443, not through the"
  echo "VIP); etcd = the same apiserver code alone over a three-member Debian etcd (127.0.6.51-53). One ApiBench"
  echo "JVM on the same cores, HTTP/1.1 keep-alive, admin client certificate. Open loop: call i is due at"
  echo "start + i/rate and its latency counts from then (at most 256 in flight). Watch delivery = arrival at a"
  echo "watcher − send time of the create. Kubernetes SLO: mutating and GET p99 ≤ 1 s."
  echo
  [[ -f $table ]] && cat "$table" && echo
  echo "## Raw per-system output"
  for f in "$work"/report-*.txt; do
    [[ -f $f ]] || continue
    echo
    echo "### $(basename "$f" .txt)"
    echo '```'
    cat "$f"
    echo '```'
  done
} >"$md"
cat "$md"
log "results: $md and $jsonl"
