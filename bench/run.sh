#!/usr/bin/env bash
# Baton's benchmarks: one command, NOT part of the test run. Needs the etcd binary (Debian's etcd-server).
# Writes bench/results/*.md (elections, ceiling, scale), *.svg and jmh.txt; BENCHMARKS.md quotes them.
# Takes about 2 hours on 2 cores with the defaults below; each line can be run on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -Pbench -pl bench -am package -DskipTests
mkdir -p bench/results
JAVA_OPTS=(-Dorg.slf4j.simpleLogger.defaultLogLevel=error -Djava.util.logging.config.file=.mvn/test-logging.properties)
BENCH=(java -Xmx1g "${JAVA_OPTS[@]}" -jar bench/target/baton-bench.jar)
"${BENCH[@]}" elections \
  --backends inmemory,inmemory-polling,etcd,zookeeper,leases,fabric8 --samples 8 --steady-state 1m \
  --chart bench/results/elections.svg > bench/results/elections.md
# The JDBC backends use the PostgreSQL and MariaDB that scripts/test.sh sets up (127.0.0.1, database test).
"${BENCH[@]}" elections --backends jdbc-postgres,jdbc-mariadb --samples 8 --steady-state 1m \
  > bench/results/elections-jdbc.md
# The store's raw compare-and-set ceiling at Baton's 8 calls in flight, then electors ramped against it.
"${BENCH[@]}" ceiling --backends etcd --ramp 0.8,0.9,1.0,1.1 > bench/results/ceiling-etcd.md
"${BENCH[@]}" ceiling --backends zookeeper --ramp 0.8,0.9,1.0 > bench/results/ceiling-zookeeper.md
# 10,000 elections in one JVM for 5 minutes, with graceful handovers of another election meanwhile.
# etcd's ceiling here (about 2,900 writes/s) needs a 4 s retry period; ZooKeeper takes client-go's 2 s.
"${BENCH[@]}" scale --backends etcd --electors 10000 --duration 5m --handovers 20 --retry 4s \
  > bench/results/scale-10k-etcd.md
"${BENCH[@]}" scale --backends zookeeper --electors 10000 --duration 5m --handovers 20 \
  > bench/results/scale-10k-zookeeper.md
# Past the ceiling: two candidates per election, about 130 % of etcd's ceiling in renewals.
"${BENCH[@]}" scale --backends etcd --electors "${OVERLOAD_ELECTIONS:-7500}" --candidates 2 --duration 2m \
  > bench/results/scale-overload.md
# Leases on the mock API server, Baton and fabric8's own elector side by side.
"${BENCH[@]}" scale --backends leases,fabric8 --electors "${LEASE_ELECTIONS:-1000}" --duration 2m \
  > bench/results/scale-leases.md
"${BENCH[@]}" jmh -f 1 -wi 3 -w 2s -i 5 -r 2s 'LockCallBenchmark' | tee bench/results/jmh.txt | tail -20
