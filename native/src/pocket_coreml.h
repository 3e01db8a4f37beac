// Shared declarations of the pocket_coreml addon (macOS only, Objective-C++ with ARC).
//
// Rules every file follows:
//  - Every CoreML/Foundation call runs inside @autoreleasepool (worker threads have no run loop to drain one).
//  - No C++ exception (Napi::Error) is ever thrown from inside an @autoreleasepool block: a pool that is
//    unwound by an exception is not popped. CoreML work reports failures through a std::string and the
//    caller throws after the pool has closed.
//  - No external ArrayBuffers (Electron forbids them): data leaves native memory only by copying into a
//    JS-allocated typed array. NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED makes the external APIs unavailable.
//  - No static JS handles: constructors live in the per-environment PocketCoreML instance (one per worker).
#pragma once

#import <CoreML/CoreML.h>
#import <Foundation/Foundation.h>

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pocket {

// ---------------------------------------------------------------------------------------------
// convert.mm: typed data <-> MLMultiArray
// ---------------------------------------------------------------------------------------------

enum class HostType { Float32, Int32 };

// A borrowed view of a JS typed array (the JS value must stay alive while it is used).
struct HostData {
  const void* data = nullptr;
  size_t length = 0;  // elements
  HostType type = HostType::Float32;
};

// A feed parsed from JS: either an existing MLMultiArray (from a TensorHandle) or host data + shape.
struct TensorSpec {
  MLMultiArray* array = nil;  // strong; set when the feed is a TensorHandle
  HostData host;
  std::vector<int64_t> shape;
};

size_t ElementCount(const std::vector<int64_t>& shape);
bool ElementSize(MLMultiArrayDataType type, size_t* size);
const char* DataTypeName(MLMultiArrayDataType type);
bool ParseDataTypeName(const std::string& name, MLMultiArrayDataType* type);
MLMultiArrayDataType DefaultDataType(HostType type);
std::vector<int64_t> ToShapeVector(NSArray<NSNumber*>* values);
std::string ErrorMessage(NSError* error, const std::string& fallback);

// Allocates an MLMultiArray of `type` and copies (converting) `host` into it, honouring the array's
// strides. Zero-length shapes allocate without touching the buffer. Returns nil and sets *error on failure.
// Call inside @autoreleasepool; never throws.
MLMultiArray* NewMultiArray(const std::vector<int64_t>& shape, MLMultiArrayDataType type,
                            const HostData& host, std::string* error);

// Copies `array` (any supported data type, any strides) into `dst` as float32 in row-major order.
// `count` must equal the array's element count. Call inside @autoreleasepool; never throws.
bool CopyToFloat32(MLMultiArray* array, float* dst, size_t count, std::string* error);

// ---------------------------------------------------------------------------------------------
// compile_cache.mm: .mlpackage/.mlmodel -> cached .mlmodelc
// ---------------------------------------------------------------------------------------------

// Returns the URL of a compiled model for `path`: the path itself for .mlmodelc, otherwise a stable
// cache entry under `cacheDir` (empty = ~/Library/Caches/pocket-coreml), compiling on a miss.
// Call inside @autoreleasepool; never throws.
NSURL* CompiledModelURL(const std::string& path, const std::string& cacheDir, std::string* error);

// ---------------------------------------------------------------------------------------------
// tensor.mm: TensorHandle (a JS object owning one MLMultiArray)
// ---------------------------------------------------------------------------------------------

class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  // Wraps `array` in a new JS TensorHandle. Call outside any @autoreleasepool (may throw).
  static Napi::Object NewInstance(Napi::Env env, MLMultiArray* array);
  // Returns the handle's array if `value` is a live TensorHandle, nil otherwise.
  static MLMultiArray* ArrayOf(Napi::Env env, Napi::Value value);
  // Parses a feed value ({ data, shape } or TensorHandle) into `spec`; throws a JS TypeError on bad input.
  static void ParseFeed(Napi::Env env, Napi::Value value, const std::string& what, TensorSpec* spec);

  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;

  MLMultiArray* Array() const { return array_; }
  const std::vector<int64_t>& Shape() const { return shape_; }

 private:
  Napi::Value GetShape(const Napi::CallbackInfo& info);
  Napi::Value GetDataType(const Napi::CallbackInfo& info);
  Napi::Value GetDisposed(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  void Release();

  MLMultiArray* array_ = nil;  // strong; nil once disposed
  std::vector<int64_t> shape_;
  std::string dataType_;
  napi_env env_ = nullptr;
  int64_t externalBytes_ = 0;  // reported to V8 so the GC sees the native memory a handle pins
};

// read(handle): Float32Array copy of the handle's contents.
Napi::Value ReadTensor(const Napi::CallbackInfo& info);
// tensor(data, shape, dataType?): a TensorHandle from host data.
Napi::Value CreateTensor(const Napi::CallbackInfo& info);

// ---------------------------------------------------------------------------------------------
// model.mm: Model (a JS object owning one MLModel)
// ---------------------------------------------------------------------------------------------

struct FeatureInfo {
  std::string name;
  std::vector<int64_t> shape;
  std::string dataType;
  bool isMultiArray = false;
  MLMultiArrayDataType arrayType = MLMultiArrayDataTypeFloat32;
};

class Model : public Napi::ObjectWrap<Model> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  // loadModel(path, options): compiles/caches as needed, loads, returns a Model.
  static Napi::Value Load(const Napi::CallbackInfo& info);

  explicit Model(const Napi::CallbackInfo& info);
  ~Model() override;

 private:
  Napi::Value Describe(const Napi::CallbackInfo& info);
  Napi::Value Predict(const Napi::CallbackInfo& info);
  Napi::Value GetCompiledPath(const Napi::CallbackInfo& info);
  Napi::Value GetComputeUnits(const Napi::CallbackInfo& info);

  MLModel* model_ = nil;  // strong
  std::string compiledPath_;
  std::string computeUnits_;
  std::vector<FeatureInfo> inputs_;
  std::vector<FeatureInfo> outputs_;
};

// ---------------------------------------------------------------------------------------------
// addon.mm: per-environment instance data
// ---------------------------------------------------------------------------------------------

class PocketCoreML : public Napi::Addon<PocketCoreML> {
 public:
  PocketCoreML(Napi::Env env, Napi::Object exports);

  static PocketCoreML* Get(Napi::Env env) { return env.GetInstanceData<PocketCoreML>(); }

  Napi::FunctionReference modelClass;
  Napi::FunctionReference tensorClass;

 private:
  Napi::Value LoadModel(const Napi::CallbackInfo& info) { return Model::Load(info); }
  Napi::Value Read(const Napi::CallbackInfo& info) { return ReadTensor(info); }
  Napi::Value Tensor(const Napi::CallbackInfo& info) { return CreateTensor(info); }
};

}  // namespace pocket
