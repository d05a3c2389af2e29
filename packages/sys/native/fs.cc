// Path-based filesystem calls Node lacks: mount/umount2, mknod, and the l*/f* xattr
// families (the l* ones never follow a final symlink).
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <cerrno>

#include "sys.h"

namespace ctrkit {
namespace {

int Ret(long rc) { return rc < 0 ? errno : 0; }

int ExecMount(const Args& a, Out&) {
  return Ret(mount(a[0].c_str(), a[1].str.c_str(), a[2].c_str(), static_cast<unsigned long>(a[3].num),
                   a.size() > 4 ? a[4].c_str() : nullptr));
}

int ExecUmount(const Args& a, Out&) { return Ret(umount2(a[0].str.c_str(), static_cast<int>(a[1].num))); }

int ExecMknod(const Args& a, Out&) {
  return Ret(mknod(a[0].str.c_str(), static_cast<mode_t>(a[1].num), static_cast<dev_t>(a[2].num)));
}

int ExecLsetxattr(const Args& a, Out&) {
  return Ret(lsetxattr(a[0].str.c_str(), a[1].str.c_str(), a[2].bytes.data(), a[2].bytes.size(),
                       static_cast<int>(a[3].num)));
}

int ExecFsetxattr(const Args& a, Out&) {
  return Ret(fsetxattr(static_cast<int>(a[0].num), a[1].str.c_str(), a[2].bytes.data(), a[2].bytes.size(),
                       static_cast<int>(a[3].num)));
}

// Size query then read; the value may grow in between, so retry on ERANGE.
template <typename Get>
int ReadSized(Get get, std::vector<uint8_t>& buf) {
  for (int attempt = 0; attempt < 8; attempt++) {
    ssize_t size = get(nullptr, 0);
    if (size < 0) return errno;
    buf.resize(static_cast<size_t>(size));
    if (size == 0) return 0;
    ssize_t n = get(buf.data(), buf.size());
    if (n >= 0) {
      buf.resize(static_cast<size_t>(n));
      return 0;
    }
    if (errno != ERANGE) return errno;
  }
  return ERANGE;
}

int GetXattr(int err, Out& out) {
  if (err == ENODATA) {
    out.absent = true;
    return 0;
  }
  return err;
}

int ExecLgetxattr(const Args& a, Out& out) {
  const char* path = a[0].str.c_str();
  const char* name = a[1].str.c_str();
  return GetXattr(ReadSized([&](void* b, size_t n) { return lgetxattr(path, name, b, n); }, out.bytes), out);
}

int ExecFgetxattr(const Args& a, Out& out) {
  int fd = static_cast<int>(a[0].num);
  const char* name = a[1].str.c_str();
  return GetXattr(ReadSized([&](void* b, size_t n) { return fgetxattr(fd, name, b, n); }, out.bytes), out);
}

void SplitNames(const std::vector<uint8_t>& buf, Out& out) {
  size_t start = 0;
  for (size_t i = 0; i < buf.size(); i++) {
    if (buf[i] == 0) {
      if (i > start) out.list.emplace_back(reinterpret_cast<const char*>(&buf[start]), i - start);
      start = i + 1;
    }
  }
}

int ExecLlistxattr(const Args& a, Out& out) {
  const char* path = a[0].str.c_str();
  std::vector<uint8_t> buf;
  int err = ReadSized([&](void* b, size_t n) { return llistxattr(path, static_cast<char*>(b), n); }, buf);
  if (err == 0) SplitNames(buf, out);
  return err;
}

int ExecFlistxattr(const Args& a, Out& out) {
  int fd = static_cast<int>(a[0].num);
  std::vector<uint8_t> buf;
  int err = ReadSized([&](void* b, size_t n) { return flistxattr(fd, static_cast<char*>(b), n); }, buf);
  if (err == 0) SplitNames(buf, out);
  return err;
}

int ExecLremovexattr(const Args& a, Out&) { return Ret(lremovexattr(a[0].str.c_str(), a[1].str.c_str())); }
int ExecFremovexattr(const Args& a, Out&) {
  return Ret(fremovexattr(static_cast<int>(a[0].num), a[1].str.c_str()));
}

}  // namespace

const Op kFsOps[] = {
    {"mount", "mount", ExecMount, DoneUndefined, 1, -1},
    {"umount", "umount2", ExecUmount, DoneUndefined, 0, -1},
    {"mknod", "mknod", ExecMknod, DoneUndefined, 0, -1},
    {"lsetxattr", "lsetxattr", ExecLsetxattr, DoneUndefined, 0, -1},
    {"lgetxattr", "lgetxattr", ExecLgetxattr, DoneBufferOrNull, 0, -1},
    {"llistxattr", "llistxattr", ExecLlistxattr, DoneStringList, 0, -1},
    {"lremovexattr", "lremovexattr", ExecLremovexattr, DoneUndefined, 0, -1},
    {"fsetxattr", "fsetxattr", ExecFsetxattr, DoneUndefined, -1, -1},
    {"fgetxattr", "fgetxattr", ExecFgetxattr, DoneBufferOrNull, -1, -1},
    {"flistxattr", "flistxattr", ExecFlistxattr, DoneStringList, -1, -1},
    {"fremovexattr", "fremovexattr", ExecFremovexattr, DoneUndefined, -1, -1},
    {nullptr, nullptr, nullptr, nullptr, -1, -1},
};

}  // namespace ctrkit
