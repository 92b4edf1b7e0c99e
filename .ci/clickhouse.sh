#!/usr/bin/env bash
# Starts (or stops) the ClickHouse servers Fathom's integration tests use, each on loopback with
# its own data directory under $FATHOM_CH_DIR (default /tmp/fathom-clickhouse):
#
#   single   127.0.0.1  http 18123  tcp 19000   one node
#   shard1   127.0.0.2  http 18123  tcp 19000   cluster "fathom_2s", shard 1
#   shard2   127.0.0.3  http 18123  tcp 19000   cluster "fathom_2s", shard 2
#
# Every node of the cluster listens on the same HTTP port on its own address: that is how Fathom
# reaches each shard for DDL when the cluster has no ZooKeeper for ON CLUSTER (docs/clickhouse.md).
#
#   bash .ci/clickhouse.sh start     # prints the two URLs to export
#   bash .ci/clickhouse.sh stop
set -euo pipefail
dir=${FATHOM_CH_DIR:-/tmp/fathom-clickhouse}
server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
http=18123
tcp=19000

config() { # name address
    local name=$1 address=$2 d="$dir/$1"
    mkdir -p "$d/data/" "$d/tmp/" "$d/log"
    cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog></logger>
    <http_port>$http</http_port>
    <tcp_port>$tcp</tcp_port>
    <listen_host>$address</listen_host>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <users_config>$d/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <remote_servers>
        <fathom_2s>
            <shard><replica><host>127.0.0.2</host><port>$tcp</port></replica></shard>
            <shard><replica><host>127.0.0.3</host><port>$tcp</port></replica></shard>
        </fathom_2s>
    </remote_servers>
</yandex>
XML
    cat > "$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.0/8</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

start_one() { # name address
    local name=$1 address=$2 d="$dir/$1"
    if curl -fsS "http://$address:$http/ping" >/dev/null 2>&1; then echo "$name already up on $address:$http"; return; fi
    config "$name" "$address"
    # setsid and no inherited descriptors: the server outlives this script and holds none of its pipes.
    setsid "$server" --config-file="$d/config.xml" </dev/null >"$d/log/stdout.log" 2>&1 &
    echo $! > "$d/pid"
    for _ in $(seq 1 120); do
        if curl -fsS "http://$address:$http/ping" >/dev/null 2>&1; then echo "$name up on $address:$http"; return; fi
        sleep 0.5
    done
    echo "ClickHouse $name did not start; its log:" >&2
    tail -30 "$d/log/error.log" "$d/log/stdout.log" >&2 || true
    exit 1
}

stop_one() {
    local d="$dir/$1"
    if [ -f "$d/pid" ]; then kill "$(cat "$d/pid")" 2>/dev/null || true; rm -f "$d/pid"; fi
}

case ${1:-start} in
start)
    if [ ! -x "$server" ]; then echo "clickhouse-server is not installed" >&2; exit 1; fi
    start_one single 127.0.0.1
    start_one shard1 127.0.0.2
    start_one shard2 127.0.0.3
    echo "export FATHOM_CLICKHOUSE=127.0.0.1:$http"
    echo "export FATHOM_CLICKHOUSE_CLUSTER=127.0.0.2:$http  # cluster fathom_2s"
    ;;
stop)
    stop_one single; stop_one shard1; stop_one shard2
    ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
