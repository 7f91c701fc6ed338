#!/usr/bin/env bash
# Store benchmark, side by side on this machine: a three-member etcd (Debian's `etcd`, 127.0.0.51-53,
# default timings) and a three-node Trireme (`bin/trireme up`, 127.0.0.41-43), each fresh per run,
# driven by the same StoreBench (put, range, watch, leader failover) plus `etcdctl check perf`.
# Prints a table of medians with ratios Trireme/etcd and writes it to
# benchmarks/results/store-<date>.md (raw figures beside it in store-<date>.jsonl).
#
# usage: benchmarks/store-vs-etcd.sh [--runs N] [--duration S] [--trials N] [--systems etcd,trireme]
#                                    [--check-perf-load s|m|l|none] [--results DIR] [-- StoreBench options]
#   --runs N            fresh clusters per system; the table shows medians [min-max]   (default 1)
#   --duration S        measured seconds per load phase                                 (default 20)
#   --trials N          leader kill -9 trials per run                                   (default 5)
#   --systems LIST      which systems to run                                            (default etcd,trireme)
#   --check-perf-load L etcdctl check perf load, or none                                (default m)
#   --results DIR       where the Markdown and JSON lines go                            (default benchmarks/results)
#   --trireme-jar JAR   the node jar to run                               (default node/target/trireme.jar)
#   --warmup S          unmeasured warm-up before each load phase, both systems         (default 20)
#   --server-warmup S   unmeasured mixed load (puts at 16 and 64 clients, linearizable reads) on each fresh
#                       cluster before its first measured phase, both systems; 0: none   (default 180)
#                       A long-running server is measured warm: on this 2-core machine the three JVMs'
#                       JIT compilers take minutes of load to settle (put-64 went 420/s in the first
#                       40 s of load, 1,700/s after 2 minutes, 3,000/s after 5); etcd needs none.
# The Trireme jar and launcher are copied into the work directory first, so a rebuild of the checkout
# during the run cannot pull classes out from under the running nodes.
# Every process the script starts is stopped on exit, failure or Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bench_name=store-vs-etcd
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
runs=1 duration=20 trials=5 systems=etcd,trireme load=m results=$root/benchmarks/results warmup=20 server_warmup=180
trireme_jar=$root/node/target/trireme.jar
extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --systems) systems=$2; shift 2 ;;
    --check-perf-load) load=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --trireme-jar) trireme_jar=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --server-warmup) server_warmup=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number" >&2; exit 2; }
[[ $warmup =~ ^[0-9]+$ ]] || { echo "--warmup must be a number of seconds" >&2; exit 2; }
[[ $server_warmup =~ ^[0-9]+$ ]] || { echo "--server-warmup must be a number of seconds" >&2; exit 2; }
[[ $trials =~ ^[1-9][0-9]*$ ]] || { echo "--trials must be a positive number" >&2; exit 2; }
[[ $load =~ ^(s|m|l|xl|none)$ ]] || { echo "--check-perf-load must be s, m, l, xl or none" >&2; exit 2; }

ETCD_ENDPOINTS=127.0.0.51:2379,127.0.0.52:2379,127.0.0.53:2379
TRIREME_ADDRESSES=127.0.0.41,127.0.0.42,127.0.0.43
TRIREME_ENDPOINTS=127.0.0.41:2379,127.0.0.42:2379,127.0.0.43:2379

work=$(mktemp -d "${TMPDIR:-/tmp}/store-vs-etcd.XXXXXX")
stamp=$(date -u +%Y-%m-%d-%H%M)
mkdir -p "$results"
md=$results/store-$stamp.md
jsonl=$results/store-$stamp.jsonl
: >"$jsonl"
etcd_dir="" trireme_dir="" bench_pid=""
trireme_bin=$work/trireme-root/bin/trireme


stop_etcd() {
  [[ -n $etcd_dir ]] || return 0
  "$here/store/etcd-cluster.sh" stop "$etcd_dir" || true
  etcd_dir=""
}

stop_trireme() {
  [[ -n $trireme_dir ]] || return 0
  "$trireme_bin" down --dir "$trireme_dir" >>"$trireme_dir/down.log" 2>&1 || true
  local f
  for f in "$trireme_dir"/node*/pid; do # a node that `down` did not stop (e.g. it failed)
    [[ -f $f ]] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  trireme_dir=""
}

stop_systems() {
  stop_etcd
  stop_trireme
}
bench_traps

log "building the benchmark"
# The benchmark module uses the node module's client pieces, so those are built from this checkout too.
bench_build

