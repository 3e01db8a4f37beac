// Model: loadModel() / describe() / predict(). predict() is synchronous by design: the addon is only
// used from a worker_thread, where blocking is the point (see README.md).
#include "pocket_coreml.h"

#include <algorithm>
#include <utility>

namespace pocket {

namespace {

struct ModelInit {
  MLModel* model = nil;
  std::string compiledPath;
  std::string computeUnits;
  std::vector<FeatureInfo> inputs;
  std::vector<FeatureInfo> outputs;
};

bool ParseComputeUnits(const std::string& name, MLComputeUnits* units) {
  if (name == "all") *units = MLComputeUnitsAll;
  else if (name == "cpuOnly") *units = MLComputeUnitsCPUOnly;
  else if (name == "cpuAndGPU") *units = MLComputeUnitsCPUAndGPU;
  else if (name == "cpuAndNeuralEngine") *units = MLComputeUnitsCPUAndNeuralEngine;
  else return false;
  return true;
}

const char* FeatureTypeName(MLFeatureType type) {
  switch (type) {
    case MLFeatureTypeInt64: return "int64";
    case MLFeatureTypeDouble: return "double";
    case MLFeatureTypeString: return "string";
    case MLFeatureTypeImage: return "image";
    case MLFeatureTypeDictionary: return "dictionary";
    case MLFeatureTypeSequence: return "sequence";
    default: return "unknown";
  }
}

std::vector<FeatureInfo> DescribeFeatures(NSDictionary<NSString*, MLFeatureDescription*>* byName) {
  std::vector<FeatureInfo> out;
  NSArray<NSString*>* names = [byName.allKeys sortedArrayUsingSelector:@selector(compare:)];
  for (NSString* name in names) {
    MLFeatureDescription* desc = byName[name];
    FeatureInfo info;
    info.name = name.UTF8String;
    if (desc.type == MLFeatureTypeMultiArray && desc.multiArrayConstraint != nil) {
      info.isMultiArray = true;
      info.arrayType = desc.multiArrayConstraint.dataType;
      info.shape = ToShapeVector(desc.multiArrayConstraint.shape);
      info.dataType = DataTypeName(info.arrayType);
    } else {
      info.dataType = FeatureTypeName(desc.type);
    }
    out.push_back(std::move(info));
  }
  return out;
}

Napi::Array FeaturesToJS(Napi::Env env, const std::vector<FeatureInfo>& features) {
  Napi::Array out = Napi::Array::New(env, features.size());
  for (size_t i = 0; i < features.size(); ++i) {
    const FeatureInfo& f = features[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", f.name);
    Napi::Array shape = Napi::Array::New(env, f.shape.size());
    for (size_t d = 0; d < f.shape.size(); ++d) {
      shape.Set(static_cast<uint32_t>(d), Napi::Number::New(env, static_cast<double>(f.shape[d])));
    }
    o.Set("shape", shape);
    o.Set("dataType", f.dataType);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

struct NamedFeed {
  std::string name;
  TensorSpec spec;
};

// All CoreML work of one predict(); runs inside the caller's @autoreleasepool and never throws.
std::string RunPrediction(MLModel* model, const std::vector<FeatureInfo>& inputs,
                          const std::vector<NamedFeed>& feeds,
                          std::vector<std::pair<std::string, MLMultiArray*>>* outputs) {
  NSMutableDictionary<NSString*, id>* values = [NSMutableDictionary dictionaryWithCapacity:feeds.size()];
  for (const NamedFeed& feed : feeds) {
    auto it = std::find_if(inputs.begin(), inputs.end(), [&](const FeatureInfo& f) { return f.name == feed.name; });
    if (it == inputs.end()) {
      std::string known;
      for (const FeatureInfo& f : inputs) known += (known.empty() ? "" : ", ") + f.name;
      return "unknown input '" + feed.name + "' (model inputs: " + known + ")";
    }
    MLMultiArray* array = feed.spec.array;
    if (array == nil) {
      // Convert host data to the element type the model declares (e.g. float32 -> float16 inputs).
      size_t unused = 0;
      MLMultiArrayDataType type = DefaultDataType(feed.spec.host.type);
      if (it->isMultiArray && ElementSize(it->arrayType, &unused)) type = it->arrayType;
      std::string error;
      array = NewMultiArray(feed.spec.shape, type, feed.spec.host, &error);
      if (array == nil) return "input '" + feed.name + "': " + error;
    }
    values[@(feed.name.c_str())] = [MLFeatureValue featureValueWithMultiArray:array];
  }

  NSError* error = nil;
  MLDictionaryFeatureProvider* provider = [[MLDictionaryFeatureProvider alloc] initWithDictionary:values error:&error];
  if (provider == nil) return ErrorMessage(error, "could not build the model inputs");
  id<MLFeatureProvider> result = [model predictionFromFeatures:provider error:&error];
  if (result == nil) return ErrorMessage(error, "prediction failed");

  NSArray<NSString*>* names = [result.featureNames.allObjects sortedArrayUsingSelector:@selector(compare:)];
  for (NSString* name in names) {
    // Non-MultiArray outputs (scalars, strings, images) are not exposed; Pocket TTS has none.
    MLMultiArray* array = [result featureValueForName:name].multiArrayValue;
    if (array != nil) outputs->emplace_back(std::string(name.UTF8String), array);
  }
  return std::string();
}

}  // namespace

Napi::Function Model::DefineClass(Napi::Env env) {
  return ObjectWrap<Model>::DefineClass(
      env, "Model",
      {
          InstanceMethod<&Model::Describe>("describe"),
          InstanceMethod<&Model::Predict>("predict"),
          InstanceAccessor<&Model::GetCompiledPath>("compiledPath", napi_enumerable),
          InstanceAccessor<&Model::GetComputeUnits>("computeUnits", napi_enumerable),
      });
}

Napi::Value Model::Load(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "loadModel(path, options?): path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();

  std::string unitsName = "all";
  std::string cacheDir;
  if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) {
    if (!info[1].IsObject()) throw Napi::TypeError::New(env, "loadModel(): options must be an object");
    Napi::Object options = info[1].As<Napi::Object>();
    Napi::Value units = options.Get("computeUnits");
    if (!units.IsUndefined()) {
      if (!units.IsString()) throw Napi::TypeError::New(env, "loadModel(): computeUnits must be a string");
      unitsName = units.As<Napi::String>().Utf8Value();
    }
    Napi::Value dir = options.Get("cacheDir");
    if (!dir.IsUndefined()) {
      if (!dir.IsString()) throw Napi::TypeError::New(env, "loadModel(): cacheDir must be a string");
      cacheDir = dir.As<Napi::String>().Utf8Value();
    }
  }
  MLComputeUnits units = MLComputeUnitsAll;
  if (!ParseComputeUnits(unitsName, &units)) {
    throw Napi::TypeError::New(env, "loadModel(): computeUnits must be 'all', 'cpuOnly', 'cpuAndGPU' or 'cpuAndNeuralEngine'");
  }

  ModelInit init;
  init.computeUnits = unitsName;
  std::string error;
  @autoreleasepool {
    NSURL* compiled = CompiledModelURL(path, cacheDir, &error);
    if (compiled != nil) {
      MLModelConfiguration* config = [[MLModelConfiguration alloc] init];
      config.computeUnits = units;
      NSError* nsError = nil;
      // First load with GPU/ANE triggers the OS's device specialization (can take long); the compiled
      // path is stable, so the OS cache keyed by it keeps working across sessions.
      MLModel* model = [MLModel modelWithContentsOfURL:compiled configuration:config error:&nsError];
      if (model == nil) {
        error = ErrorMessage(nsError, "could not load the model");
      } else {
        init.model = model;
        init.compiledPath = compiled.path.UTF8String;
        init.inputs = DescribeFeatures(model.modelDescription.inputDescriptionsByName);
        init.outputs = DescribeFeatures(model.modelDescription.outputDescriptionsByName);
      }
    }
  }
  if (!error.empty()) throw Napi::Error::New(env, "loadModel(" + path + "): " + error);
  return PocketCoreML::Get(env)->modelClass.New({Napi::External<ModelInit>::New(env, &init)});
}

Model::Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Model cannot be constructed from JS; use loadModel()");
  }
  ModelInit* init = info[0].As<Napi::External<ModelInit>>().Data();
  model_ = init->model;
  compiledPath_ = init->compiledPath;
  computeUnits_ = init->computeUnits;
  inputs_ = std::move(init->inputs);
  outputs_ = std::move(init->outputs);
}

Model::~Model() {
  @autoreleasepool {
    model_ = nil;
  }
}

Napi::Value Model::Describe(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("inputs", FeaturesToJS(info.Env(), inputs_));
  out.Set("outputs", FeaturesToJS(info.Env(), outputs_));
  return out;
}

Napi::Value Model::Predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "predict(feeds): feeds must be an object");
  Napi::Object feedsObject = info[0].As<Napi::Object>();

  // 1. Parse every feed from JS first (may throw). The typed arrays whose memory the specs borrow are
  //    rooted by this callback's handle scope until predict() returns.
  Napi::Array keys = feedsObject.GetPropertyNames();
  std::vector<NamedFeed> feeds;
  feeds.reserve(keys.Length());
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    NamedFeed feed;
    feed.name = keys.Get(i).ToString().Utf8Value();
    TensorHandle::ParseFeed(env, feedsObject.Get(feed.name), "predict(): feed '" + feed.name + "'", &feed.spec);
    feeds.push_back(std::move(feed));
  }

  // 2. CoreML work inside the pool; errors come back as a string.
  std::vector<std::pair<std::string, MLMultiArray*>> outputs;
  std::string error;
  @autoreleasepool {
    error = RunPrediction(model_, inputs_, feeds, &outputs);
  }
  if (!error.empty()) throw Napi::Error::New(env, "predict(): " + error);

  // 3. Wrap the outputs; they stay native until read() copies them.
  Napi::Object result = Napi::Object::New(env);
  for (const auto& output : outputs) result.Set(output.first, TensorHandle::NewInstance(env, output.second));
  return result;
}

Napi::Value Model::GetCompiledPath(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), compiledPath_);
}

Napi::Value Model::GetComputeUnits(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), computeUnits_);
}

}  // namespace pocket
