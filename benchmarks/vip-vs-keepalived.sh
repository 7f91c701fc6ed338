#!/usr/bin/env bash
# keepalived's VIP failover on this machine, measured with the client of the Trireme VIP benchmark
# (vip-failover.sh): the anchor in ../shared/ANCHORS.md ("keepalived's defaults fail over in about 3.6 s"),
# run side by side instead of quoted.
#
# Three network namespaces trk-ka1..3 (10.251.0.11-13/24) on a Linux bridge trkbr0; the client runs in the root
# namespace on 10.251.0.1/24. Each namespace runs keepalived with the kubeadm HA guide's VRRP instance
# (docs/ha-considerations.md in kubernetes/kubeadm: advert_int 1 by default, PASS auth, the check_apiserver
# track script) plus unicast peers, priorities 250/150/50, VIP 10.251.0.100/24, and a small HTTP/1.1 responder
# on 0.0.0.0:8080. io.trireme.bench.vip.KeepalivedFailoverBench polls GET http://10.251.0.100:8080/ every 10 ms
# (Trireme's RequestLoop, 1 s timeout) and per trial kills the VIP owner the way a node dies (SIGKILL of
# keepalived and the responder, then its eth0 set down), measures "VIP moved" and the client outage, revives the
# node and waits until the VIP is back on trk-ka1 (no nopreempt in the recipe, so it takes the VIP back).
#
# The bridge lives in a namespace of its own (trk-kabr), joined to the root namespace by the veth trk-ka0:
# Docker's FORWARD policy DROP with bridge-nf-call-iptables=1 would drop the VRRP adverts between the
# namespaces on a bridge in the root namespace, and the host firewall is not ours to edit.
# Needs root, iproute2, keepalived (Debian: apt-get install keepalived), python3, curl. It refuses to run
# when 10.251.0.0/24 is already routed here or a trk-ka* namespace exists. Everything it creates (namespaces,
# veths, the bridge, the processes in the namespaces, the temp dir) is removed on exit, failure or Ctrl-C.
#
# usage: benchmarks/vip-vs-keepalived.sh [--trials N] [--results DIR] [--with-trireme]
#   --trials N       kill -9 trials                                          (default 20)
#   --results DIR    where the Markdown goes                                 (default benchmarks/results)
#   --with-trireme   then run vip-failover.sh --trials N --graceful M and print Trireme/keepalived ratios
#   --graceful M     SIGTERM trials in the Trireme part (planned hand-over; keepalived's side has none)  (default 0)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"

nodes=(trk-ka1 trk-ka2 trk-ka3)
node_ips=(10.251.0.11 10.251.0.12 10.251.0.13)
priorities=(250 150 50)
bridge_ns=trk-kabr bridge=trkbr0 host_if=trk-ka0 host_ip=10.251.0.1 subnet=10.251.0.0/24
vip=10.251.0.100 port=8080
python=/usr/bin/python3; [[ -x $python ]] || python=python3 # Debian's, not a version-manager shim

# ---- one node's processes: `vip-vs-keepalived.sh start <namespace>` with KA_WORK set (the benchmark's client
# calls this to revive a killed node). A revived node boots without the VIP: the stale address a SIGKILLed
# keepalived left on eth0 is removed before the link comes up, so it never answers ARP for the VIP unasked.
start_node() {
  local ns=$1 d=$KA_WORK/$1 i
  ip -n "$ns" -4 addr del "$vip/24" dev eth0 2>/dev/null || true
  ip -n "$ns" link set eth0 up
  rm -f "$d"/keepalived.pid "$d"/vrrp.pid "$d"/http.pid
  # `ip netns exec` execs the command, so $! is the responder's pid
  ip netns exec "$ns" "$python" "$KA_WORK/responder.py" "$port" "$ns" </dev/null >>"$d/http.log" 2>&1 &
  echo $! >"$d/http.pid"; disown
  ip netns exec "$ns" keepalived --dont-fork --vrrp --no-syslog --log-console --log-detail \
    --use-file="$d/keepalived.conf" --pid="$d/keepalived.pid" --vrrp_pid="$d/vrrp.pid" \
    </dev/null >>"$d/keepalived.log" 2>&1 & disown
  for ((i = 0; i < 200; i++)); do # up to 20 s
    if [[ -s $d/keepalived.pid && -s $d/vrrp.pid ]] &&
      ip netns exec "$ns" curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
      return 0
    fi
    sleep 0.1
  done
  echo "$ns: keepalived or the responder did not start within 20 s; see $d/*.log" >&2
  return 1
}
if [[ ${1:-} == start ]]; then
  [[ -n ${KA_WORK:-} && $# -eq 2 ]] || { echo "usage: KA_WORK=DIR $0 start <namespace>" >&2; exit 2; }
  start_node "$2"
  exit 0
fi

trials=20 graceful=0 results=$root/benchmarks/results with_trireme=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --trials) trials=$2; shift 2 ;;
    --graceful) graceful=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --with-trireme) with_trireme=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $trials =~ ^[1-9][0-9]*$ ]] || { echo "--trials needs a positive number" >&2; exit 2; }

