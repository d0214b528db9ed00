#!/usr/bin/env bash
# images/build.sh — builds the installer image and the lab OS image from Debian
# packages only (apt-get download + dpkg -x into images/.build/cache; nothing is
# installed on this machine, nothing touches its /boot):
#
#   images/.build/vmlinuz                      Debian kernel (linux-image-amd64's dependency)
#   images/.build/initrd.img (zstd cpio)       busybox + mdadm + cryptsetup + e2fsprogs + gdisk
#                                              + extlinux + dosfstools + systemd-boot (UEFI binary)
#                                              + kernel modules + the agent
#   images/.build/os/busybox-root.tar.gz(.sha256)  the lab hosts' OS (images/os/lab-busybox.json)
#
# Reproducible: sorted cpio/tar, fixed mtimes (SOURCE_DATE_EPOCH), gzip -n, Go
# built with -trimpath and an empty build id. Cached: when the hash of every
# input (this script, the lists, the agent's sources, the Debian package
# versions) matches images/.build/inputs.sha256, nothing is rebuilt.
set -euo pipefail
umask 022
export LC_ALL=C TZ=UTC
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
B=${RACKSMITH_IMAGES_OUT:-$HERE/.build}
CACHE=${RACKSMITH_IMAGES_CACHE:-$B/cache} # downloaded and extracted packages
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600} # 2026-01-01T00:00:00Z
GO=${GO:-go}
OSDEF=$HERE/os/lab-busybox.json

log() { echo "images: $*" >&2; }
die() { echo "images: error: $*" >&2; exit 1; }
for tool in apt-get apt-cache dpkg depmod modprobe readelf cpio gzip zstd tar jq sha256sum flock "$GO"; do
  command -v "$tool" >/dev/null || die "$tool not found (run make setup)"
done

# one build at a time per output dir (several `make test` in one tree)
mkdir -p "$B"
exec 9>"$B/.lock"
flock 9

pkglist() { grep -v '^#' "$1" | grep -v '^[[:space:]]*$'; }

