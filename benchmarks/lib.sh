# Shared by the benchmark scripts (source it; it runs nothing by itself):
#   log MESSAGE           a timestamped line on stderr, prefixed with $bench_name
#   bench_build           builds the benchmarks module and the modules it needs from this checkout (package,
#                         offline, never install: ~/.m2 is shared) and sets $cp to its classpath
#                         ($work/classpath is written; the modules' own target/ output, never ~/.m2 SNAPSHOTs)
#   bench_traps           on exit, failure or Ctrl-C: kills $bench_pid, calls the script's stop_systems, says
#                         where $work is, and exits with the script's status (130 on INT/TERM)
# The sourcing script sets bench_name, work and bench_pid (empty), and defines stop_systems.

log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "$bench_name" "$*" >&2; }

bench_build() {
  (cd "$root" && mvn -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$work/classpath") >&2
  cp="$root/benchmarks/target/classes:$(cat "$work/classpath")"
}

bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $bench_pid ]] && kill "$bench_pid" 2>/dev/null || true
  stop_systems
  log "logs and raw output are in $work"
  exit $rc
}

bench_traps() {
  trap bench_cleanup EXIT
  trap 'log interrupted; exit 130' INT TERM
}
