// The kernel's constant values as this build's headers define them. The TypeScript
// constants are written out per architecture (so importing needs no addon); a system
// test compares them against this table.
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace ctrkit {
namespace {

struct Entry {
  const char* name;
  int64_t value;
};

void Group(Napi::Env env, Napi::Object into, const char* group, std::initializer_list<Entry> entries) {
  auto o = Napi::Object::New(env);
  for (const Entry& e : entries) o.Set(e.name, Napi::Number::New(env, static_cast<double>(e.value)));
  into.Set(group, o);
}

}  // namespace

void InitConstants(Napi::Env env, Napi::Object exports) {
  auto c = Napi::Object::New(env);
  Group(env, c, "O",
        {{"RDONLY", O_RDONLY}, {"WRONLY", O_WRONLY}, {"RDWR", O_RDWR}, {"CREAT", O_CREAT}, {"EXCL", O_EXCL},
         {"TRUNC", O_TRUNC}, {"APPEND", O_APPEND}, {"NONBLOCK", O_NONBLOCK}, {"DIRECTORY", O_DIRECTORY},
         {"NOFOLLOW", O_NOFOLLOW}, {"CLOEXEC", O_CLOEXEC}, {"PATH", O_PATH}, {"DIRECT", O_DIRECT},
         {"NOATIME", O_NOATIME}, {"TMPFILE", O_TMPFILE}});
  Group(env, c, "RESOLVE",
        {{"NO_XDEV", RESOLVE_NO_XDEV}, {"NO_MAGICLINKS", RESOLVE_NO_MAGICLINKS}, {"NO_SYMLINKS", RESOLVE_NO_SYMLINKS},
         {"BENEATH", RESOLVE_BENEATH}, {"IN_ROOT", RESOLVE_IN_ROOT}, {"CACHED", RESOLVE_CACHED}});
  Group(env, c, "AT",
        {{"FDCWD", AT_FDCWD}, {"SYMLINK_NOFOLLOW", AT_SYMLINK_NOFOLLOW}, {"REMOVEDIR", AT_REMOVEDIR},
         {"SYMLINK_FOLLOW", AT_SYMLINK_FOLLOW}, {"EMPTY_PATH", AT_EMPTY_PATH}});
  Group(env, c, "S",
        {{"IFMT", S_IFMT}, {"IFSOCK", S_IFSOCK}, {"IFLNK", S_IFLNK}, {"IFREG", S_IFREG}, {"IFBLK", S_IFBLK},
         {"IFDIR", S_IFDIR}, {"IFCHR", S_IFCHR}, {"IFIFO", S_IFIFO}});
  Group(env, c, "MS",
        {{"RDONLY", MS_RDONLY}, {"NOSUID", MS_NOSUID}, {"NODEV", MS_NODEV}, {"NOEXEC", MS_NOEXEC},
         {"SYNCHRONOUS", MS_SYNCHRONOUS}, {"REMOUNT", MS_REMOUNT}, {"MANDLOCK", MS_MANDLOCK},
         {"DIRSYNC", MS_DIRSYNC}, {"NOATIME", MS_NOATIME}, {"NODIRATIME", MS_NODIRATIME}, {"BIND", MS_BIND},
         {"MOVE", MS_MOVE}, {"REC", MS_REC}, {"SILENT", MS_SILENT}, {"UNBINDABLE", MS_UNBINDABLE},
         {"PRIVATE", MS_PRIVATE}, {"SLAVE", MS_SLAVE}, {"SHARED", MS_SHARED}, {"RELATIME", MS_RELATIME},
         {"STRICTATIME", MS_STRICTATIME}, {"LAZYTIME", MS_LAZYTIME}});
  Group(env, c, "MNT",
        {{"FORCE", MNT_FORCE}, {"DETACH", MNT_DETACH}, {"EXPIRE", MNT_EXPIRE}, {"NOFOLLOW", UMOUNT_NOFOLLOW}});
  Group(env, c, "RENAME",
        {{"NOREPLACE", RENAME_NOREPLACE}, {"EXCHANGE", RENAME_EXCHANGE}, {"WHITEOUT", RENAME_WHITEOUT}});
  Group(env, c, "XATTR", {{"CREATE", XATTR_CREATE}, {"REPLACE", XATTR_REPLACE}});
  Group(env, c, "CLONE",
        {{"NEWNS", CLONE_NEWNS}, {"NEWCGROUP", CLONE_NEWCGROUP}, {"NEWUTS", CLONE_NEWUTS}, {"NEWIPC", CLONE_NEWIPC},
         {"NEWUSER", CLONE_NEWUSER}, {"NEWPID", CLONE_NEWPID}, {"NEWNET", CLONE_NEWNET}, {"NEWTIME", CLONE_NEWTIME}});
  Group(env, c, "NETLINK",
        {{"ROUTE", NETLINK_ROUTE}, {"SOCK_DIAG", NETLINK_SOCK_DIAG}, {"NETFILTER", NETLINK_NETFILTER},
         {"KOBJECT_UEVENT", NETLINK_KOBJECT_UEVENT}, {"GENERIC", NETLINK_GENERIC}});
  exports.Set("constants", c);
}

}  // namespace ctrkit
