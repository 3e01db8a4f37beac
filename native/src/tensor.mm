// TensorHandle: a JS object that owns one MLMultiArray, so model state (KV caches, decoder state)
// stays in native memory between predict() calls. read() copies into a JS-allocated Float32Array.
#include "pocket_coreml.h"

namespace pocket {

namespace {

// Passed through a Napi::External so only native code can construct a TensorHandle.
struct TensorInit {
  MLMultiArray* array = nil;
};

bool ParseShape(Napi::Value value, std::vector<int64_t>* shape) {
  if (!value.IsArray()) return false;
  Napi::Array array = value.As<Napi::Array>();
  const uint32_t rank = array.Length();
  shape->clear();
  shape->reserve(rank);
  for (uint32_t i = 0; i < rank; ++i) {
    Napi::Value dim = array.Get(i);
    if (!dim.IsNumber()) return false;
    const double d = dim.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<int64_t>(d))) return false;
    shape->push_back(static_cast<int64_t>(d));
  }
  return true;
}

// Reads a Float32Array / Int32Array into a borrowed HostData view; false for any other value.
bool ParseHostData(Napi::Value value, HostData* host) {
  if (!value.IsTypedArray()) return false;
  Napi::TypedArray typed = value.As<Napi::TypedArray>();
  switch (typed.TypedArrayType()) {
    case napi_float32_array: {
      Napi::Float32Array a = value.As<Napi::Float32Array>();
      host->data = a.Data();
      host->length = a.ElementLength();
      host->type = HostType::Float32;
      return true;
    }
    case napi_int32_array: {
      Napi::Int32Array a = value.As<Napi::Int32Array>();
      host->data = a.Data();
      host->length = a.ElementLength();
      host->type = HostType::Int32;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

Napi::Function TensorHandle::DefineClass(Napi::Env env) {
  return ObjectWrap<TensorHandle>::DefineClass(
      env, "TensorHandle",
      {
          InstanceAccessor<&TensorHandle::GetShape>("shape", napi_enumerable),
          InstanceAccessor<&TensorHandle::GetDataType>("dataType", napi_enumerable),
          InstanceAccessor<&TensorHandle::GetDisposed>("disposed"),
          InstanceMethod<&TensorHandle::Dispose>("dispose"),
      });
}

Napi::Object TensorHandle::NewInstance(Napi::Env env, MLMultiArray* array) {
  TensorInit init;
  init.array = array;
  return PocketCoreML::Get(env)->tensorClass.New({Napi::External<TensorInit>::New(env, &init)});
}

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "TensorHandle cannot be constructed from JS; use predict() or tensor()");
  }
  MLMultiArray* array = info[0].As<Napi::External<TensorInit>>().Data()->array;
  if (array == nil) throw Napi::Error::New(info.Env(), "TensorHandle: no array");
  size_t elementSize = 0;
  @autoreleasepool {
    array_ = array;
    shape_ = ToShapeVector(array.shape);
    dataType_ = DataTypeName(array.dataType);
    if (!ElementSize(array.dataType, &elementSize)) elementSize = 4;
  }
  env_ = info.Env();
  externalBytes_ = static_cast<int64_t>(ElementCount(shape_) * elementSize);
  if (externalBytes_ > 0) Napi::MemoryManagement::AdjustExternalMemory(info.Env(), externalBytes_);
}

TensorHandle::~TensorHandle() { Release(); }

void TensorHandle::Release() {
  if (array_ == nil) return;
  @autoreleasepool {
    array_ = nil;
  }
  if (externalBytes_ > 0 && env_ != nullptr) Napi::MemoryManagement::AdjustExternalMemory(env_, -externalBytes_);
  externalBytes_ = 0;
}

Napi::Value TensorHandle::GetShape(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env(), shape_.size());
  for (size_t i = 0; i < shape_.size(); ++i) {
    out.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(shape_[i])));
  }
  return out;
}

