// Shared plumbing for the @ctrkit/sys addon: a generic argument list, a result slot,
// and an operation table so one sync entry point and one AsyncWorker serve every syscall.
#pragma once

#ifndef NAPI_VERSION
#define NAPI_VERSION 9
#endif
#ifndef NAPI_DISABLE_CPP_EXCEPTIONS
#define NAPI_DISABLE_CPP_EXCEPTIONS
#endif
#include <napi.h>

#include <pthread.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ctrkit {

// One JS argument, converted on the main thread so that Execute() never touches JS.
struct Arg {
  bool null = true;  // stays true for null/undefined and for padding past the last argument
  int64_t num = 0;
  std::string str;
  std::vector<uint8_t> bytes;
  const char* c_str() const { return null ? nullptr : str.c_str(); }
};

using Args = std::vector<Arg>;

// What a syscall produced; each op's converter picks the fields it filled.
struct Out {
  int64_t num = 0;
  int64_t num2 = 0;
  bool absent = false;  // e.g. ENODATA from getxattr, EAGAIN from a poll-driven read: return null
  // Multi-step ops say which step failed and on which argument (default: the Op's own).
  const char* syscall = nullptr;
  int path_arg = -2;
  std::string str;
  std::vector<uint8_t> bytes;
  std::vector<std::string> list;
};

using ExecFn = int (*)(const Args&, Out&);  // returns 0 or an errno
using DoneFn = Napi::Value (*)(Napi::Env, Out&);

struct Op {
  const char* name;     // JS name: `name` is sync, `name + "Async"` returns a promise
  const char* syscall;  // for the error's `syscall` field
  ExecFn exec;
  DoneFn done;
  int path_arg;  // index of the argument reported as `path`, or -1
  int dest_arg;  // index of the argument reported as `dest`, or -1
};

// Result converters shared by the op tables.
Napi::Value DoneUndefined(Napi::Env env, Out& out);
Napi::Value DoneNumber(Napi::Env env, Out& out);
Napi::Value DoneString(Napi::Env env, Out& out);
Napi::Value DoneBufferOrNull(Napi::Env env, Out& out);
Napi::Value DoneStringList(Napi::Env env, Out& out);
Napi::Value DoneNumberOrNull(Napi::Env env, Out& out);

// A Node-style system error: code (errno name), errno (negative), syscall, path, dest.
Napi::Value SysError(Napi::Env env, int err, const char* syscall, const char* path, const char* dest);

// A fresh pthread for one call. Namespace switches happen only there: the thread exits
// afterwards, so no JS or libuv thread ever changes namespace. Start, do other work on
// the calling thread if there is any, then Join (which returns fn's result).
class DedicatedThread {
 public:
  int Start(int (*fn)(void*), void* ctx);  // 0, or pthread_create's error
  int Join();
  ~DedicatedThread();

 private:
  static void* Main(void* self);
  int (*fn_)(void*) = nullptr;
  void* ctx_ = nullptr;
  int result_ = 0;
  pthread_t thread_{};
  bool running_ = false;
};

// Start and Join in one: runs `fn` on a fresh pthread and waits for it.
int OnDedicatedThread(int (*fn)(void*), void* ctx);

extern const Op kFsAtOps[];
extern const Op kFsOps[];
extern const Op kNsOps[];
extern const Op kSockOps[];

void InitConstants(Napi::Env env, Napi::Object exports);
void InitPoll(Napi::Env env, Napi::Object exports);
void InitMisc(Napi::Env env, Napi::Object exports);
void InitFsAt(Napi::Env env, Napi::Object exports);

}  // namespace ctrkit
