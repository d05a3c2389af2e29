// Entry point: turns each Op into a sync function and an AsyncWorker-backed promise
// function, shapes errno failures like Node's SystemError, and registers the rest.
#include <pthread.h>
#include <uv.h>

#include <cerrno>
#include <cstring>

#include "sys.h"

namespace ctrkit {
namespace {

struct AddonData {
  Napi::FunctionReference error_class;  // set by the JS loader: native errors are SyscallError
};

constexpr size_t kMaxArgs = 8;  // the most any op takes (utimensat: 7)

size_t ElementSize(napi_typedarray_type t) {
  switch (t) {
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return 8;
    default:
      return 1;
  }
}

Args ParseArgs(const Napi::CallbackInfo& info, size_t from) {
  Args args;
  args.reserve(kMaxArgs);
  napi_env env = info.Env();
  for (size_t i = from; i < info.Length(); i++) {
    Arg a;
    napi_value v = info[i];
    napi_valuetype type = napi_undefined;
    napi_typeof(env, v, &type);  // one call per argument: this sits on the *Sync hot path
    a.null = type == napi_null || type == napi_undefined;
    switch (type) {
      case napi_string: {
        size_t len = 0;
        napi_get_value_string_utf8(env, v, nullptr, 0, &len);
        a.str.resize(len);
        napi_get_value_string_utf8(env, v, &a.str[0], len + 1, &len);
        break;
      }
      case napi_number:
        napi_get_value_int64(env, v, &a.num);
        break;
      case napi_bigint: {
        bool lossless;
        napi_get_value_bigint_int64(env, v, &a.num, &lossless);
        break;
      }
      case napi_boolean: {
        bool b = false;
        napi_get_value_bool(env, v, &b);
        a.num = b ? 1 : 0;
        break;
      }
      case napi_object: {
        bool typed = false;
        napi_is_typedarray(env, v, &typed);
        if (typed) {
          void* data = nullptr;
          size_t length = 0;
          napi_typedarray_type ta;
          napi_get_typedarray_info(env, v, &ta, &length, &data, nullptr, nullptr);
          auto base = static_cast<const uint8_t*>(data);
          a.bytes.assign(base, base + length * ElementSize(ta));  // length counts elements
        }
        break;
      }
      default:
        break;
    }
    args.push_back(std::move(a));
  }
  // Ops index their arguments directly; pad with nulls so a short call from raw JS reads
  // zeros instead of out of bounds (the TS layer always passes every argument).
  if (args.size() < kMaxArgs) args.resize(kMaxArgs);
  return args;
}

const char* ArgName(const Args& args, int idx) {
  if (idx < 0 || static_cast<size_t>(idx) >= args.size() || args[idx].null) return nullptr;
  return args[idx].str.c_str();
}

Napi::Value Failure(Napi::Env env, const Op* op, const Args& args, const Out& out, int err) {
  const char* syscall = out.syscall != nullptr ? out.syscall : op->syscall;
  int path_arg = out.path_arg != -2 ? out.path_arg : op->path_arg;
  int dest_arg = out.path_arg != -2 ? -1 : op->dest_arg;
  return SysError(env, err, syscall, ArgName(args, path_arg), ArgName(args, dest_arg));
}

class OpWorker : public Napi::AsyncWorker {
 public:
  OpWorker(Napi::Env env, const Op* op, Args args)
      : Napi::AsyncWorker(env, "ctrkit.sys"), op_(op), args_(std::move(args)), deferred_(env) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { err_ = op_->exec(args_, out_); }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (err_ != 0) {
      deferred_.Reject(Failure(env, op_, args_, out_, err_));
    } else {
      deferred_.Resolve(op_->done(env, out_));
    }
  }

