#!/usr/bin/env bash
# Installs what racksmith needs on a fresh Debian machine: the Debian packages in
# scripts/apt-packages.txt and the Pulumi CLI (built from the Go module proxy)
# into bin/. Idempotent: a second run does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(grep -v '^#' scripts/apt-packages.txt | grep -v '^$' | tr '\n' ' ')
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  # postfix asks questions on install; answer them once, non-interactively.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PULUMI_VERSION=v3.277.0
if ! bin/pulumi version 2>/dev/null | grep -qx "$PULUMI_VERSION"; then
  echo "setup: building the Pulumi CLI $PULUMI_VERSION into bin/ (first time: several minutes)"
  mkdir -p bin
  (cd tools/pulumi && go build -o ../../bin/pulumi \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
fi
echo "setup: ok ($(bin/pulumi version))"
