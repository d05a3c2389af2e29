// Readiness of a descriptor through libuv's poll handle: async recv/accept/read wait on
// the event loop itself, so no thread ever blocks in a syscall waiting for data.
#include <uv.h>

#include <unordered_set>

#include "sys.h"

namespace ctrkit {
namespace {

class Poll;

// Live handles of one environment. At env teardown (a worker exiting) an async cleanup
// hook closes them and holds the teardown until every close callback has run: a worker
// unloads the addon afterwards, so no callback into this code may be left on its loop.
// The registry stays allocated for finalizers that run after teardown.
struct Registry {
  std::unordered_set<Poll*> live;
  int closing = 0;
  bool torn_down = false;
  napi_async_cleanup_hook_handle hook = nullptr;

  void MaybeFinish() {
    if (torn_down && closing == 0 && hook != nullptr) {
      napi_remove_async_cleanup_hook(hook);
      hook = nullptr;
    }
  }
};

class Poll : public Napi::ObjectWrap<Poll> {
 public:
  static Napi::Function Define(Napi::Env env) {
    auto registry = new Registry();
    napi_add_async_cleanup_hook(env, TearDown, registry, &registry->hook);
    return DefineClass(env, "Poll",
                       {InstanceMethod("start", &Poll::Start), InstanceMethod("stop", &Poll::Stop),
                        InstanceMethod("close", &Poll::Close)},
                       registry);
  }

  explicit Poll(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<Poll>(info), registry_(static_cast<Registry*>(info.Data())) {
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
    registry_->live.insert(this);
  }

  ~Poll() override {
    if (registry_->torn_down) return;  // the cleanup hook already closed the handle
    registry_->live.erase(this);
    CloseHandle();
  }

  static void TearDown(napi_async_cleanup_hook_handle, void* arg) {
    auto registry = static_cast<Registry*>(arg);
    registry->torn_down = true;
    for (Poll* p : registry->live) p->CloseHandle();
    registry->live.clear();
    registry->MaybeFinish();
  }

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
    uv_handle_t* h = reinterpret_cast<uv_handle_t*>(handle_);
    h->data = registry_;  // OnReady ignores it now; OnClosed needs the registry
    registry_->closing++;
    uv_close(h, OnClosed);
    handle_ = nullptr;
  }

  static void OnClosed(uv_handle_t* h) {
    auto registry = static_cast<Registry*>(h->data);
    delete reinterpret_cast<uv_poll_t*>(h);
    registry->closing--;
    registry->MaybeFinish();
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

  Registry* registry_;
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
