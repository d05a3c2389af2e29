#!/usr/bin/env bash
# Prepares (once) and caches the second kernel for system tests: Debian's own
# linux-image package, downloaded with apt-get download and unpacked without installing,
# its ELF vmlinux (booted through PVH, skipping the slow decompressor under TCG), and a
# small initramfs with busybox-static, the modules the tests need and our /init.
# Prints the path of vmlinux, then that of the initramfs. Each version of init.sh and
# modules.txt gets its own initramfs file, so checkouts sharing the cache (a clone beside
# the main checkout) never replace the one another's VM is booting.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${CTRKIT_VM_CACHE:-${XDG_CACHE_HOME:+$XDG_CACHE_HOME/ctrkit-vm}}
cache=${cache:-/var/cache/ctrkit-vm}

die() { echo "vm/prepare: $*" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (Debian package qemu-system-x86)"
[ -x /bin/busybox ] || die "/bin/busybox is missing (Debian package busybox-static)"
command -v cpio >/dev/null || die "cpio is missing"

pkg=${CTRKIT_VM_KERNEL_PKG:-$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')}
[ -n "$pkg" ] || die "cannot find the kernel package linux-image-amd64 depends on (run apt-get update)"
kver=${pkg#linux-image-}
out=$cache/$kver
# The initramfs depends on our /init and module list: rebuild it when they change.
stamp=$(cat "$here/init.sh" "$here/modules.txt" "$here/module-order.mjs" "$0" | sha256sum | cut -c1-16)
initrd=$out/initramfs-$stamp.gz
if [ -f "$initrd" ] && [ -f "$out/vmlinux" ]; then printf '%s\n%s\n' "$out/vmlinux" "$initrd"; exit 0; fi

mkdir -p "$out"
# One preparation at a time per cache (two checkouts starting at once would unpack into
# the same root).
exec 9> "$cache/.prepare.lock"
flock 9
if [ -f "$initrd" ] && [ -f "$out/vmlinux" ]; then printf '%s\n%s\n' "$out/vmlinux" "$initrd"; exit 0; fi
if [ ! -f "$out/vmlinux" ] || [ ! -d "$out/root/lib/modules/$kver" ]; then
  dl=$(mktemp -d "$cache/dl.XXXXXX")
  trap 'rm -rf "$dl"' EXIT
  echo "vm/prepare: downloading $pkg" >&2
  (cd "$dl" && apt-get download -q "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
  rm -rf "$out/root"
  dpkg-deb -x "$dl"/*.deb "$out/root"
  # The .deb ships no modules.dep; generate it.
  /bin/busybox depmod -b "$out/root" "$kver"
  # vmlinuz is a bzImage; its payload is an XZ stream holding the ELF vmlinux.
  offset=$(node -e 'const b = require("fs").readFileSync(process.argv[1]); const i = b.indexOf(Buffer.from("fd377a585a00", "hex")); if (i >= 0) console.log(i)' "$out/root/boot/vmlinuz-$kver")
  [ -n "$offset" ] || die "no XZ payload in vmlinuz-$kver"
  tail -c +"$((offset + 1))" "$out/root/boot/vmlinuz-$kver" | xz -dc --single-stream > "$out/vmlinux.tmp" 2>/dev/null || true
  [ -s "$out/vmlinux.tmp" ] && head -c 4 "$out/vmlinux.tmp" | grep -q ELF || die "could not extract vmlinux"
  mv "$out/vmlinux.tmp" "$out/vmlinux"
fi

# initramfs: busybox, /init, and the wanted modules with their dependencies, in load order.
stage=$(mktemp -d "$cache/stage.XXXXXX")
trap 'rm -rf "$stage" ${dl:+"$dl"}' EXIT
mkdir -p "$stage"/{busybox,modules,proc,sys,dev,run,tmp,mnt,root,var,etc-vm}
cp /bin/busybox "$stage/busybox/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$stage/busybox/$applet"; done
# Debian has merged /usr: the host's /usr is shared in, these make /bin, /lib, ... resolve.
for d in bin sbin lib lib64; do ln -s "usr/$d" "$stage/$d"; done
install -m 755 "$here/init.sh" "$stage/init"
moddir=$out/root/lib/modules/$kver
node "$here/module-order.mjs" "$moddir/modules.dep" $(grep -vE '^\s*(#|$)' "$here/modules.txt") > "$stage/modules/order.txt"
while read -r rel; do
  cp "$moddir/$rel" "$stage/modules/"
done < "$stage/modules/order.txt"
sed -i 's#.*/##' "$stage/modules/order.txt"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 > "$initrd.tmp.$$")
mv "$initrd.tmp.$$" "$initrd"
# Those of other versions (and the unversioned one earlier runners used) once a week old.
find "$out" -maxdepth 1 \( -name 'initramfs-*.gz' -o -name 'initramfs.gz' -o -name 'ready-*' \) -mtime +7 ! -path "$initrd" -delete
printf '%s\n%s\n' "$out/vmlinux" "$initrd"
