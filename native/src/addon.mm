// Module init: a context-aware addon (one PocketCoreML instance per Node environment, so it loads in
// several worker_threads at once). All JS handles live in that instance, none in statics.
#include "pocket_coreml.h"

namespace pocket {

PocketCoreML::PocketCoreML(Napi::Env env, Napi::Object exports) {
  Napi::Function model = Model::DefineClass(env);
  Napi::Function tensor = TensorHandle::DefineClass(env);
  modelClass = Napi::Persistent(model);
  tensorClass = Napi::Persistent(tensor);

  DefineAddon(exports, {
      InstanceMethod<&PocketCoreML::LoadModel>("loadModel", napi_enumerable),
      InstanceMethod<&PocketCoreML::Read>("read", napi_enumerable),
      InstanceMethod<&PocketCoreML::Tensor>("tensor", napi_enumerable),
      InstanceValue("Model", model, napi_enumerable),
      InstanceValue("TensorHandle", tensor, napi_enumerable),
  });
}

}  // namespace pocket

// NODE_API_ADDON token-pastes the class name, so it needs an unqualified identifier.
using pocket::PocketCoreML;
NODE_API_ADDON(PocketCoreML)
