// The *at family relative to a directory fd: how layer apply stays inside its root.
// openat2 has no glibc wrapper on Debian 12, so it goes through syscall(2).
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

#include "sys.h"

namespace ctrkit {
namespace {

int Ret(long rc, Out& out) {
  if (rc < 0) return errno;
  out.num = rc;
  return 0;
}

int ExecOpenat2(const Args& a, Out& out) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(a[2].num) | O_CLOEXEC;
  how.mode = static_cast<uint64_t>(a[3].num);
  how.resolve = static_cast<uint64_t>(a[4].num);
  long fd;
  // EAGAIN: a concurrent rename raced a RESOLVE_* lookup; retry that a bounded number of
  // times. With RESOLVE_CACHED, EAGAIN means "not cached" and goes straight to the caller.
  int tries = 0;
  do {
    fd = syscall(SYS_openat2, static_cast<int>(a[0].num), a[1].str.c_str(), &how, sizeof(how));
  } while (fd < 0 && errno == EAGAIN && (how.resolve & RESOLVE_CACHED) == 0 && ++tries < 32);
  return Ret(fd, out);
}

int ExecOpenat(const Args& a, Out& out) {
  int fd = openat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<int>(a[2].num) | O_CLOEXEC,
                  static_cast<mode_t>(a[3].num));
  return Ret(fd, out);
}

int ExecMkdirat(const Args& a, Out& out) {
  return Ret(mkdirat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<mode_t>(a[2].num)), out);
}

int ExecMknodat(const Args& a, Out& out) {
  return Ret(mknodat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<mode_t>(a[2].num),
                     static_cast<dev_t>(a[3].num)),
             out);
}

int ExecSymlinkat(const Args& a, Out& out) {
  return Ret(symlinkat(a[0].str.c_str(), static_cast<int>(a[1].num), a[2].str.c_str()), out);
}

int ExecLinkat(const Args& a, Out& out) {
  return Ret(linkat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<int>(a[2].num), a[3].str.c_str(),
                    static_cast<int>(a[4].num)),
             out);
}

int ExecUnlinkat(const Args& a, Out& out) {
  return Ret(unlinkat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<int>(a[2].num)), out);
}

int ExecRenameat2(const Args& a, Out& out) {
  return Ret(syscall(SYS_renameat2, static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<int>(a[2].num),
                     a[3].str.c_str(), static_cast<unsigned>(a[4].num)),
             out);
}

int ExecFchownat(const Args& a, Out& out) {
  return Ret(fchownat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<uid_t>(a[2].num),
                      static_cast<gid_t>(a[3].num), static_cast<int>(a[4].num)),
             out);
}

int ExecFchmodat(const Args& a, Out& out) {
  return Ret(fchmodat(static_cast<int>(a[0].num), a[1].str.c_str(), static_cast<mode_t>(a[2].num),
                      static_cast<int>(a[3].num)),
             out);
}

// Args: dirfd, path, atime sec, atime nsec, mtime sec, mtime nsec, flags.
int ExecUtimensat(const Args& a, Out& out) {
  struct timespec ts[2];
  ts[0].tv_sec = a[2].num;
  ts[0].tv_nsec = a[3].num;
  ts[1].tv_sec = a[4].num;
  ts[1].tv_nsec = a[5].num;
  const char* path = a[1].str.empty() ? nullptr : a[1].str.c_str();
  return Ret(utimensat(static_cast<int>(a[0].num), path, ts, static_cast<int>(a[6].num)), out);
}

int ExecReadlinkat(const Args& a, Out& out) {
  std::string buf(PATH_MAX, '\0');
  ssize_t n = readlinkat(static_cast<int>(a[0].num), a[1].str.c_str(), &buf[0], buf.size());
  if (n < 0) return errno;
  buf.resize(static_cast<size_t>(n));
  out.str = std::move(buf);
  return 0;
}

int ExecFstatat(const Args& a, Out& out) {
  struct stat st;
  if (fstatat(static_cast<int>(a[0].num), a[1].str.c_str(), &st, static_cast<int>(a[2].num)) < 0) return errno;
  out.bytes.assign(reinterpret_cast<uint8_t*>(&st), reinterpret_cast<uint8_t*>(&st) + sizeof(st));
  return 0;
}

Napi::Value DoneStat(Napi::Env env, Out& out) {
  struct stat st;
  memcpy(&st, out.bytes.data(), sizeof(st));
  auto o = Napi::Object::New(env);
  auto big = [&](const char* k, int64_t v) { o.Set(k, Napi::BigInt::New(env, v)); };
  auto ns = [](const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000LL + t.tv_nsec; };
  big("dev", static_cast<int64_t>(st.st_dev));
  big("ino", static_cast<int64_t>(st.st_ino));
  big("mode", st.st_mode);
  big("nlink", static_cast<int64_t>(st.st_nlink));
  big("uid", st.st_uid);
  big("gid", st.st_gid);
  big("rdev", static_cast<int64_t>(st.st_rdev));
  big("size", st.st_size);
  big("atimeNs", ns(st.st_atim));
  big("mtimeNs", ns(st.st_mtim));
  big("ctimeNs", ns(st.st_ctim));
  return o;
}

int ExecSyncfs(const Args& a, Out& out) { return Ret(syncfs(static_cast<int>(a[0].num)), out); }

}  // namespace

const Op kFsAtOps[] = {
    {"openat2", "openat2", ExecOpenat2, DoneNumber, 1, -1},
    {"openat", "openat", ExecOpenat, DoneNumber, 1, -1},
    {"mkdirat", "mkdirat", ExecMkdirat, DoneUndefined, 1, -1},
    {"mknodat", "mknodat", ExecMknodat, DoneUndefined, 1, -1},
    {"symlinkat", "symlinkat", ExecSymlinkat, DoneUndefined, 0, 2},
    {"linkat", "linkat", ExecLinkat, DoneUndefined, 1, 3},
    {"unlinkat", "unlinkat", ExecUnlinkat, DoneUndefined, 1, -1},
    {"renameat2", "renameat2", ExecRenameat2, DoneUndefined, 1, 3},
    {"fchownat", "fchownat", ExecFchownat, DoneUndefined, 1, -1},
    {"fchmodat", "fchmodat", ExecFchmodat, DoneUndefined, 1, -1},
    {"utimensat", "utimensat", ExecUtimensat, DoneUndefined, 1, -1},
    {"readlinkat", "readlinkat", ExecReadlinkat, DoneString, 1, -1},
    {"fstatat", "fstatat", ExecFstatat, DoneStat, 1, -1},
    {"syncfs", "syncfs", ExecSyncfs, DoneUndefined, -1, -1},
    {nullptr, nullptr, nullptr, nullptr, -1, -1},
};

}  // namespace ctrkit
