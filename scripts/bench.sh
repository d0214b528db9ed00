#!/usr/bin/env bash
# make bench: racksmith's DHCP server against dnsmasq and Kea (same 1000
# reservations, same Go load generator), and racksmith's file handler against
# nginx (one 100 MB file, 50 clients), inside a namespace pair the bench
# creates and deletes. Bounded in time; extra arguments go to the bench
# (e.g. scripts/bench.sh -windows 5 -only kea). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, raw sockets)" >&2; exit 1; }
export PATH="$PATH:/usr/sbin:/sbin"
for tool in ip dnsmasq kea-dhcp4 nginx wrk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing: run make setup (scripts/apt-packages.txt)" >&2; exit 1; }
done
mkdir -p bin
go build -o bin/racksmith-bench ./bench/cmd/racksmith-bench
exec timeout --kill-after=30s 12m bin/racksmith-bench "$@"