Napi::Value TensorHandle::GetDataType(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), dataType_);
}

Napi::Value TensorHandle::GetDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), array_ == nil);
}

Napi::Value TensorHandle::Dispose(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

MLMultiArray* TensorHandle::ArrayOf(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) return nil;
  Napi::Object object = value.As<Napi::Object>();
  if (!object.InstanceOf(PocketCoreML::Get(env)->tensorClass.Value())) return nil;
  TensorHandle* handle = TensorHandle::Unwrap(object);
  return handle != nullptr ? handle->array_ : nil;
}

void TensorHandle::ParseFeed(Napi::Env env, Napi::Value value, const std::string& what, TensorSpec* spec) {
  if (!value.IsObject()) throw Napi::TypeError::New(env, what + ": expected { data, shape } or a TensorHandle");
  Napi::Object object = value.As<Napi::Object>();
  if (object.InstanceOf(PocketCoreML::Get(env)->tensorClass.Value())) {
    TensorHandle* handle = TensorHandle::Unwrap(object);
    if (handle == nullptr || handle->array_ == nil) throw Napi::Error::New(env, what + ": the TensorHandle has been disposed");
    spec->array = handle->array_;
    spec->shape = handle->shape_;
    return;
  }
  if (!ParseHostData(object.Get("data"), &spec->host)) {
    throw Napi::TypeError::New(env, what + ".data must be a Float32Array or an Int32Array");
  }
  if (!ParseShape(object.Get("shape"), &spec->shape)) {
    throw Napi::TypeError::New(env, what + ".shape must be an array of non-negative integers");
  }
  const size_t count = ElementCount(spec->shape);
  if (count != spec->host.length) {
    throw Napi::TypeError::New(env, what + ": data has " + std::to_string(spec->host.length) +
                                        " elements but shape needs " + std::to_string(count));
  }
}

Napi::Value ReadTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value arg = info.Length() > 0 ? info[0] : env.Undefined();
  if (!arg.IsObject() || !arg.As<Napi::Object>().InstanceOf(PocketCoreML::Get(env)->tensorClass.Value())) {
    throw Napi::TypeError::New(env, "read() expects a TensorHandle");
  }
  TensorHandle* handle = TensorHandle::Unwrap(arg.As<Napi::Object>());
  if (handle == nullptr || handle->Array() == nil) throw Napi::Error::New(env, "read(): the TensorHandle has been disposed");

  const size_t count = ElementCount(handle->Shape());
  // A JS-owned buffer (napi_create_arraybuffer), never an external one.
  Napi::Float32Array out = Napi::Float32Array::New(env, count);
  std::string error;
  @autoreleasepool {
    CopyToFloat32(handle->Array(), count > 0 ? out.Data() : nullptr, count, &error);
  }
  if (!error.empty()) throw Napi::Error::New(env, "read(): " + error);
  return out;
}

Napi::Value CreateTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object feed = Napi::Object::New(env);
  feed.Set("data", info.Length() > 0 ? info[0] : env.Undefined());
  feed.Set("shape", info.Length() > 1 ? info[1] : env.Undefined());
  TensorSpec spec;
  TensorHandle::ParseFeed(env, feed, "tensor()", &spec);

  MLMultiArrayDataType type = DefaultDataType(spec.host.type);
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsString() || !ParseDataTypeName(info[2].As<Napi::String>().Utf8Value(), &type)) {
      throw Napi::TypeError::New(env, "tensor(): dataType must be 'float32', 'float16', 'float64' or 'int32'");
    }
  }
  std::string error;
  MLMultiArray* array = nil;
  @autoreleasepool {
    array = NewMultiArray(spec.shape, type, spec.host, &error);
  }
  if (array == nil) throw Napi::Error::New(env, "tensor(): " + (error.empty() ? std::string("allocation failed") : error));
  return TensorHandle::NewInstance(env, array);
}

}  // namespace pocket
