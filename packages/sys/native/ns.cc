// Namespace-scoped opening. setns/unshare run only on a short-lived pthread made for the
// one call (DedicatedThread): it enters the namespace, opens the descriptor, and exits.
// The descriptor stays bound to that namespace, so JS and the libuv pool never move
// (shared/reference/netns.md §1).
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "sys.h"

namespace ctrkit {
namespace {

struct Ctx {
  const Args& a;
  Out& out;
};

int Fail(Out& out, const char* syscall, int path_arg) {
  out.syscall = syscall;
  out.path_arg = path_arg;
  return errno;
}

// Joins the namespace named by args[idx] (a path, an fd, or null for "stay here").
// Unsharing CLONE_FS first lets setns enter a mount namespace; the thread is discarded.
int EnterNamespace(const Args& a, size_t idx, Out& out) {
  const Arg& ns = a[idx];
  if (ns.null) return 0;
  int fd = static_cast<int>(ns.num);
  bool own = !ns.str.empty();
  if (own) {
    fd = open(ns.str.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail(out, "open", static_cast<int>(idx));
  }
  int err = 0;
  if (unshare(CLONE_FS) < 0 || setns(fd, 0) < 0) err = Fail(out, "setns", own ? static_cast<int>(idx) : -1);
  if (own) close(fd);
  return err;
}

// Args: protocol, netns, groups, rcvbuf. Out: fd, port id.
int NetlinkOnThread(void* p) {
  auto c = static_cast<Ctx*>(p);
  int err = EnterNamespace(c->a, 1, c->out);
  if (err != 0) return err;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, static_cast<int>(c->a[0].num));
  if (fd < 0) return Fail(c->out, "socket", -1);
  // Ask for extended acks: the kernel then says why it refused (e.g. "Nexthop has invalid
  // gateway"). Best effort: kernels before 4.12 lack the option, and errors still carry errno.
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  int rcvbuf = static_cast<int>(c->a[3].num);
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0) {
    err = Fail(c->out, "setsockopt", -1);
  }
  struct sockaddr_nl addr = {};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = static_cast<uint32_t>(c->a[2].num);
  socklen_t len = sizeof(addr);
  if (err == 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) err = Fail(c->out, "bind", -1);
  if (err == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    err = Fail(c->out, "getsockname", -1);
  }
  if (err != 0) {
    close(fd);
    return err;
  }
  c->out.num = fd;
  c->out.num2 = addr.nl_pid;
  return 0;
}

Napi::Value DoneNetlink(Napi::Env env, Out& out) {
  auto o = Napi::Object::New(env);
  o.Set("fd", Napi::Number::New(env, static_cast<double>(out.num)));
  o.Set("portId", Napi::Number::New(env, static_cast<double>(out.num2)));
  return o;
}

// Args: ns, path, flags, mode.
int OpenOnThread(void* p) {
  auto c = static_cast<Ctx*>(p);
  int err = EnterNamespace(c->a, 0, c->out);
  if (err != 0) return err;
  int fd = open(c->a[1].str.c_str(), static_cast<int>(c->a[2].num) | O_CLOEXEC, static_cast<mode_t>(c->a[3].num));
  if (fd < 0) return Fail(c->out, "open", 1);
  c->out.num = fd;
  return 0;
}

// Args: clone flag, kind ("net", "mnt", ...).
int UnshareOnThread(void* p) {
  auto c = static_cast<Ctx*>(p);
  if (unshare(static_cast<int>(c->a[0].num)) < 0) return Fail(c->out, "unshare", -1);
  std::string path = "/proc/thread-self/ns/" + c->a[1].str;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(c->out, "open", -1);
  c->out.num = fd;
  return 0;
}

// A new network namespace, made on a dedicated thread, and an fd of it.
struct NewNetns {
  int fd = -1;
  const char* syscall = nullptr;
};

int UnshareNetOnThread(void* p) {
  auto n = static_cast<NewNetns*>(p);
  n->syscall = "unshare";
  if (unshare(CLONE_NEWNET) < 0) return errno;
  n->syscall = "open";
  n->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  return n->fd < 0 ? errno : 0;
}

template <int (*Fn)(void*)>
int ExecOnThread(const Args& a, Out& out) {
  Ctx ctx{a, out};
  return OnDedicatedThread(Fn, &ctx);
}

// Args: run dir, target file. Out: an fd of the new namespace (the caller closes it).
// As iproute2's `ip netns add`: /run/netns is made a shared mount (bind-mounting it on
// itself first if needed) so the netns mounts propagate to other mount namespaces. The
// namespace is unshared on a dedicated thread while this one makes the mount point (a
// new file, which on ext4 after many deletions takes about as long), then this thread
// bind-mounts it through /proc/self/fd. On failure nothing is left: no file, no fd.
int ExecCreateNetns(const Args& a, Out& out) {
  const char* dir = a[0].str.c_str();
  const char* target = a[1].str.c_str();
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) return Fail(out, "mkdir", 0);
  bool bound = false;
  while (mount("", dir, "none", MS_SHARED | MS_REC, nullptr) < 0) {
    if (errno != EINVAL || bound) return Fail(out, "mount", 0);
    if (mount(dir, dir, "none", MS_BIND | MS_REC, nullptr) < 0) return Fail(out, "mount", 0);
    bound = true;
  }
  NewNetns ns;
  DedicatedThread thread;
  int rc = thread.Start(UnshareNetOnThread, &ns);
  if (rc != 0) {
    errno = rc;
    return Fail(out, "pthread_create", -1);
  }
  int file = open(target, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  int file_err = file < 0 ? errno : 0;
  if (file >= 0) close(file);
  int ns_err = thread.Join();
  if (file_err != 0) {  // the name is taken, or /run/netns refuses: drop the new namespace
    if (ns.fd >= 0) close(ns.fd);
    errno = file_err;
    return Fail(out, "open", 1);
  }
  if (ns_err != 0) {
    unlink(target);  // leave no empty placeholder behind
    errno = ns_err;
    return Fail(out, ns.syscall, -1);
  }
  std::string source = "/proc/self/fd/" + std::to_string(ns.fd);
  if (mount(source.c_str(), target, "none", MS_BIND, nullptr) < 0) {
    int err = errno;
    close(ns.fd);
    unlink(target);
    errno = err;
    return Fail(out, "mount", 1);
  }
  out.num = ns.fd;
  return 0;
}

int ExecDeleteNetns(const Args& a, Out& out) {
  const char* target = a[0].str.c_str();
  if (umount2(target, MNT_DETACH) < 0 && errno != EINVAL) return Fail(out, "umount2", 0);
  if (unlink(target) < 0) return Fail(out, "unlink", 0);
  return 0;
}

}  // namespace

const Op kNsOps[] = {
    {"openNetlink", "socket", ExecOnThread<NetlinkOnThread>, DoneNetlink, -1, -1},
    {"openInNamespace", "open", ExecOnThread<OpenOnThread>, DoneNumber, 1, -1},
    {"unshareFd", "unshare", ExecOnThread<UnshareOnThread>, DoneNumber, -1, -1},
    {"createNetns", "mount", ExecCreateNetns, DoneNumber, 1, -1},
    {"deleteNetns", "umount2", ExecDeleteNetns, DoneUndefined, 0, -1},
    {nullptr, nullptr, nullptr, nullptr, -1, -1},
};

}  // namespace ctrkit
