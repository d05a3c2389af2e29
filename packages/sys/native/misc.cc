// Small process and terminal calls, and page-aligned memory for O_DIRECT reads.
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sys.h"

namespace ctrkit {
namespace {

Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall) {
  Napi::Error(env, SysError(env, err, syscall, nullptr, nullptr)).ThrowAsJavaScriptException();
  return env.Undefined();
}

// alignedBuffer(size, alignment): zeroed memory from posix_memalign, freed with the Buffer.
Napi::Value AlignedBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t size = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  size_t align = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
  void* mem = nullptr;
  int rc = posix_memalign(&mem, align, size == 0 ? align : size);
  if (rc != 0) return ThrowErrno(env, rc, "posix_memalign");
  memset(mem, 0, size);
  return Napi::Buffer<uint8_t>::New(env, static_cast<uint8_t*>(mem), size,
                                    [](Napi::Env, uint8_t* p) { free(p); });
}

Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  unsigned long on = info[0].As<Napi::Boolean>().Value() ? 1 : 0;
  if (prctl(PR_SET_CHILD_SUBREAPER, on, 0, 0, 0) < 0) return ThrowErrno(info.Env(), errno, "prctl");
  return info.Env().Undefined();
}

Napi::Value GetChildSubreaper(const Napi::CallbackInfo& info) {
  int on = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) < 0) return ThrowErrno(info.Env(), errno, "prctl");
  return Napi::Boolean::New(info.Env(), on != 0);
}

Napi::Value SetName(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  if (prctl(PR_SET_NAME, name.c_str(), 0, 0, 0) < 0) return ThrowErrno(info.Env(), errno, "prctl");
  return info.Env().Undefined();
}

Napi::Value GetName(const Napi::CallbackInfo& info) {
  char name[17] = {0};
  if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0) return ThrowErrno(info.Env(), errno, "prctl");
  return Napi::String::New(info.Env(), name);
}

Napi::Value SetWinsize(const Napi::CallbackInfo& info) {
  struct winsize ws = {};
  ws.ws_col = static_cast<unsigned short>(info[1].As<Napi::Number>().Uint32Value());
  ws.ws_row = static_cast<unsigned short>(info[2].As<Napi::Number>().Uint32Value());
  if (ioctl(info[0].As<Napi::Number>().Int32Value(), TIOCSWINSZ, &ws) < 0) {
    return ThrowErrno(info.Env(), errno, "ioctl");
  }
  return info.Env().Undefined();
}

Napi::Value GetWinsize(const Napi::CallbackInfo& info) {
  struct winsize ws = {};
  if (ioctl(info[0].As<Napi::Number>().Int32Value(), TIOCGWINSZ, &ws) < 0) {
    return ThrowErrno(info.Env(), errno, "ioctl");
  }
  auto o = Napi::Object::New(info.Env());
  o.Set("cols", ws.ws_col);
  o.Set("rows", ws.ws_row);
  return o;
}

}  // namespace

void InitMisc(Napi::Env env, Napi::Object exports) {
  exports.Set("alignedBuffer", Napi::Function::New(env, AlignedBuffer, "alignedBuffer"));
  exports.Set("prctlSetChildSubreaper", Napi::Function::New(env, SetChildSubreaper, "prctlSetChildSubreaper"));
  exports.Set("prctlGetChildSubreaper", Napi::Function::New(env, GetChildSubreaper, "prctlGetChildSubreaper"));
  exports.Set("prctlSetName", Napi::Function::New(env, SetName, "prctlSetName"));
  exports.Set("prctlGetName", Napi::Function::New(env, GetName, "prctlGetName"));
  exports.Set("setWinsize", Napi::Function::New(env, SetWinsize, "setWinsize"));
  exports.Set("getWinsize", Napi::Function::New(env, GetWinsize, "getWinsize"));
}

}  // namespace ctrkit
