// Readiness of a descriptor through libuv's poll handle: async recv/accept/read wait on
// the event loop itself, so no thread ever blocks in a syscall waiting for data.
#include <uv.h>

#include "sys.h"

namespace ctrkit {
namespace {

class Poll : public Napi::ObjectWrap<Poll> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Poll",
                       {InstanceMethod("start", &Poll::Start), InstanceMethod("stop", &Poll::Stop),
                        InstanceMethod("close", &Poll::Close)});
  }

  explicit Poll(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poll>(info) {
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(info.Env(), &loop);
    handle_ = new uv_poll_t;
    int rc = uv_poll_init(loop, handle_, info[0].As<Napi::Number>().Int32Value());
    if (rc != 0) {
      delete handle_;
      handle_ = nullptr;
      Napi::Error(info.Env(), SysError(info.Env(), -rc, "uv_poll_init", nullptr, nullptr)).ThrowAsJavaScriptException();
      return;
    }
    handle_->data = this;
  }

  ~Poll() override { CloseHandle(); }

 private:
  // start(events, callback): callback(status, events) on every readiness until stop().
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (handle_ == nullptr) return env.Undefined();
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    int rc = uv_poll_start(handle_, info[0].As<Napi::Number>().Int32Value(), OnReady);
    if (rc != 0) {
      Napi::Error(env, SysError(env, -rc, "uv_poll_start", nullptr, nullptr)).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (!held_) {  // stay alive while the loop may call back
      Ref();
      held_ = true;
    }
    return env.Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_poll_stop(handle_);
    Release();
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseHandle();
    Release();
    return info.Env().Undefined();
  }

  void Release() {
    if (held_) {
      Unref();
      held_ = false;
    }
    if (!callback_.IsEmpty()) callback_.Reset();
  }

  void CloseHandle() {
    if (handle_ == nullptr) return;
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }

  static void OnReady(uv_poll_t* handle, int status, int events) {
    auto self = static_cast<Poll*>(handle->data);
    if (self == nullptr || self->callback_.IsEmpty()) return;
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    // Hold the callback: JS may stop() (resetting callback_) from inside it.
    Napi::Function cb = self->callback_.Value();
    cb.MakeCallback(env.Global(), {Napi::Number::New(env, status), Napi::Number::New(env, events)});
  }

  uv_poll_t* handle_ = nullptr;
  Napi::FunctionReference callback_;
  bool held_ = false;
};

}  // namespace

void InitPoll(Napi::Env env, Napi::Object exports) {
  exports.Set("Poll", Poll::Define(env));
  auto ev = Napi::Object::New(env);
  ev.Set("READABLE", Napi::Number::New(env, UV_READABLE));
  ev.Set("WRITABLE", Napi::Number::New(env, UV_WRITABLE));
  ev.Set("DISCONNECT", Napi::Number::New(env, UV_DISCONNECT));
  exports.Set("pollEvents", ev);
}

}  // namespace ctrkit
