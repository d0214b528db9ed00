#!/usr/bin/env bash
# os/build-busybox.sh DEF BUSYBOX_TREE WORKDIR OUT — builds a "busybox" kind OS
# image (see os/*.json) into a reproducible tar.gz: busybox from its extracted
# Debian package, its applet links, a minimal /etc and the definition's files.
set -euo pipefail
DEF=$1 BB=$2 W=$3 OUT=$4
HERE=$(cd "$(dirname "$DEF")" && pwd)
[ "$(jq -r .kind "$DEF")" = busybox ] || { echo "os: $DEF: kind is not busybox" >&2; exit 1; }
rm -rf "$W"; mkdir -p "$W"/{bin,sbin,usr/bin,usr/sbin,etc/network,etc/racksmith,proc,sys,dev,run,tmp,root,var/log,boot}
chmod 1777 "$W/tmp"
cp "$BB/bin/busybox" "$W/bin/busybox"
for a in $("$W/bin/busybox" --list-full); do [ -e "$W/$a" ] || ln -s /bin/busybox "$W/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$W/etc/passwd"
printf 'root:x:0:\n' > "$W/etc/group"
printf 'localhost\n' > "$W/etc/hostname"
printf 'auto lo\niface lo inet loopback\n' > "$W/etc/network/interfaces"
jq -r '.files[] | "\(.path) \(.source) \(.mode)"' "$DEF" | while read -r path src mode; do
  mkdir -p "$W/$(dirname "$path")"; rm -f "$W$path"
  install -m "$mode" "$HERE/$src" "$W$path"
done
jq -r .name "$DEF" > "$W/etc/racksmith/os-image"
find "$W" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar -C "$W" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  --format=gnu -cf - . | gzip -9 -n > "$OUT"
