#!/usr/bin/env bash
# VIP failover benchmark, measured at the client: a three-node `bin/trireme up --detach` cluster on loopback
# (127.0.0.81-83, VIP 127.0.0.89), a client polling GET /readyz through the VIP every 10 ms with the admin.conf
# credentials, and per trial: kill -9 of the VIP owner (or SIGTERM for the planned hand-over trials), the time
# until another node reports holding the VIP, the client outage (first failed request to the next successful
# one), then the node restarted and the VIP settled before the next trial.
# The anchor is keepalived's default failover, 3 x 1 s adverts + skew = about 3.6 s (../shared/ANCHORS.md);
# it is not run here (our VIP runs on loopback without privileges, keepalived needs an interface and root).
#
# usage: benchmarks/vip-failover.sh [--trials N] [--graceful M] [--results DIR]
#   --trials N    kill -9 trials                                   (default 20)
#   --graceful M  SIGTERM (planned hand-over) trials               (default 5)
#   --results DIR where the Markdown goes                          (default benchmarks/results)
# Every process it starts is stopped on exit, failure or Ctrl-C. TRIREME_BENCH_KEEP_LOGS=DIR keeps the nodes' logs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
trials=20 graceful=5 results=$root/benchmarks/results
while [[ $# -gt 0 ]]; do
  case $1 in
    --trials) trials=$2; shift 2 ;;
    --graceful) graceful=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/vip-bench.XXXXXX)
cluster=$work/cluster
cleanup() {
  if [[ -n ${TRIREME_BENCH_KEEP_LOGS:-} ]]; then # a directory: the nodes' logs are copied there for a post-mortem
    mkdir -p "$TRIREME_BENCH_KEEP_LOGS" && cp -r "$cluster" "$TRIREME_BENCH_KEEP_LOGS/" 2>/dev/null || true
  fi
  "$root/bin/trireme" down --dir "$cluster" >/dev/null 2>&1 || true
  pkill -9 -f "trireme.jar node --config $cluster/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "building ..." >&2
# shellcheck source=benchmarks/lib.sh
. "$here/lib.sh"
bench_build

"$root/bin/trireme" up --detach --dir "$cluster" --addresses 127.0.0.81,127.0.0.82,127.0.0.83 --vip 127.0.0.89 >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$work/out.txt
java -Xms128m -Xmx512m -cp "$cp" io.trireme.bench.vip.VipFailoverBench --dir "$cluster" --trials "$trials" \
  --graceful "$graceful" --trireme "$root/bin/trireme" | tee "$out"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$results"
md=$results/vip-$(date -u +%Y-%m-%d-%H%M).md
{
  echo "# VIP failover at the client ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Command: \`benchmarks/vip-failover.sh --trials $trials --graceful $graceful\`; $(nproc) cores,"
  echo "load average before $load_before, after $load_after; $(java -version 2>&1 | head -1)."
  echo "Client: GET /readyz through https://127.0.0.89:16443 every 10 ms (1 s timeout)."
  echo "Anchor: keepalived defaults fail over in about 3.6 s (3 x 1 s adverts + skew; ANCHORS.md)."
  echo
  echo '```'
  grep '^RESULT' "$out"
  echo '```'
  echo
  echo '<details><summary>every trial</summary>'
  echo
  echo '```'
  grep -v '^RESULT' "$out"
  echo '```'
  echo '</details>'
} > "$md"
echo "wrote $md" >&2
