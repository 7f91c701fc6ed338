#!/usr/bin/env bash
# Load balancer benchmark, side by side on loopback in one run: Debian's HAProxy (mode tcp, roundrobin,
# nbthread 2), Trireme's LB (io.trireme.lb, 2 I/O threads) and direct (no proxy) as the reference, all in
# front of the same backends:
#   - bulk throughput: iperf3, 1 and 8 streams, to one iperf3 server (iperf3's control and data connections
#     must reach the same server, so this backend set has one member);
#   - new TCP connections per second: wrk with `Connection: close` (one connection per request) against
#     two nginx backends (Debian nginx-light, `return 200`);
#   - keep-alive request rate: wrk, 32 connections, same backends;
#   - latency: wrk --latency on one keep-alive connection (no queueing), p50/p99; "added p99" = p99 through
#     the proxy minus p99 direct.
# Every round runs the targets interleaved (direct, haproxy, trireme) so drift hits all alike; the table
# shows medians over the rounds and the ratios Trireme/HAProxy, and is written to
# benchmarks/results/lb-<date>.md. Proxy CPU use (cores, from /proc) is recorded per phase.
#
# usage: benchmarks/lb-vs-haproxy.sh [--runs N] [--duration S] [--results DIR]
#   --runs N       rounds; medians over them                        (default 3)
#   --duration S   seconds per measurement                           (default 10)
#   --results DIR  where the Markdown and raw TSV go                 (default benchmarks/results)
# env LB_CLASSPATH: classpath with io.trireme.lb and its dependencies (default: built with Maven here).
# Needs iperf3, wrk, nginx, haproxy; installs the missing ones with apt-get when run as root.
# Only 127.0.0.61-63 are used. Every process the script starts is stopped on exit, failure or Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=3 duration=10 results=$root/benchmarks/results
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number" >&2; exit 2; }
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a positive number of seconds" >&2; exit 2; }

BACKEND_IP=127.0.0.61 HAPROXY_IP=127.0.0.62 TRIREME_IP=127.0.0.63
HTTP_PORTS=(18081 18082) IPERF_PORT=15201 PROXY_HTTP_PORT=18080 PROXY_IPERF_PORT=15200

work=$(mktemp -d "${TMPDIR:-/tmp}/lb-vs-haproxy.XXXXXX")
stamp=$(date -u +%Y-%m-%d-%H%M)
mkdir -p "$results"
md=$results/lb-$stamp.md
raw=$results/lb-$stamp.tsv
printf 'run\tphase\ttarget\tvalue\tunit\tproxy_cores\n' >"$raw"
pids=()

