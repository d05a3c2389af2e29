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

// fstatat(dirfd, path, flags, out BigInt64Array(11)): fills the caller's array instead of
// building an object of 11 BigInts per call, which cost more than the syscall itself.
// Order: dev ino mode nlink uid gid rdev size atimeNs mtimeNs ctimeNs.
Napi::Value FstatatInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int dirfd = info[0].As<Napi::Number>().Int32Value();
  std::string path = info[1].As<Napi::String>().Utf8Value();
  int flags = info[2].As<Napi::Number>().Int32Value();
  auto out = info[3].As<Napi::TypedArrayOf<int64_t>>();
  if (env.IsExceptionPending() || out.ElementLength() < 11) return env.Undefined();
  struct stat st;
  if (fstatat(dirfd, path.c_str(), &st, flags) < 0) {
    Napi::Error(env, SysError(env, errno, "fstatat", path.c_str(), nullptr)).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto ns = [](const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000LL + t.tv_nsec; };
  int64_t* v = out.Data();
  v[0] = static_cast<int64_t>(st.st_dev);
  v[1] = static_cast<int64_t>(st.st_ino);
  v[2] = st.st_mode;
  v[3] = static_cast<int64_t>(st.st_nlink);
  v[4] = st.st_uid;
  v[5] = st.st_gid;
  v[6] = static_cast<int64_t>(st.st_rdev);
  v[7] = st.st_size;
  v[8] = ns(st.st_atim);
  v[9] = ns(st.st_mtim);
  v[10] = ns(st.st_ctim);
  return env.Undefined();
}

int ExecSyncfs(const Args& a, Out& out) { return Ret(syncfs(static_cast<int>(a[0].num)), out); }

}  // namespace

void InitFsAt(Napi::Env env, Napi::Object exports) {
  exports.Set("fstatatInto", Napi::Function::New(env, FstatatInto, "fstatatInto"));
}

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
    {"syncfs", "syncfs", ExecSyncfs, DoneUndefined, -1, -1},
    {nullptr, nullptr, nullptr, nullptr, -1, -1},
};

}  // namespace ctrkit