 private:
  const Op* op_;
  Args args_;
  Out out_;
  int err_ = 0;
  Napi::Promise::Deferred deferred_;
};

Napi::Value CallSync(const Napi::CallbackInfo& info) {
  auto op = static_cast<const Op*>(info.Data());
  Args args = ParseArgs(info, 0);
  Out out;
  int err = op->exec(args, out);
  if (err != 0) {
    Napi::Error(info.Env(), Failure(info.Env(), op, args, out, err)).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return op->done(info.Env(), out);
}

Napi::Value CallAsync(const Napi::CallbackInfo& info) {
  auto op = static_cast<const Op*>(info.Data());
  auto worker = new OpWorker(info.Env(), op, ParseArgs(info, 0));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

void Register(Napi::Env env, Napi::Object exports, const Op* ops) {
  for (const Op* op = ops; op->name != nullptr; op++) {
    std::string name(op->name);
    exports.Set(name, Napi::Function::New(env, CallSync, name, const_cast<Op*>(op)));
    exports.Set(name + "Async", Napi::Function::New(env, CallAsync, name + "Async", const_cast<Op*>(op)));
  }
}

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  auto data = info.Env().GetInstanceData<AddonData>();
  data->error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

Napi::Value SysError(Napi::Env env, int err, const char* syscall, const char* path, const char* dest) {
  const char* code = uv_err_name(-err);
  std::string msg = std::string(code) + ": " + uv_strerror(-err) + ", " + syscall;
  if (path != nullptr) msg += std::string(" '") + path + "'";
  if (dest != nullptr) msg += std::string(" -> '") + dest + "'";
  auto data = env.GetInstanceData<AddonData>();
  Napi::Value none = env.Undefined();
  Napi::Value p = path != nullptr ? Napi::String::New(env, path) : none;
  Napi::Value d = dest != nullptr ? Napi::String::New(env, dest) : none;
  Napi::Object e;
  if (data != nullptr && !data->error_class.IsEmpty()) {
    // One construct call: the JS class assigns its fields itself (cheaper than 5 Sets).
    e = data->error_class.New({Napi::String::New(env, msg), Napi::String::New(env, code), Napi::Number::New(env, -err),
                               Napi::String::New(env, syscall), p, d});
    return e;
  }
  e = Napi::Error::New(env, msg).Value();
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, syscall));
  if (path != nullptr) e.Set("path", p);
  if (dest != nullptr) e.Set("dest", d);
  return e;
}

void* DedicatedThread::Main(void* self) {
  auto t = static_cast<DedicatedThread*>(self);
  t->result_ = t->fn_(t->ctx_);
  return nullptr;
}

int DedicatedThread::Start(int (*fn)(void*), void* ctx) {
  fn_ = fn;
  ctx_ = ctx;
  int rc = pthread_create(&thread_, nullptr, Main, this);
  running_ = rc == 0;
  return rc;
}

int DedicatedThread::Join() {
  if (running_) pthread_join(thread_, nullptr);
  running_ = false;
  return result_;
}

// Never leaves a thread running with a pointer to a context that is going away.
DedicatedThread::~DedicatedThread() { Join(); }

int OnDedicatedThread(int (*fn)(void*), void* ctx) {
  DedicatedThread t;
  int rc = t.Start(fn, ctx);
  return rc != 0 ? rc : t.Join();
}

Napi::Value DoneUndefined(Napi::Env env, Out&) { return env.Undefined(); }
Napi::Value DoneNumber(Napi::Env env, Out& out) { return Napi::Number::New(env, static_cast<double>(out.num)); }
Napi::Value DoneString(Napi::Env env, Out& out) { return Napi::String::New(env, out.str); }
Napi::Value DoneBufferOrNull(Napi::Env env, Out& out) {
  if (out.absent) return env.Null();
  return Napi::Buffer<uint8_t>::Copy(env, out.bytes.data(), out.bytes.size());
}
Napi::Value DoneNumberOrNull(Napi::Env env, Out& out) {
  if (out.absent) return env.Null();
  return Napi::Number::New(env, static_cast<double>(out.num));
}
Napi::Value DoneStringList(Napi::Env env, Out& out) {
  auto arr = Napi::Array::New(env, out.list.size());
  for (size_t i = 0; i < out.list.size(); i++) arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, out.list[i]));
  return arr;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  Register(env, exports, kFsAtOps);
  Register(env, exports, kFsOps);
  Register(env, exports, kNsOps);
  Register(env, exports, kSockOps);
  InitConstants(env, exports);
  InitPoll(env, exports);
  InitMisc(env, exports);
  InitFsAt(env, exports);
  return exports;
}

}  // namespace ctrkit

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return ctrkit::Init(env, exports); }
}  // namespace

NODE_API_MODULE(ctrkit_sys, InitModule)