log() { printf '%s lb-vs-haproxy: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools --------------------------------------------------------------------------------------------
need=()
command -v iperf3 >/dev/null || need+=(iperf3)
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v haproxy >/dev/null || need+=(haproxy)
if [[ ${#need[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || { echo "missing ${need[*]}; run as root or install them" >&2; exit 1; }
  log "installing ${need[*]}"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

# --- Trireme's LB classpath ---------------------------------------------------------------------------
if [[ -z ${LB_CLASSPATH:-} ]]; then
  log "building lb-vip"
  (cd "$root" && mvn -B -q -o -pl lb-vip -am install -DskipTests)
  (cd "$root/lb-vip" && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
  LB_CLASSPATH=$root/lb-vip/target/lb-vip-0.1.0-SNAPSHOT.jar:$(cat "$work/cp.txt")
fi

# --- backends -----------------------------------------------------------------------------------------
mkdir -p "$work/nginx"
{
  echo "worker_processes 2; daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log warn;"
  echo "worker_rlimit_nofile 20000; events { worker_connections 8192; }"
  echo "http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;"
  for p in "${HTTP_PORTS[@]}"; do
    echo "  server { listen $BACKEND_IP:$p; location / { return 200 \"ok\\n\"; } }"
  done
  echo "}"
} >"$work/nginx/nginx.conf"
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/stderr" &
pids+=($!)
iperf3 -s -B "$BACKEND_IP" -p "$IPERF_PORT" >"$work/iperf3-server.log" 2>&1 &
pids+=($!)

# --- proxies ------------------------------------------------------------------------------------------
# Same work on both: health checks every 500 ms, rise 2, fall 2; TCP keep-alive on both sides with the
# same timers (Trireme's default: idle 30 s, interval 10 s, 3 probes); no idle timeouts that matter here.
cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 2
  maxconn 8000
defaults
  mode tcp
  option clitcpka
  option srvtcpka
  clitcpka-idle 30s
  clitcpka-intvl 10s
  clitcpka-cnt 3
  srvtcpka-idle 30s
  srvtcpka-intvl 10s
  srvtcpka-cnt 3
  timeout connect 2s
  timeout client 1h
  timeout server 1h
listen http
  bind $HAPROXY_IP:$PROXY_HTTP_PORT
  balance roundrobin
  server b1 $BACKEND_IP:${HTTP_PORTS[0]} check inter 500 rise 2 fall 2
  server b2 $BACKEND_IP:${HTTP_PORTS[1]} check inter 500 rise 2 fall 2
listen bulk
  bind $HAPROXY_IP:$PROXY_IPERF_PORT
  balance roundrobin
  server i1 $BACKEND_IP:$IPERF_PORT check inter 500 rise 2 fall 2
EOF
haproxy -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
pids+=($haproxy_pid)

# Two LB instances in one JVM would mix their CPU; the HTTP and the bulk frontends run as two processes,
# each measured separately. The launcher is a bench-only source file (benchmarks/lb/LbLaunch.java).
start_trireme() { # listen backend... -> sets trireme_pid
  local listen=$1; shift
  local args=(--listen "$listen" --threads 2)
  local b
  for b in "$@"; do args+=(--backend "$b"); done
  java -Xms256m -Xmx512m -Dlogback.configurationFile="$here/lb/logback.xml" -cp "$LB_CLASSPATH" \
    "$here/lb/LbLaunch.java" "${args[@]}" >>"$work/trireme.log" 2>&1 &
  trireme_pid=$!
  pids+=($trireme_pid)
}
start_trireme "$TRIREME_IP:$PROXY_HTTP_PORT" "$BACKEND_IP:${HTTP_PORTS[0]}" "$BACKEND_IP:${HTTP_PORTS[1]}"
trireme_http_pid=$trireme_pid
start_trireme "$TRIREME_IP:$PROXY_IPERF_PORT" "$BACKEND_IP:$IPERF_PORT"
trireme_bulk_pid=$trireme_pid

wait_http() { # url
  local i
  for ((i = 0; i < 100; i++)); do
    curl -sf -m 1 -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "no answer from $1; logs in $work" >&2
  cat "$work"/*.log >&2 || true
  exit 1
}
wait_http "http://$BACKEND_IP:${HTTP_PORTS[0]}/"
wait_http "http://$HAPROXY_IP:$PROXY_HTTP_PORT/"
wait_http "http://$TRIREME_IP:$PROXY_HTTP_PORT/"
for ((i = 0; i < 100; i++)); do
  grep -q "backend $BACKEND_IP:$IPERF_PORT UNKNOWN -> UP" "$work/trireme.log" && break
  sleep 0.2
done

# --- measuring ----------------------------------------------------------------------------------------
cpu_ticks() { # pid -> utime+stime in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
HZ=$(getconf CLK_TCK)

# run_phase run phase target pid cmd...: runs cmd, prints its output, records the proxy's cores in $work/cores
run_phase() {
  local pid=$4 before after start end
  shift 4
  before=0; [[ $pid != - ]] && before=$(cpu_ticks "$pid")
  start=$(date +%s.%N)
  "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
  end=$(date +%s.%N)
  after=0; [[ $pid != - ]] && after=$(cpu_ticks "$pid")
  if [[ $pid == - ]]; then echo "" >"$work/cores"; else
    awk -v b="$before" -v a="$after" -v s="$start" -v e="$end" -v hz="$HZ" \
      'BEGIN { printf "%.2f", (a - b) / hz / (e - s) }' >"$work/cores"
  fi
}

record() { # run phase target value unit
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$(cat "$work/cores")" >>"$raw"
  log "run $1 $2 $3: $4 $5 (proxy cores: $(cat "$work/cores"))"
}

iperf_gbps() {
  python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))' \
    <"$work/out"
}
wrk_rps() { awk '/^Requests\/sec:/ { print $2 }' "$work/out"; }
wrk_errors() { awk '/Socket errors|Non-2xx/ { print }' "$work/out"; }
wrk_latency_ms() { # percentile label (50%, 99%)
  awk -v p="$1" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : 60000; printf "%.3f", v * f }' "$work/out"
}

declare -A http_addr=([direct]=$BACKEND_IP:${HTTP_PORTS[0]} [haproxy]=$HAPROXY_IP:$PROXY_HTTP_PORT
  [trireme]=$TRIREME_IP:$PROXY_HTTP_PORT)
declare -A bulk_addr=([direct]="$BACKEND_IP $IPERF_PORT" [haproxy]="$HAPROXY_IP $PROXY_IPERF_PORT"
  [trireme]="$TRIREME_IP $PROXY_IPERF_PORT")
declare -A http_pid=([direct]=- [haproxy]=$haproxy_pid [trireme]=$trireme_http_pid)
declare -A bulk_pid=([direct]=- [haproxy]=$haproxy_pid [trireme]=$trireme_bulk_pid)
targets=(direct haproxy trireme)

# iperf3 serves one test at a time and needs a moment between tests: retry while it says "busy".
iperf() { # host port seconds streams -> iperf3's JSON on stdout
  local attempt out=""
  for ((attempt = 0; attempt < 10; attempt++)); do
    if out=$(iperf3 -c "$1" -p "$2" -t "$3" -P "$4" -J 2>&1); then
      printf '%s\n' "$out"
      return 0
    fi
    [[ $out == *busy* ]] || break
    sleep 1
  done
  printf '%s\n' "$out"
  return 1
}

# The JVM compiles its hot paths during the first tens of seconds; both proxies get the same warm-up.
log "warm-up through both proxies (~40 s each)"
for t in haproxy trireme; do
  wrk -t2 -c32 -d20s -H 'Connection: close' "http://${http_addr[$t]}/" >/dev/null
  wrk -t2 -c32 -d10s "http://${http_addr[$t]}/" >/dev/null
  read -r h p <<<"${bulk_addr[$t]}"
  iperf "$h" "$p" 5 2 >/dev/null
  sleep 1
  iperf "$h" "$p" 5 8 >/dev/null
  sleep 1
done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for ((run = 1; run <= runs; run++)); do
  for t in "${targets[@]}"; do
    read -r h p <<<"${bulk_addr[$t]}"
    for streams in 1 8; do
      sleep 1
      run_phase "$run" bulk$streams "$t" "${bulk_pid[$t]}" iperf "$h" "$p" "$duration" "$streams"
      record "$run" "bulk_${streams}_streams" "$t" "$(iperf_gbps)" Gbit/s
    done
  done
  for t in "${targets[@]}"; do
    run_phase "$run" conns "$t" "${http_pid[$t]}" \
      wrk -t2 -c32 -d"${duration}s" -H 'Connection: close' "http://${http_addr[$t]}/"
    record "$run" new_connections "$t" "$(wrk_rps)" conn/s
    [[ -z $(wrk_errors) ]] || log "  $t: $(wrk_errors | tr '\n' ' ')"
  done
  for t in "${targets[@]}"; do
    run_phase "$run" keepalive "$t" "${http_pid[$t]}" wrk -t2 -c32 -d"${duration}s" "http://${http_addr[$t]}/"
    record "$run" keepalive_requests "$t" "$(wrk_rps)" req/s
  done
  for t in "${targets[@]}"; do
    run_phase "$run" latency "$t" "${http_pid[$t]}" \
      wrk -t1 -c1 -d"${duration}s" --latency "http://${http_addr[$t]}/"
    record "$run" latency_p50 "$t" "$(wrk_latency_ms 50%)" ms
    record "$run" latency_p99 "$t" "$(wrk_latency_ms 99%)" ms
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report -------------------------------------------------------------------------------------------
python3 - "$raw" "$md" "$runs" "$duration" "$load_before" "$load_after" <<'EOF'
import csv, statistics, subprocess, sys
raw, md, runs, duration, load_before, load_after = sys.argv[1:7]
rows = list(csv.DictReader(open(raw), delimiter="\t"))
def values(phase, target, key="value"):
    return [float(r[key]) for r in rows if r["phase"] == phase and r["target"] == target and r[key] != ""]
def med(phase, target, key="value"):
    v = values(phase, target, key)
    return statistics.median(v) if v else float("nan")
def span(phase, target):
    v = values(phase, target)
    return f"{min(v):,.6g}–{max(v):,.6g}" if v else ""
phases = [("bulk_1_streams", "bulk, 1 stream (iperf3)", "Gbit/s", 1.0),
          ("bulk_8_streams", "bulk, 8 streams (iperf3)", "Gbit/s", 1.0),
          ("new_connections", "new TCP connections (wrk, Connection: close, 32 conns)", "conn/s", 0.8),
          ("keepalive_requests", "keep-alive requests (wrk, 32 conns)", "req/s", None),
          ("latency_p50", "latency p50, 1 keep-alive conn", "ms", None),
          ("latency_p99", "latency p99, 1 keep-alive conn", "ms", None)]
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
out = []
import datetime, os
out.append(f"# Load balancer: Trireme vs HAProxy ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)\n")
out.append(f"Machine: {os.cpu_count()} cores ({cpu}); loopback; load generators on the same cores. "
           f"{runs} rounds × {duration} s per measurement, targets interleaved per round; medians [min–max]. "
           f"Load average before/after the measurements: {load_before} / {load_after} (other work on the machine "
           "shares the 2 cores, so absolute figures drift; compare the ratios and the CPU cost per unit).\n")
out.append("HAProxy: Debian " + subprocess.run(["sh", "-c", "haproxy -v | head -1"], capture_output=True, text=True).stdout.strip()
           + ", mode tcp, roundrobin, nbthread 2, checks inter 500 rise 2 fall 2, clitcpka/srvtcpka. Trireme: io.trireme.lb, "
           "epoll, 2 I/O threads, same checks; TCP keep-alive on both sides for both (30 s/10 s/3). Backends: nginx-light `return 200` ×2 (HTTP), one iperf3 server (bulk).\n")
out.append("| measurement | direct | HAProxy | Trireme | Trireme/HAProxy | target | HAProxy cores | Trireme cores | CPU cost HAProxy / Trireme |")
out.append("|---|---|---|---|---|---|---|---|---|")
def cost(phase, target):
    # proxy CPU per unit of work, from each run's cores / rate
    v = [float(r["proxy_cores"]) / float(r["value"]) for r in rows
         if r["phase"] == phase and r["target"] == target and r["proxy_cores"] and float(r["value"]) > 0]
    if not v:
        return ""
    c = statistics.median(v)
    if phase.startswith("bulk"):
        return f"{c * 8:.3f} core-s/GB"
    if phase in ("new_connections", "keepalive_requests"):
        return f"{c * 1e6:.0f} µs"
    return ""
summary = []
for phase, label, unit, target in phases:
    d, h, t = med(phase, "direct"), med(phase, "haproxy"), med(phase, "trireme")
    ratio = t / h if h else float("nan")
    tgt = f"≥ {target:.1f}×" if target else ""
    if phase == "latency_p99":
        tgt = "added p99 within 0.1 ms of HAProxy's"
    out.append(f"| {label} | {d:,.6g} {unit} | {h:,.6g} [{span(phase,'haproxy')}] | {t:,.6g} [{span(phase,'trireme')}] "
               f"| {ratio:.2f}× | {tgt} | {med(phase,'haproxy','proxy_cores'):.2f} | {med(phase,'trireme','proxy_cores'):.2f} "
               f"| {cost(phase,'haproxy')} / {cost(phase,'trireme')} |")
    if target:
        summary.append(f"- {label}: Trireme/HAProxy = {ratio:.2f}× (target ≥ {target:.1f}×) — {'met' if ratio >= target else 'MISSED'}")
    elif phase == "keepalive_requests":
        summary.append(f"- {label}: Trireme/HAProxy = {ratio:.2f}× (no target)")
    if phase in ("bulk_1_streams", "bulk_8_streams", "new_connections", "keepalive_requests"):
        summary.append(f"  - vs direct: HAProxy {h/d:.2f}×, Trireme {t/d:.2f}×; proxy CPU per unit: HAProxy {cost(phase, 'haproxy')}, Trireme {cost(phase, 'trireme')}")
dp, hp, tp = med("latency_p99", "direct"), med("latency_p99", "haproxy"), med("latency_p99", "trireme")
added_h, added_t = hp - dp, tp - dp
summary.append(f"- added p99 latency (proxy p99 − direct p99): HAProxy {added_h:+.3f} ms, Trireme {added_t:+.3f} ms, "
               f"difference {added_t - added_h:+.3f} ms (target ≤ +0.100 ms) — {'met' if added_t - added_h <= 0.1 else 'MISSED'}")
out.append("")
out += summary
out.append(f"\nRaw figures: `{raw.split('/')[-1]}` (one row per run, phase and target; proxy_cores = CPU time of the proxy "
           "process / wall time of the measurement).")
text = "\n".join(out) + "\n"
open(md, "w").write(text)
print(text)
EOF
log "written $md and $raw"