for tool in ip keepalived python3 curl java mvn; do
  command -v "$tool" >/dev/null || { echo "missing $tool (keepalived: apt-get install keepalived)" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces, keepalived)" >&2; exit 1; }
# 10.251.0.0/24 must be ours alone: no route on this machine may cover it but the default route
if routes=$(ip -4 route show match "$subnet" | grep -v '^default'); [[ -n $routes ]]; then
  echo "refusing to run: $subnet is already routed here:" >&2
  echo "$routes" >&2
  exit 1
fi
if ip netns list | grep -qE '^trk-ka' || ip link show "$host_if" >/dev/null 2>&1; then
  echo "refusing to run: a trk-ka* namespace or $host_if exists (another run?):" >&2
  ip netns list | grep -E '^trk-ka' >&2 || true
  exit 1
fi

work=$(mktemp -d /tmp/vip-keepalived.XXXXXX)
export KA_WORK=$work
client_pid='' trireme_pid=''
created_ns=()
teardown_net() { # the processes in our namespaces, the namespaces (with the veths and the bridge), trk-ka0
  local ns pids
  for ns in "${created_ns[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true) # keepalived, its VRRP child, the responder, check scripts
    if [[ -n $pids ]]; then kill -9 $pids 2>/dev/null || true; fi
  done
  for ns in "${created_ns[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$host_if" 2>/dev/null || true
  created_ns=()
  return 0
}
cleanup() {
  local rc=${1:-$?}
  trap - EXIT INT TERM
  set +e
  [[ -n $client_pid ]] && kill -9 "$client_pid" 2>/dev/null
  [[ -n $trireme_pid ]] && kill -TERM "$trireme_pid" 2>/dev/null && wait "$trireme_pid" 2>/dev/null
  teardown_net
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'cleanup 130' INT
trap 'cleanup 143' TERM

echo "building ..." >&2
(cd "$root" && mvn -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/classpath") >&2
cp="$root/benchmarks/target/classes:$(cat "$work/classpath")"

# ---- the network: bridge namespace, root-namespace veth for the client, one veth per node
echo "creating namespaces ${nodes[*]} and $bridge_ns, bridge $bridge, $host_if $host_ip/24 ..." >&2
ip netns add "$bridge_ns"; created_ns+=("$bridge_ns")
ip -n "$bridge_ns" link set lo up
ip -n "$bridge_ns" link add "$bridge" type bridge
ip -n "$bridge_ns" link set "$bridge" up
ip link add "$host_if" type veth peer name up0 netns "$bridge_ns"
ip -n "$bridge_ns" link set up0 master "$bridge" up
ip addr add "$host_ip/24" dev "$host_if"
ip link set "$host_if" up
for i in "${!nodes[@]}"; do
  ns=${nodes[$i]}
  ip netns add "$ns"; created_ns+=("$ns")
  ip -n "$ns" link set lo up
  ip -n "$bridge_ns" link add "p$((i + 1))" type veth peer name eth0 netns "$ns"
  ip -n "$bridge_ns" link set "p$((i + 1))" master "$bridge" up
  ip -n "$ns" addr add "${node_ips[$i]}/24" dev eth0
done

# ---- the responder: HTTP/1.1 with keep-alive (as the apiserver keeps connections), 200 and the node's name.
# Status line, headers and body go out in one write: Python's send_response/end_headers would send the headers
# first, and a node killed between the two writes leaves the client with headers and no body; the JDK
# HttpClient's request timeout ends when the headers arrive, so RequestLoop would then wait for the body
# without any bound (it did, twice in ~30 kills, with the two writes).
cat >"$work/responder.py" <<'EOF'
import http.server, sys
port, name = int(sys.argv[1]), sys.argv[2].encode() + b"\n"
response = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(name), name)
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.wfile.write(response)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
EOF
# the kubeadm guide's check_apiserver.sh, pointed at the responder
cat >"$work/check_apiserver.sh" <<EOF
#!/bin/sh
errorExit() {
    echo "*** \$*" 1>&2
    exit 1
}
curl --silent --max-time 2 --insecure http://localhost:$port/ -o /dev/null || errorExit "Error GET http://localhost:$port/"
if ip addr | grep -q $vip; then
    curl --silent --max-time 2 --insecure http://$vip:$port/ -o /dev/null || errorExit "Error GET http://$vip:$port/"
fi
EOF
chmod 755 "$work/check_apiserver.sh"

# ---- keepalived.conf: the kubeadm HA guide's, plus unicast (Trireme's VIP adverts are unicast too)
for i in "${!nodes[@]}"; do
  ns=${nodes[$i]}
  mkdir -p "$work/$ns"
  state=BACKUP; [[ $i -eq 0 ]] && state=MASTER
  peers=$(for j in "${!nodes[@]}"; do if [[ $j -ne $i ]]; then printf '        %s\n' "${node_ips[$j]}"; fi; done)
  cat >"$work/$ns/keepalived.conf" <<EOF
! Configuration File for keepalived (kubeadm docs/ha-considerations.md, plus unicast_src_ip/unicast_peer)
global_defs {
    router_id LVS_DEVEL
}
vrrp_script check_apiserver {
  script "$work/check_apiserver.sh"
  interval 3
  weight -2
  fall 10
  rise 2
}

vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id 51
    priority ${priorities[$i]}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 42
    }
    unicast_src_ip ${node_ips[$i]}
    unicast_peer {
$peers
    }
    virtual_ipaddress {
        $vip/24
    }
    track_script {
        check_apiserver
    }
}
EOF
done

