#!/usr/bin/env bash
# Baton's benchmarks: one command, NOT part of the test run. Needs the etcd binary (Debian's etcd-server).
# Writes bench/results/{elections.md,elections.svg,scale.md,jmh.txt}; BENCHMARKS.md quotes them.
# Takes about 45 minutes on 2 cores with the defaults below.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -Pbench -pl bench -am package -DskipTests
mkdir -p bench/results
JAVA_OPTS=(-Dorg.slf4j.simpleLogger.defaultLogLevel=error -Djava.util.logging.config.file=.mvn/test-logging.properties)
java "${JAVA_OPTS[@]}" -jar bench/target/baton-bench.jar elections \
  --backends inmemory,inmemory-polling,etcd,zookeeper,leases,fabric8 --samples 8 --steady-state 1m \
  --chart bench/results/elections.svg > bench/results/elections.md
# The JDBC backends use the PostgreSQL and MariaDB that scripts/test.sh sets up (127.0.0.1, database test).
java "${JAVA_OPTS[@]}" -jar bench/target/baton-bench.jar elections \
  --backends jdbc-postgres,jdbc-mariadb --samples 8 --steady-state 1m > bench/results/elections-jdbc.md
java -Xmx512m "${JAVA_OPTS[@]}" -jar bench/target/baton-bench.jar scale \
  --backends inmemory,etcd --electors 1000 --duration 2m > bench/results/scale.md
java "${JAVA_OPTS[@]}" -jar bench/target/baton-bench.jar jmh -f 1 -wi 3 -w 2s -i 5 -r 2s 'LockCallBenchmark' \
  | tee bench/results/jmh.txt | tail -20
