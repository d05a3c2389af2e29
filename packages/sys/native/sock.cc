// Non-blocking socket and descriptor calls. Each read-side op returns null on EAGAIN;
// the JS layer then waits for readiness on the event loop (poll.cc) and retries.
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "sys.h"

namespace ctrkit {
namespace {

bool WouldBlock() { return errno == EAGAIN || errno == EWOULDBLOCK; }

int Ret(long rc, Out& out) {
  if (rc < 0) return errno;
  out.num = rc;
  return 0;
}

// Args: fd, datagram. Always to the kernel (nl_pid 0).
int ExecNetlinkSend(const Args& a, Out& out) {
  struct sockaddr_nl to = {};
  to.nl_family = AF_NETLINK;
  return Ret(sendto(static_cast<int>(a[0].num), a[1].bytes.data(), a[1].bytes.size(), MSG_DONTWAIT,
                    reinterpret_cast<sockaddr*>(&to), sizeof(to)),
             out);
}

// Peeks the datagram's true size first so a large dump part is never truncated.
int ExecNetlinkRecv(const Args& a, Out& out) {
  int fd = static_cast<int>(a[0].num);
  for (;;) {
    ssize_t size = recv(fd, nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size < 0) {
      if (WouldBlock()) return out.absent = true, 0;
      if (errno == EINTR) continue;
      return errno;
    }
    out.bytes.resize(static_cast<size_t>(size));
    ssize_t n = recv(fd, out.bytes.data(), out.bytes.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (WouldBlock()) return out.absent = true, 0;
      return errno;
    }
    out.bytes.resize(static_cast<size_t>(n));
    return 0;
  }
}

int UnixAddr(const std::string& path, sockaddr_un& addr) {
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return ENAMETOOLONG;
  memcpy(addr.sun_path, path.data(), path.size());
  return 0;
}

// Args: path, backlog. The listening fd is non-blocking so accept never blocks a thread.
int ExecUnixListen(const Args& a, Out& out) {
  sockaddr_un addr;
  int err = UnixAddr(a[0].str, addr);
  if (err != 0) return err;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return errno;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0 ||
      listen(fd, static_cast<int>(a[1].num)) < 0) {
    err = errno;
    close(fd);
    return err;
  }
  out.num = fd;
  return 0;
}

int ExecUnixConnect(const Args& a, Out& out) {
  sockaddr_un addr;
  int err = UnixAddr(a[0].str, addr);
  if (err != 0) return err;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  while (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    if (errno == EINTR) continue;
    err = errno;
    close(fd);
    return err;
  }
  out.num = fd;
  return 0;
}

int ExecUnixAccept(const Args& a, Out& out) {
  int lfd = static_cast<int>(a[0].num);
  // A listening fd made elsewhere may be blocking; never let accept4 block the main thread.
  struct pollfd p = {lfd, POLLIN, 0};
  int ready = poll(&p, 1, 0);
  if (ready < 0) return errno == EINTR ? (out.absent = true, 0) : errno;
  if (ready == 0) return out.absent = true, 0;
  int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) {
    if (WouldBlock() || errno == EINTR) return out.absent = true, 0;
    return errno;
  }
  out.num = fd;
  return 0;
}

// Args: socket fd, fd to pass, payload (at least one byte travels with the rights).
int ExecSendFd(const Args& a, Out& out) {
  static const uint8_t kZero = 0;
  const std::vector<uint8_t>& data = a[2].bytes;
  struct iovec iov = {const_cast<uint8_t*>(data.empty() ? &kZero : data.data()), data.empty() ? 1 : data.size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  int passed = static_cast<int>(a[1].num);
  memcpy(CMSG_DATA(cm), &passed, sizeof(int));
  ssize_t n;
  do n = sendmsg(static_cast<int>(a[0].num), &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return Ret(n, out);
}

// Out: the received fd; num = -1 when the peer closed without sending one.
int ExecRecvFd(const Args& a, Out& out) {
  uint8_t buf[256];
  struct iovec iov = {buf, sizeof(buf)};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n = recvmsg(static_cast<int>(a[0].num), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0) {
    if (WouldBlock() || errno == EINTR) return out.absent = true, 0;
    return errno;
  }
  out.num = -1;
  for (struct cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
      if (out.num == -1) out.num = fd;
      else close(fd);  // only one fd is asked for; never leak extras
    }
  }
  return 0;
}

int ExecPidfdOpen(const Args& a, Out& out) {
  return Ret(syscall(SYS_pidfd_open, static_cast<pid_t>(a[0].num), 0), out);
}

int ExecPidfdSendSignal(const Args& a, Out& out) {
  return Ret(syscall(SYS_pidfd_send_signal, static_cast<int>(a[0].num), static_cast<int>(a[1].num), nullptr, 0),
             out);
}

int ExecEventfd(const Args& a, Out& out) {
  return Ret(eventfd(static_cast<unsigned>(a[0].num), static_cast<int>(a[1].num) | EFD_CLOEXEC | EFD_NONBLOCK), out);
}

int ExecEventfdRead(const Args& a, Out& out) {
  uint64_t v = 0;
  ssize_t n = read(static_cast<int>(a[0].num), &v, sizeof(v));
  if (n < 0) {
    if (WouldBlock() || errno == EINTR) return out.absent = true, 0;
    return errno;
  }
  out.bytes.assign(reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + sizeof(v));
  return 0;
}

int ExecEventfdWrite(const Args& a, Out& out) {
  uint64_t v = static_cast<uint64_t>(a[1].num);
  return Ret(write(static_cast<int>(a[0].num), &v, sizeof(v)), out);
}

}  // namespace

const Op kSockOps[] = {
    {"netlinkSend", "sendto", ExecNetlinkSend, DoneNumber, -1, -1},
    {"netlinkRecv", "recv", ExecNetlinkRecv, DoneBufferOrNull, -1, -1},
    {"unixListen", "bind", ExecUnixListen, DoneNumber, 0, -1},
    {"unixConnect", "connect", ExecUnixConnect, DoneNumber, 0, -1},
    {"unixAccept", "accept4", ExecUnixAccept, DoneNumberOrNull, -1, -1},
    {"sendFd", "sendmsg", ExecSendFd, DoneNumber, -1, -1},
    {"recvFd", "recvmsg", ExecRecvFd, DoneNumberOrNull, -1, -1},
    {"pidfdOpen", "pidfd_open", ExecPidfdOpen, DoneNumber, -1, -1},
    {"pidfdSendSignal", "pidfd_send_signal", ExecPidfdSendSignal, DoneNumber, -1, -1},
    {"eventfd", "eventfd", ExecEventfd, DoneNumber, -1, -1},
    {"eventfdRead", "read", ExecEventfdRead, DoneBufferOrNull, -1, -1},
    {"eventfdWrite", "write", ExecEventfdWrite, DoneNumber, -1, -1},
    {nullptr, nullptr, nullptr, nullptr, -1, -1},
};

}  // namespace ctrkit