for ns in "${nodes[@]}"; do start_node "$ns"; done

# ---- the measurement
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$work/out.txt
: >"$out" # before tail -f opens it
java -Xms64m -Xmx256m -cp "$cp" io.trireme.bench.vip.KeepalivedFailoverBench --work "$work" --ctl "$self" \
  --namespaces "$(IFS=,; echo "${nodes[*]}")" --vip "$vip" --url "http://$vip:$port/" --trials "$trials" \
  --settle-ms 3000 --jitter-ms 1000 >"$out" &
client_pid=$!
tail -n +1 -f --pid="$client_pid" "$out" &
if ! wait "$client_pid"; then
  client_pid=''
  sleep 0.5
  echo "the keepalived benchmark failed; the client's neighbour entries, the nodes' addresses, keepalived logs:" >&2
  ip neigh show dev "$host_if" >&2 || true
  for ns in "${nodes[@]}"; do
    echo "---- $ns" >&2
    ip -n "$ns" -4 -o addr show >&2 || true
    grep -v 'gratuitous ARP' "$work/$ns/keepalived.log" | tail -n 15 >&2
  done
  exit 1
fi
client_pid=''
sleep 0.5 # tail -f ends with the client
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ka_result=$(grep '^RESULT kill-9' "$out")

mkdir -p "$results"
md=$results/keepalived-$(date -u +%Y-%m-%d-%H%M).md
{
  echo "# keepalived VIP failover at the client ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  flag=''; $with_trireme && flag=' --with-trireme'
  echo "Command: \`benchmarks/vip-vs-keepalived.sh --trials $trials$flag\`;"
  echo "$(nproc) cores, load average before $load_before, after $load_after;"
  echo "$(keepalived --version 2>&1 | head -1); $(java -version 2>&1 | head -1); kernel $(uname -r)."
  echo "Client: Trireme's RequestLoop (as vip-failover.sh), GET http://$vip:$port/ every 10 ms, 1 s timeout,"
  echo "300 ms connect timeout, HTTP/1.1 keep-alive, a new connection after a failure; from the root namespace"
  echo "($host_if, $host_ip/24) through the bridge $bridge to namespaces ${nodes[*]} (${node_ips[*]})."
  echo "Kill: SIGKILL of the owner's keepalived (parent and VRRP child) and responder, then its eth0 set down."
  echo "Revive: stale VIP deleted, eth0 up, processes restarted; the VIP goes back to ${nodes[0]} (preemption)."
  echo "Anchor: keepalived defaults fail over in about 3.6 s (3 x 1 s adverts + skew; ANCHORS.md)."
  echo
  echo '```'
  grep '^RESULT' "$out"
  echo '```'
  echo
  echo "\`kill-9\`: the owner killed; \`vip_moved_ms\` = until another namespace had the VIP on eth0 (polled every"
  echo "20 ms with \`ip -n NS -4 addr show\`). \`preempt-back\`: from the restart of the killed node until it held"
  echo "the VIP alone again (\`vip_moved_ms\`), and what the client lost meanwhile."
  echo
  echo "Expected from VRRPv2: the backup with priority ${priorities[1]} claims the VIP 3 x advert_int + (256 - ${priorities[1]})/256 s"
  echo "= $(awk -v p="${priorities[1]}" 'BEGIN { printf "%.2f", 3 + (256 - p) / 256 }') s after the last advert it heard, so 1 s earlier at most: the kill lands anywhere"
  echo "in the owner's 1 s advert cycle (the anchor's 3.6 s is for priority 100)."
  echo "A SIGKILLed keepalived leaves the VIP on its interface (every trial checks: \"VIP left on the dead node's"
  echo "eth0\"); only the link going down with the node keeps the dead node from answering ARP for it, and a node"
  echo "that comes back with its link up and the stale address would hold the VIP next to the new owner. Killing"
  echo "keepalived's parent first is not a node death either: its VRRP child gets SIGTERM (parent-death signal),"
  echo "sends a priority-0 advert and drops the VIP, and a backup takes over in under 1 s; the benchmark kills the"
  echo "VRRP child first, then the parent and the responder."
  echo
  echo "<details><summary>every trial</summary>"
  echo
  echo '```'
  grep -v '^RESULT' "$out"
  echo '```'
  echo '</details>'
  echo
  echo "<details><summary>keepalived.conf of ${nodes[0]} (the others: state BACKUP, priority ${priorities[1]} / ${priorities[2]},"
  echo "their own unicast_src_ip and peers; the script path is the run's temp dir)</summary>"
  echo
  echo '```'
  cat "$work/${nodes[0]}/keepalived.conf"
  echo '```'
  echo
  echo "check_apiserver.sh:"
  echo
  echo '```'
  cat "$work/check_apiserver.sh"
  echo '```'
  echo '</details>'
} >"$md"
echo "wrote $md" >&2

