#!/usr/bin/env bash
# The project's test command (README.md). Works on a new machine: it installs what the tests need
# (servers from Debian packages, when later modules need them) and builds with the Maven wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Servers the test suites start as child processes. Each entry: binary and Debian package.
# etcd 3.4 (Debian's etcd-server) for lock-etcd; ZooKeeper runs in-process and the Kubernetes API is
# fabric8's mock server, so they need nothing installed. BATON_TEST_SERVERS adds more pairs.
need_packages=()
for pair in etcd:etcd-server ${BATON_TEST_SERVERS:-}; do
  bin=${pair%%:*}; pkg=${pair#*:}
  command -v "$bin" >/dev/null 2>&1 || need_packages+=("$pkg")
done

# Database servers for lock-jdbc, which its tests use where they run (127.0.0.1:5432 and :3306),
# unless BATON_JDBC_POSTGRES_URL / BATON_JDBC_MARIADB_URL point elsewhere.
if [ -z "${BATON_JDBC_POSTGRES_URL:-}" ] && { ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; }; then
  need_packages+=(postgresql)
fi
if [ -z "${BATON_JDBC_MARIADB_URL:-}" ] && [ ! -x /usr/sbin/mariadbd ]; then
  need_packages+=(mariadb-server)
fi

if [ ${#need_packages[@]} -gt 0 ]; then
  echo "Installing test servers: ${need_packages[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
await_port() {
  for _ in $(seq 1 300); do port_open "$1" && return 0; sleep 0.1; done
  echo "$2 did not open 127.0.0.1:$1 within 30 s" >&2; return 1
}
as_user() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$1" -- "${@:2}"; else sudo -u "$1" "${@:2}"; fi; }

# PostgreSQL: started if it is not running; on a fresh install, trust on 127.0.0.1, role root and
# database test, as the development and CI machines have them.
if [ -z "${BATON_JDBC_POSTGRES_URL:-}" ]; then
  pg_version=$(ls /etc/postgresql | sort -V | tail -1)
  if ! port_open 5432; then
    echo "Starting PostgreSQL $pg_version"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start >/dev/null
    await_port 5432 PostgreSQL
  fi
  if ! psql -w -h 127.0.0.1 -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
    echo "Configuring PostgreSQL for the tests: trust on 127.0.0.1"
    hba=/etc/postgresql/$pg_version/main/pg_hba.conf
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload >/dev/null
  fi
  as_user postgres psql -q -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT 'CREATE ROLE root SUPERUSER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'root')\gexec
SELECT 'CREATE DATABASE test' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'test')\gexec
SQL
fi

# MariaDB: started if it is not running; on a fresh install (root by unix socket only), root on
# 127.0.0.1 without a password and database test.
if [ -z "${BATON_JDBC_MARIADB_URL:-}" ]; then
  if ! port_open 3306; then
    echo "Starting MariaDB"
    $SUDO install -d -o mysql -g mysql /run/mysqld
    $SUDO start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    await_port 3306 MariaDB
  fi
  if ! mariadb -h 127.0.0.1 -P 3306 -u root -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null 2>&1; then
    echo "Configuring MariaDB for the tests: root on 127.0.0.1 without a password, database test"
    $SUDO mariadb -u root <<'SQL'
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS test;
SQL
  fi
fi

exec ./mvnw -B -ntp verify "$@"