# A private copy of the launcher and the node jar (bin/trireme finds the jar relative to itself).
snapshot_trireme() {
  if [[ ! -f $trireme_jar ]]; then
    log "building $trireme_jar"
    (cd "$root" && mvn -B -q -o -pl node -am package -DskipTests) >&2
  fi
  mkdir -p "$work/trireme-root/bin" "$work/trireme-root/node/target"
  cp "$root/bin/trireme" "$trireme_bin"
  local i
  for i in 1 2 3 4 5 6; do # the jar may be being rewritten by a build right now
    cp -p "$trireme_jar" "$work/trireme-root/node/target/trireme.jar"
    if unzip -tqq "$work/trireme-root/node/target/trireme.jar" >/dev/null 2>&1; then
      log "trireme: using a copy of $trireme_jar ($(date -u -r "$trireme_jar" +%H:%M:%S) UTC)"
      return 0
    fi
    log "trireme: $trireme_jar is incomplete (a build is writing it?); retrying in 10 s"
    sleep 10
  done
  echo "no usable $trireme_jar" >&2
  return 1
}

# Runs StoreBench in the background (so Ctrl-C reaches the trap at once) and waits for it.
bench() {
  java -Xms256m -Xmx1g -cp "$cp" io.trireme.bench.StoreBench "$@" &
  bench_pid=$!
  local rc=0
  wait "$bench_pid" || rc=$?
  bench_pid=""
  return $rc
}

# The number after "$1" on the last line of file $2 that has one, or nothing.
figure() {
  { tr '\r' '\n' <"$2" | grep -aoE "$1[^0-9]*[0-9]+(\.[0-9]+)?" | tail -1 | grep -oE '[0-9]+(\.[0-9]+)?$'; } || true
}

# etcdctl check perf against $1 (endpoints); one JSON line per figure into the results.
check_perf() {
  local system=$1 run=$2 endpoints=$3 out=$work/checkperf-$system-$run.txt
  [[ $load == none ]] && return 0
  log "$system run $run: etcdctl check perf --load=$load"
  ETCDCTL_API=3 timeout 300 etcdctl --endpoints "$endpoints" check perf --load="$load" >"$out" 2>&1 || true
  tr '\r' '\n' <"$out" | grep -aE '^(PASS|FAIL)|Throughput|Slowest|Stddev' | tee -a "$work/report-$system-$run.txt" >&2 || true
  local tput slowest stddev pass
  # "PASS: Throughput is 951 writes/s" or "FAIL: Throughput too low: 837 writes/s"; likewise for
  # "Slowest request took [too long: ]0.2s" and "Stddev is|too high: 0.01s"
  tput=$(figure Throughput "$out")
  slowest=$(figure 'Slowest request' "$out")
  stddev=$(figure Stddev "$out")
  pass=0
  tr '\r' '\n' <"$out" | grep -qx 'PASS' && pass=1
  local phase=check-perf-$load
  printf '{"system":"%s","run":%d,"phase":"%s","metric":"writes-per-s","value":%s,"unit":"ops/s","better":"higher"}\n' \
    "$system" "$run" "$phase" "${tput:-null}" >>"$jsonl"
  printf '{"system":"%s","run":%d,"phase":"%s","metric":"slowest","value":%s,"unit":"s","better":"lower"}\n' \
    "$system" "$run" "$phase" "${slowest:-null}" >>"$jsonl"
  printf '{"system":"%s","run":%d,"phase":"%s","metric":"stddev","value":%s,"unit":"s","better":"lower"}\n' \
    "$system" "$run" "$phase" "${stddev:-null}" >>"$jsonl"
  printf '{"system":"%s","run":%d,"phase":"%s","metric":"pass","value":%d,"unit":"count","better":"higher"}\n' \
    "$system" "$run" "$phase" "$pass" >>"$jsonl"
}

# One system, one run: load phases, check perf, failover. $1 system, $2 run, $3 endpoints,
# $4 kill command, $5 restart command (StoreBench placeholders).
measure() {
  local system=$1 run=$2 endpoints=$3 kill_cmd=$4 restart_cmd=$5 report=$work/report-$1-$2.txt
  local part=$work/part.txt
  echo "$system run $run: load average at start $(cut -d' ' -f1-3 /proc/loadavg)" >>"$report"
  if (( server_warmup > 0 )); then
    log "$system run $run: $server_warmup s of unmeasured load first (put-16, put-64, range-lin-64)"
    bench --endpoints "$endpoints" --phases put,range-lin --put-clients 16,64 --lin-clients 64 \
      --duration $(( (server_warmup + 2) / 3 )) --warmup 0 >"$work/server-warmup-$system-$run.txt" 2>&1 \
      || log "$system run $run: the unmeasured warm-up load FAILED (see $work/server-warmup-$system-$run.txt)"
    echo "$system run $run: after $server_warmup s of unmeasured load, load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$report"
  fi
  log "$system run $run: load phases, $duration s each (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  bench --endpoints "$endpoints" --duration "$duration" --warmup "$warmup" --system "$system" --run "$run" \
    --out "$jsonl" "${extra[@]}" >"$part" || log "$system run $run: load phases FAILED (see the log above)"
  cat "$part" >>"$report"; cat "$part"
  check_perf "$system" "$run" "$endpoints"
  if [[ $load != none ]]; then
    # etcd 3.4's reads fall several-fold once check perf has deleted its keys: measure reads again
    log "$system run $run: linearizable reads after check perf"
    bench --endpoints "$endpoints" --duration "$duration" --warmup "$warmup" --system "$system" --run "$run" \
      --out "$jsonl" "${extra[@]}" --phases range-lin --lin-clients 64 --phase-suffix @after-check-perf >"$part" \
      || log "$system run $run: reads after check perf FAILED (see the log above)"
    cat "$part" >>"$report"; cat "$part"
  fi
  log "$system run $run: leader failover, $trials trials"
  bench --endpoints "$endpoints" --phases failover --trials "$trials" --system "$system" --run "$run" \
    --out "$jsonl" --cmd-log "$work/commands-$system-$run.log" \
    --kill-cmd "$kill_cmd" --restart-cmd "$restart_cmd" >"$part" \
    || log "$system run $run: failover FAILED (see the log above)"
  cat "$part" >>"$report"; cat "$part"
  echo "$system run $run: load average at end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$report"
}