# --- resolve the Debian package versions (part of the cache key) ---------------
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64's kernel package (apt-get update?)"
KVER=${KPKG#linux-image-}
mapfile -t INITRD_PKGS < <(pkglist "$HERE/initrd/packages.txt")
mapfile -t OS_PKGS < <(jq -r '.packages[]' "$OSDEF")
ALL_PKGS=$(printf '%s\n' "$KPKG" "${INITRD_PKGS[@]}" "${OS_PKGS[@]}" | sort -u)
# one apt-cache call for all (one per package takes minutes on a loaded machine)
VERSIONS=$(apt-cache show --no-all-versions $ALL_PKGS 2>/dev/null |
  awk '/^Package:/{p=$2} /^Version:/{print p"="$2}' | sort -u)
for p in $ALL_PKGS; do
  grep -q "^$p=" <<< "$VERSIONS" || die "Debian package $p not found (apt-get update?)"
done

inputs_hash() {
  {
    echo "$VERSIONS"; echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"; "$GO" version
    (cd "$ROOT" && find images/build.sh images/initrd images/os cmd/racksmith-installer images/agent pxe/plan go.mod go.sum \
        -type f ! -name '*_test.go' 2>/dev/null | sort | xargs sha256sum)
  } | sha256sum | cut -d' ' -f1
}
HASH=$(inputs_hash)
OUTS=("$B/vmlinuz" "$B/initrd.img" "$B/os/busybox-root.tar.gz" "$B/os/busybox-root.tar.gz.sha256")
if [ "${FORCE:-}" != 1 ] && [ -f "$B/inputs.sha256" ] && [ "$(cat "$B/inputs.sha256")" = "$HASH" ]; then
  ok=1; for f in "${OUTS[@]}"; do [ -s "$f" ] || ok=0; done
  if [ $ok = 1 ]; then log "up to date (inputs $HASH)"; exit 0; fi
fi
log "building (inputs $HASH, kernel $KVER)"

# --- download and extract ------------------------------------------------------
mkdir -p "$CACHE/debs" "$CACHE/x"
fetch() { # fetch PKG=VERSION -> extracted tree path on stdout
  local pv=$1 p=${1%%=*} v=${1#*=} deb dir
  dir=$CACHE/x/$p=$v
  if [ ! -f "$dir/.done" ]; then
    deb=$(ls "$CACHE/debs/${p}_"*.deb 2>/dev/null | while read -r f; do
      [ "$(dpkg-deb -f "$f" Version)" = "$v" ] && echo "$f"; done | head -1)
    if [ -z "$deb" ]; then
      (cd "$CACHE/debs" && apt-get download -q "$pv" >/dev/null 2>&1) || die "apt-get download $pv failed"
      deb=$(ls "$CACHE/debs/${p}_"*.deb | while read -r f; do
        [ "$(dpkg-deb -f "$f" Version)" = "$v" ] && echo "$f"; done | head -1)
    fi
    rm -rf "$dir"; mkdir -p "$dir"; dpkg -x "$deb" "$dir"; touch "$dir/.done"
  fi
  echo "$dir"
}
declare -A X
for pv in $VERSIONS; do X[${pv%%=*}]=$(fetch "$pv"); done

# a merged view of the initrd packages, to resolve programs and libraries
STAGE=$B/work/stage
rm -rf "$B/work"; mkdir -p "$STAGE"
for p in "${INITRD_PKGS[@]}"; do cp -a "${X[$p]}/." "$STAGE/"; done
rm -f "$STAGE/.done"

# --- the installer initramfs ---------------------------------------------------
IR=$B/work/initrd
mkdir -p "$IR"/{bin,sbin,etc/racksmith,dev,proc,sys,run/cryptsetup,tmp,mnt,newroot,lib/x86_64-linux-gnu,lib64,usr/share/udhcpc,usr/lib/syslinux}
cp "$STAGE/bin/busybox" "$IR/bin/busybox"
for a in $("$IR/bin/busybox" --list-full); do
  [ -e "$IR/$a" ] || { mkdir -p "$IR/$(dirname "$a")"; ln -s /bin/busybox "$IR/$a"; }
done

LIBREPORT=$B/initrd-libs.txt; : > "$LIBREPORT"
declare -A HAVE_LIB
add_libs() { # add_libs ELF: copy its NEEDED libraries (recursively) from the package tree
  local lib src
  for lib in $(readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -n "${HAVE_LIB[$lib]:-}" ] && continue
    HAVE_LIB[$lib]=1
    src=""
    for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64; do
      [ -e "$STAGE/$d/$lib" ] && { src=$STAGE/$d/$lib; break; }
    done
    if [ -n "$src" ]; then
      echo "$lib debian-package" >> "$LIBREPORT"
    else # fallback: the host's copy (recorded)
      src=$(ldconfig -p | awk -v l="$lib" '$1==l && /x86-64/{print $NF; exit}')
      [ -n "$src" ] || die "library $lib (needed by $1) not in the packages nor on the host"
      echo "$lib host:$src" >> "$LIBREPORT"
    fi
    cp -L "$src" "$IR/lib/x86_64-linux-gnu/$lib"
    add_libs "$IR/lib/x86_64-linux-gnu/$lib"
  done
}
for f in $(pkglist "$HERE/initrd/binaries.txt"); do
  [ -e "$STAGE$f" ] || die "$f not found in the extracted packages ($HERE/initrd/packages.txt)"
  case $f in
    *.bin) cp "$STAGE$f" "$IR/usr/lib/syslinux/" ;;
    *.efi) mkdir -p "$IR$(dirname "$f")"; cp "$STAGE$f" "$IR$f" ;; # UEFI binaries keep their path
    *) rm -f "$IR/sbin/$(basename "$f")" "$IR/bin/$(basename "$f")"
       cp -L "$STAGE$f" "$IR/sbin/$(basename "$f")"; add_libs "$IR/sbin/$(basename "$f")" ;;
  esac
