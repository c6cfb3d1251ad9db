#!/usr/bin/env bash
# The project's test command (README.md). Works on a new machine: it installs what the tests need
# (servers from Debian packages, when later modules need them) and builds with the Maven wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."

# Servers the test suites start as child processes. Each entry: binary and Debian package.
# etcd 3.4 (Debian's etcd-server) for lock-etcd; ZooKeeper runs in-process and the Kubernetes API is
# fabric8's mock server, so they need nothing installed. BATON_TEST_SERVERS adds more pairs.
need_packages=()
for pair in etcd:etcd-server ${BATON_TEST_SERVERS:-}; do
  bin=${pair%%:*}; pkg=${pair#*:}
  command -v "$bin" >/dev/null 2>&1 || need_packages+=("$pkg")
done
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "Installing test servers: ${need_packages[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_packages[@]}"
fi

exec ./mvnw -B -ntp verify "$@"
