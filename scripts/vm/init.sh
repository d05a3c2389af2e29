#!/busybox/sh
# /init of the test VM: a pure cgroup v2 machine with the host's /usr and /etc shared
# read-only and the checkout read-write (at the same absolute path), which runs the one
# command in /ctl/cmd.sh as root and powers off. The exit status goes to /ctl/exit and
# to the console as @@CTRKIT-VM-EXIT:<n>@@ for the host-side runner.
export PATH=/busybox
# The initramfs is the kernel's initial rootfs, which pivot_root(2) refuses (EINVAL), so
# runc could not start a container. Move it to a tmpfs and switch_root there (once).
if [ ! -e /.ctrkit-root ]; then
  mkdir -p /newroot
  mount -t tmpfs -o mode=755 root /newroot
  for e in /* /.[!.]*; do
    case $e in /newroot | '/.[!.]*') ;; *) cp -a "$e" /newroot/ ;; esac
  done
  touch /newroot/.ctrkit-root
  exec switch_root /newroot /init
fi
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
echo "@@CTRKIT-VM-INIT@@"
while read -r m; do insmod "/modules/$m" || echo "vm: insmod $m failed"; done < /modules/order.txt

share() { # tag target [ro]
  mkdir -p "$2"
  mount -t 9p -o "trans=virtio,version=9p2000.L,msize=524288,cache=loose${3:+,$3}" "$1" "$2" || {
    echo "vm: cannot mount share $1 at $2"; echo "@@CTRKIT-VM-EXIT:125@@"; poweroff -f; }
}
# The guest's own scratch directories first: a checkout under /tmp (or /var, /root)
# is mounted over them below, not hidden by them.
mount -t tmpfs -o mode=755 tmpfs /run
# /tmp on the runner's scratch disk (ext4: user.* xattrs, which tmpfs lacks before 6.6),
# else tmpfs.
if [ -b /dev/vda ]; then
  mount -t ext4 -o noatime /dev/vda /tmp && chmod 1777 /tmp || { echo "vm: cannot mount the scratch disk"; echo "@@CTRKIT-VM-EXIT:125@@"; poweroff -f; }
else
  mount -t tmpfs -o mode=1777 tmpfs /tmp
fi
mount -t tmpfs -o mode=755 tmpfs /var
mount -t tmpfs -o mode=700 tmpfs /root
mkdir -p /run/netns /var/lib /var/cache /var/tmp /run/lock
share ctl /ctl
share usr /usr ro
share etc /etc ro
proj=$(cat /ctl/proj)
share proj "$proj"

# Pure cgroup v2 (the kernel boots with cgroup_no_v1=all), every controller enabled
# for children of the root.
mount -t tmpfs -o mode=755 cgroup-root /sys/fs/cgroup 2>/dev/null && umount /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control; done

ip link set lo up
# Fallback tunnel devices (tunl0, gre0, ...) appear in every new netns once ipip/gre
# are loaded; keep them in the initial namespace only, as a test expects a fresh netns to hold just lo.
echo 1 > /proc/sys/net/core/fb_tunnels_only_for_init_net
hostname ctrkit-vm

export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb CTRKIT_IN_VM=1
# The kernel's default of 1024 open files is far below what the host gives its tests.
ulimit -n 65536
[ -f /ctl/env ] && . /ctl/env
cd "$proj"
# Through a pipe, as under CI: the console is a tty, and test runners that see one
# redraw their progress many times a second over the emulated serial line.
(/bin/sh /ctl/cmd.sh < /dev/null; echo $? > /run/ctrkit-vm-status) 2>&1 | cat
status=$(cat /run/ctrkit-vm-status 2>/dev/null || echo 125)
echo "$status" > /ctl/exit
sync
echo "@@CTRKIT-VM-EXIT:$status@@"
poweroff -f
