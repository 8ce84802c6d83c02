#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft mode) for tinstream's tests, on 127.0.0.1.
#
#   scripts/kafka.sh install   fetch the broker's jars from Maven Central (once)
#   scripts/kafka.sh start     install if needed, format storage if needed, start, wait until ready
#   scripts/kafka.sh stop      stop the broker this script started
#   scripts/kafka.sh status    say whether it runs
#   scripts/kafka.sh address   print the bootstrap address
#
# Everything is idempotent: no download when the jars are present, no second broker when one
# runs. The broker listens on a non-default port (TINSTREAM_KAFKA_PORT, default 19092; the
# controller on the next port) with a small heap, and keeps its data under scripts/kafka/run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=kafka/common.sh
. "$here/kafka/common.sh"
kafka_dir="$here/kafka"
libs="$kafka_dir/target/libs"
run_dir="${TINSTREAM_KAFKA_DIR:-$kafka_dir/run}"
port="${TINSTREAM_KAFKA_PORT:-19092}"
controller_port=$((port + 1))
pid_file="$run_dir/broker.pid"
log_file="$run_dir/broker.log"
heap="${TINSTREAM_KAFKA_HEAP:-512m}"

log() { echo "kafka.sh: $*" >&2; }


need_tools() {
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    log "installing a JDK and Maven from Debian's packages"
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null
  fi
}

install() {
  # The marker holds the pom the jars were fetched for: a changed pom fetches again.
  if [ -f "$libs/.complete" ] && cmp -s "$libs/.complete" "$kafka_dir/pom.xml"; then
    return
  fi
  need_tools
  log "fetching the Kafka broker from Maven Central"
  rm -rf "$libs"
  mvn -B -q -f "$kafka_dir/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs"
  cp "$kafka_dir/pom.xml" "$libs/.complete"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

write_config() {
  mkdir -p "$run_dir"
  cat >"$run_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
PROPS
  single_node_properties "$run_dir/data" >>"$run_dir/server.properties"
  write_log4j "$run_dir/log4j2.properties"
}

start() {
  exec 9>"${TMPDIR:-/tmp}/tinstream-kafka-$port.lock"
  flock 9
  if running && port_open "$port"; then
    return
  fi
  # Another process on the port (a broker of another checkout) would answer in this one's
  # place, and the tests would lose it when it stops.
  local taken
  for taken in "$port" "$controller_port"; do
    if port_open "$taken"; then
      log "127.0.0.1:$taken is in use by another process (a broker of another checkout?): stop it, or choose other ports with TINSTREAM_KAFKA_PORT"
      exit 1
    fi
  done
  install
  write_config
  local cp="$libs/*"
  if [ ! -f "$run_dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$run_dir/server.properties" >>"$log_file" 2>&1
  fi
  log "starting the broker on 127.0.0.1:$port"
  nohup java "-Xmx$heap" "-Xms$heap" -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$run_dir/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$run_dir/server.properties" >>"$log_file" 2>&1 9>&- &
  echo $! >"$pid_file"
  for _ in $(seq 1 240); do
    if port_open "$port"; then
      log "broker ready"
      return
    fi
    if ! running; then
      log "the broker exited; its log follows"
      tail -n 50 "$log_file" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "the broker did not open port $port within 120 s"
  exit 1
}

stop() {
  if running; then
    local pid
    pid="$(cat "$pid_file")"
    kill "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    log "broker stopped"
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on 127.0.0.1:$port"; else echo "stopped"; exit 1; fi ;;
  address) echo "127.0.0.1:$port" ;;
  *) echo "usage: $0 install|start|stop|status|address" >&2; exit 2 ;;
esac
