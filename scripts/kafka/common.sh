# Pieces shared by scripts/kafka.sh and scripts/kafka-secure.sh; sourced, never run.

# Whether something listens on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The broker settings that do not depend on its listeners, for a one-node test cluster whose
# data lives in $1.
single_node_properties() {
  cat <<PROPS
log.dirs=$1
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
}

# A Log4j 2 configuration in $1 that keeps the broker's log to warnings.
write_log4j() {
  cat >"$1" <<PROPS
rootLogger.level=WARN
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
PROPS
}
