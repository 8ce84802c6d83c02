#!/usr/bin/env bash
# A Kafka broker secured as managed services are: TLS, SCRAM-SHA-512 users, mutual TLS and
# ACLs. The tests of authenticated delivery start one of their own with it; it is also the way
# to try tinstream's security settings by hand.
#
#   scripts/kafka-secure.sh start DIR   make certificates and users, start the broker, set ACLs
#   scripts/kafka-secure.sh stop DIR    stop the broker started in DIR
#
# Everything lives in DIR, which `start` fills (it must be empty or missing):
#   certs/ca.pem              the CA that signed the broker's and the client's certificates
#   certs/other-ca.pem        a CA that signed nothing here (a client trusting it must fail)
#   certs/client.pem, certs/client.key   the client certificate of principal "tinstream-tls"
#   env                       shell assignments: the listeners' addresses, users and passwords
#
# Listeners, all on 127.0.0.1 (ports from TINSTREAM_SECURE_PORTS="SASL TLS ADMIN CONTROLLER",
# default 19292 19293 19294 19295):
#   SASL_SSL  SCRAM-SHA-512 over TLS
#   SSL       TLS that requires a client certificate; the principal is its CN
#   ADMIN     plaintext, for this script's own ACL commands and the brokers' traffic; whoever
#             connects there is a super user, so it is for tests on loopback only
#
# Principals and their ACLs (topics and groups whose names start with "secure-"):
#   tinstream       (SCRAM)  create, describe, write and read the topics; read the groups
#   tinstream-tls   (mTLS)   the same
#   reader          (SCRAM)  describe and read the topics, read the groups: no write anywhere
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=kafka/common.sh
. "$here/kafka/common.sh"
libs="$here/kafka/target/libs"
heap="${TINSTREAM_KAFKA_HEAP:-384m}"
read -r sasl_port tls_port admin_port controller_port \
  <<<"${TINSTREAM_SECURE_PORTS:-19292 19293 19294 19295}"

log() { echo "kafka-secure.sh: $*" >&2; }

need_openssl() {
  if ! command -v openssl >/dev/null 2>&1; then
    log "installing openssl from Debian's packages"
    apt-get update -qq && apt-get install -y -qq openssl >/dev/null
  fi
}

# A key and a certificate signed by the CA in $1 (ca.pem, ca.key), for subject $3, written as
# $2.key and $2.pem; extensions from $4 (a SAN for servers, clientAuth for clients).
issue() {
  local ca="$1" name="$2" subject="$3" ext="$4"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "$subject" 2>/dev/null
  printf '%s\n' "$ext" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
    -out "$name.pem" -days 30 -sha256 -extfile "$name.ext" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

make_certs() {
  local certs="$1/certs"
  mkdir -p "$certs"
  (
    cd "$certs"
    for ca in ca other-ca; do
      openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$ca.key" -out "$ca.pem" \
        -days 30 -subj "/CN=tinstream test $ca" 2>/dev/null
    done
    issue ca broker "/CN=localhost" \
      "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"
    issue ca client "/CN=tinstream-tls" "extendedKeyUsage=clientAuth"
    # The broker reads its key and chain from one PEM file (ssl.keystore.type=PEM).
    openssl pkcs8 -topk8 -nocrypt -in broker.key -out broker-pkcs8.key
    cat broker-pkcs8.key broker.pem >broker-keystore.pem
    rm -f broker-pkcs8.key ./*.srl
  )
}

write_config() {
  local dir="$1"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=SASL_SSL://127.0.0.1:$sasl_port,SSL://127.0.0.1:$tls_port,ADMIN://127.0.0.1:$admin_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=SASL_SSL://127.0.0.1:$sasl_port,SSL://127.0.0.1:$tls_port,ADMIN://127.0.0.1:$admin_port
listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,ADMIN:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=ADMIN
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$dir/certs/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$dir/certs/ca.pem
listener.name.ssl.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]*).*\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
allow.everyone.if.no.acl.found=false
PROPS
  single_node_properties "$dir/data" >>"$dir/server.properties"
  write_log4j "$dir/log4j2.properties"
}

set_acls() {
  local dir="$1" principal
  local admin=(java -cp "$libs/*" org.apache.kafka.tools.AclCommand
    --bootstrap-server "127.0.0.1:$admin_port" --add)
  for principal in tinstream tinstream-tls; do
    "${admin[@]}" --allow-principal "User:$principal" --resource-pattern-type prefixed \
      --topic secure- --operation Create --operation Describe --operation Write \
      --operation Read >>"$dir/acl.log" 2>&1
    "${admin[@]}" --allow-principal "User:$principal" --resource-pattern-type prefixed \
      --group secure- --operation Read >>"$dir/acl.log" 2>&1
  done
  "${admin[@]}" --allow-principal User:reader --resource-pattern-type prefixed \
    --topic secure- --operation Describe --operation Read >>"$dir/acl.log" 2>&1
  "${admin[@]}" --allow-principal User:reader --resource-pattern-type prefixed \
    --group secure- --operation Read >>"$dir/acl.log" 2>&1
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -n "$(ls -A "$dir")" ]; then
    log "$dir is not empty; start takes a new folder"
    exit 1
  fi
  for port in "$sasl_port" "$tls_port" "$admin_port" "$controller_port"; do
    if port_open "$port"; then
      log "port $port is taken; set TINSTREAM_SECURE_PORTS"
      exit 1
    fi
  done
  bash "$here/kafka.sh" install
  need_openssl
  make_certs "$dir"
  write_config "$dir"
  local cp="$libs/*" cluster_id tinstream_password reader_password
  tinstream_password="$(openssl rand -hex 16)"
  reader_password="$(openssl rand -hex 16)"
  cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=tinstream,password=$tinstream_password]" \
    --add-scram "SCRAM-SHA-512=[name=reader,password=$reader_password]" \
    >>"$dir/broker.log" 2>&1
  cat >"$dir/env" <<ENV
SASL_SSL_ADDRESS=127.0.0.1:$sasl_port
MTLS_ADDRESS=127.0.0.1:$tls_port
ADMIN_ADDRESS=127.0.0.1:$admin_port
CERTS=$dir/certs
TINSTREAM_USER=tinstream
TINSTREAM_PASSWORD=$tinstream_password
READER_USER=reader
READER_PASSWORD=$reader_password
ENV
  log "starting a secured broker: SASL_SSL on $sasl_port, mTLS on $tls_port"
  nohup java "-Xmx$heap" "-Xms$heap" -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >>"$dir/broker.log" 2>&1 &
  echo $! >"$dir/broker.pid"
  for _ in $(seq 1 240); do
    if port_open "$admin_port" && port_open "$sasl_port" && port_open "$tls_port"; then
      # ACLs go through the controller quorum: the command waits for the broker to be able to
      # take them.
      set_acls "$dir"
      log "secured broker ready (details in $dir/env)"
      return
    fi
    if ! kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
      log "the broker exited; its log follows"
      tail -n 50 "$dir/broker.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "the broker did not open its ports within 120 s"
  exit 1
}

stop() {
  local dir="$1" pid
  [ -f "$dir/broker.pid" ] || return 0
  pid="$(cat "$dir/broker.pid")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/broker.pid"
}

case "${1:-}" in
  start) start "${2:?usage: $0 start DIR}" ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