done
cp -L "$STAGE/lib64/ld-linux-x86-64.so.2" "$IR/lib64/ld-linux-x86-64.so.2"
ln -sf /sbin/bash "$IR/bin/bash" # clevis's scripts start with #!/bin/bash
sort -o "$LIBREPORT" "$LIBREPORT"
grep -q ' host:' "$LIBREPORT" && log "warning: some libraries came from the host, see $LIBREPORT"

# kernel modules: dependency closure from modprobe --show-depends on a depmod -b tree
K=${X[$KPKG]}
[ -f "$K/lib/modules/$KVER/modules.dep" ] || depmod -b "$K" "$KVER"
MODLIST=$B/work/modules.order; : > "$MODLIST"
declare -A HAVE_MOD
while read -r kind name; do
  deps=$(modprobe -d "$K" -S "$KVER" --show-depends "$name" 2>&1) || die "module $name: $deps"
  while read -r verb path _; do
    [ "$verb" = insmod ] || continue
    rel=${path#"$K"/}
    if [ -z "${HAVE_MOD[$rel]:-}" ]; then
      HAVE_MOD[$rel]=1
      mkdir -p "$IR/$(dirname "$rel")"; cp "$path" "$IR/$rel"
    fi
    [ "$kind" = load ] && echo "/$rel" >> "$MODLIST"
  done <<< "$deps"
done < <(pkglist "$HERE/initrd/modules.txt")
awk '!seen[$0]++' "$MODLIST" > "$IR/etc/racksmith/modules"
cp "$K/lib/modules/$KVER/modules.builtin" "$K/lib/modules/$KVER/modules.builtin.modinfo" "$K/lib/modules/$KVER/modules.order" "$IR/lib/modules/$KVER/"
depmod -b "$IR" "$KVER"
echo "$KVER" > "$IR/etc/racksmith/kernel"

# the agent: static, reproducible
(cd "$ROOT" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 "$GO" build -trimpath -ldflags "-s -w -buildid=" \
  -o "$IR/bin/racksmith-installer" ./cmd/racksmith-installer)
install -m 0755 "$HERE/initrd/init" "$IR/init"
install -m 0755 "$HERE/initrd/udhcpc.script" "$IR/usr/share/udhcpc/default.script"
install -D -m 0644 "$HERE/initrd/pwquality.conf" "$IR/etc/security/pwquality.conf"
echo "$VERSIONS" > "$IR/etc/racksmith/packages"

# reproducible archives: fixed mtimes, sorted names, numeric owners
find "$IR" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$B/os"
# zstd: the kernel unpacks it several times faster than gzip under TCG
(cd "$IR" && find . -mindepth 1 | sed 's|^\./||' | sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | zstd -q -19 -T1 > "$B/initrd.img.tmp"
cp "$K/boot/vmlinuz-$KVER" "$B/vmlinuz.tmp"

# --- the lab OS image ------------------------------------------------------------
"$HERE/os/build-busybox.sh" "$OSDEF" "${X[busybox-static]}" "$B/work/os" "$B/os/busybox-root.tar.gz.tmp"

# commit atomically: nothing half-written
mv "$B/vmlinuz.tmp" "$B/vmlinuz"
mv "$B/initrd.img.tmp" "$B/initrd.img"
mv "$B/os/busybox-root.tar.gz.tmp" "$B/os/busybox-root.tar.gz"
(cd "$B/os" && sha256sum busybox-root.tar.gz | cut -d' ' -f1 > busybox-root.tar.gz.sha256)
echo "$VERSIONS" > "$B/packages.lock"
echo "$HASH" > "$B/inputs.sha256"
rm -rf "$B/work"
log "vmlinuz $(sha256sum < "$B/vmlinuz" | cut -c1-16) initrd.img $(sha256sum < "$B/initrd.img" | cut -c1-16) ($(du -h "$B/initrd.img" | cut -f1)) os $(cut -c1-16 "$B/os/busybox-root.tar.gz.sha256")"