run_etcd() {
  local run=$1
  etcd_dir=$work/etcd-$run
  log "etcd run $run: starting three members in $etcd_dir"
  "$here/store/etcd-cluster.sh" start "$etcd_dir"
  measure etcd "$run" "$ETCD_ENDPOINTS" \
    "'$here/store/etcd-cluster.sh' kill-member '$etcd_dir' {name}" \
    "'$here/store/etcd-cluster.sh' start-member '$etcd_dir' {name}"
  stop_etcd
}

run_trireme() {
  local run=$1 dir=$work/trireme-$run
  trireme_dir=$dir
  log "trireme run $run: bin/trireme up in $dir"
  if ! "$trireme_bin" up --detach --dir "$dir" --addresses "$TRIREME_ADDRESSES" >"$work/up-$run.log" 2>&1; then
    log "trireme run $run: bin/trireme up FAILED; its output:"
    cat "$work/up-$run.log" >&2
    stop_trireme
    return 1
  fi
  # node<index> is the node on the index-th address (bin/trireme up names them node1..nodeN in order)
  measure trireme "$run" "$TRIREME_ENDPOINTS" \
    "kill -9 \$(cat '$dir'/node{index}/pid)" \
    "setsid '$trireme_bin' node --config '$dir'/node{index}/node.yaml >>'$dir'/node{index}/node.log 2>&1 </dev/null &"
  stop_trireme
}

IFS=, read -r -a chosen <<<"$systems"
if [[ ,$systems, == *,trireme,* ]]; then snapshot_trireme; fi
for run in $(seq 1 "$runs"); do
  # alternate which system goes first, so drift of the machine does not favour one of them
  order=("${chosen[@]}")
  if (( run % 2 == 0 )) && (( ${#chosen[@]} == 2 )); then order=("${chosen[1]}" "${chosen[0]}"); fi
  for system in "${order[@]}"; do
    case $system in
      etcd) run_etcd "$run" ;;
      trireme) run_trireme "$run" || true ;;
      *) echo "unknown system $system" >&2; exit 2 ;;
    esac
  done
done

table=$work/table.md
java -cp "$cp" io.trireme.bench.CompareResults --baseline etcd --candidate trireme --out "$table" "$jsonl" >/dev/null
{
  echo "# Store benchmark: Trireme vs etcd ($stamp UTC)"
  echo
  echo "Produced by \`benchmarks/store-vs-etcd.sh --runs $runs --duration $duration --warmup $warmup --server-warmup $server_warmup --trials $trials${extra:+ -- ${extra[*]}}\`"
  echo "on $(nproc) cores ($(uname -r)); $(etcd --version 2>/dev/null | head -1); $(java -version 2>&1 | head -1);"
  echo "trireme commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -f $work/trireme-root/node/target/trireme.jar ]]; then
    echo "(node jar built $(date -u -r "$work/trireme-root/node/target/trireme.jar" '+%Y-%m-%d %H:%M') UTC)."
  fi
  echo "The machine is shared: the load average at the start and end of every run is in the raw output."
  echo "Both clusters: three members on loopback (etcd 127.0.0.51-53, Trireme 127.0.0.41-43), fresh per run;"
  echo "one StoreBench client JVM on the same cores, one gRPC channel per endpoint, clients round-robin,"
  echo "256-byte values. Medians over runs (failover: over all trials) with [min-max] and sample count."
  echo "Each fresh cluster first gets $server_warmup s of unmeasured load (puts, linearizable reads), then each"
  echo "phase its own $warmup s warm-up: the servers are measured warm, as a long-running control plane runs."
  echo
  echo "Definitions: *throughput* = successful ops / measured time (closed loop, one call in flight per"
  echo "client); *watch delivery* = event arrival at a watcher (one per endpoint) − send time of its put"
  echo "(puts open-loop at a fixed rate); *failover put-after-kill* = first successful put through the other"
  echo "endpoints − return of \`kill -9\` of the leader; *rejoin* = restart command → restarted member"
  echo "reports a leader and serves that put."
  echo
  cat "$table"
  echo
  echo "## Raw per-run output"
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