# ---- optionally Trireme, right after, with the same trial count
tri_result='' tri_md='' tri_load=''
if $with_trireme; then
  teardown_net # keepalived's nodes are done: nothing of them runs during the Trireme part
  echo "running Trireme: benchmarks/vip-failover.sh --trials $trials --graceful $graceful ..." >&2
  tri_out=$work/trireme.txt
  : >"$tri_out"
  tri_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  "$here/vip-failover.sh" --trials "$trials" --graceful "$graceful" --results "$results" >"$tri_out" 2>"$work/trireme.err" &
  trireme_pid=$!
  tail -n +1 -f --pid="$trireme_pid" "$tri_out" &
  if ! wait "$trireme_pid"; then
    trireme_pid=''
    sleep 0.5
    echo "vip-failover.sh failed:" >&2; tail -n 20 "$work/trireme.err" >&2
    { # the keepalived figures stand; the Trireme trials that finished are kept, marked as such
      echo
      echo "## Side by side: Trireme right after; vip-failover.sh failed"
      echo
      echo "\`vip-failover.sh --trials $trials --graceful $graceful\` stopped after $(grep -c '^kill-9' "$tri_out") finished trials"
      echo "(load average before $tri_load_before, after $(cut -d' ' -f1-3 /proc/loadavg)):"
      echo "$(grep -m1 'Exception' "$work/trireme.err" || echo 'no exception logged')"
      echo
      echo '```'
      cat "$tri_out"
      echo '```'
    } >>"$md"
    exit 1
  fi
  trireme_pid=''
  sleep 0.5
  tri_load="before $tri_load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  tri_result=$(grep '^RESULT kill-9' "$tri_out" || true)
  tri_md=$(sed -n 's/^wrote //p' "$work/trireme.err" | tail -n 1)
fi

median() { sed -n "s/.*$1 median=\([0-9]*\).*/\1/p" <<<"$2"; } # median of the outage_ms or vip_moved_ms part
ratio() { awk -v t="$1" -v k="$2" 'BEGIN { if (k > 0) printf "%.2f", t / k; else print "n/a" }'; }
ratios=''
if [[ -n $tri_result ]]; then
  ratios="Trireme/keepalived, medians: client outage $(ratio "$(median outage_ms "$tri_result")" \
"$(median outage_ms "$ka_result")")x, VIP moved $(ratio "$(median vip_moved_ms "$tri_result")" \
"$(median vip_moved_ms "$ka_result")")x"
  echo "$ratios"
fi

if $with_trireme; then
  # appended to the keepalived file, which is already written in case the Trireme part does not finish
  {
    echo
    echo "## Side by side: Trireme right after, same machine, same client"
    echo
    echo "\`vip-failover.sh --trials $trials --graceful $graceful\` (load average $tri_load; full output in"
    echo "\`$(basename "${tri_md:-?}")\`):"
    echo
    echo '```'
    echo "${tri_result:-no RESULT line}"
    echo '```'
    echo
    echo "$ratios."
  } >>"$md"
  echo "appended the Trireme figures to $md" >&2
fi
