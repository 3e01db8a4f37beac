// Typed data <-> MLMultiArray: element types, strides, float16 conversion.
//
// MLMultiArray memory is reached only through getBytesWithHandler: / getMutableBytesWithHandler:
// (macOS 12.3+), never the deprecated dataPointer: those handlers make GPU/IOSurface-backed outputs
// coherent and report the buffer size, which is checked against shape x strides before any access.
// Strides are honoured in both directions (outputs may be padded, e.g. FluidAudio#612).
#include "pocket_coreml.h"

#include "strided.h"

#include <cstring>

namespace pocket {

size_t ElementCount(const std::vector<int64_t>& shape) { return ElementCountOf(shape); }

bool ElementSize(MLMultiArrayDataType type, size_t* size) {
  switch (type) {
    case MLMultiArrayDataTypeFloat32: *size = sizeof(float); return true;
    case MLMultiArrayDataTypeFloat16: *size = sizeof(Half); return true;
    case MLMultiArrayDataTypeDouble: *size = sizeof(double); return true;
    case MLMultiArrayDataTypeInt32: *size = sizeof(int32_t); return true;
    default: return false;
  }
}

const char* DataTypeName(MLMultiArrayDataType type) {
  switch (type) {
    case MLMultiArrayDataTypeFloat32: return "float32";
    case MLMultiArrayDataTypeFloat16: return "float16";
    case MLMultiArrayDataTypeDouble: return "float64";
    case MLMultiArrayDataTypeInt32: return "int32";
    default: return "unknown";
  }
}

bool ParseDataTypeName(const std::string& name, MLMultiArrayDataType* type) {
  if (name == "float32") *type = MLMultiArrayDataTypeFloat32;
  else if (name == "float16") *type = MLMultiArrayDataTypeFloat16;
  else if (name == "float64") *type = MLMultiArrayDataTypeDouble;
  else if (name == "int32") *type = MLMultiArrayDataTypeInt32;
  else return false;
  return true;
}

MLMultiArrayDataType DefaultDataType(HostType type) {
  return type == HostType::Int32 ? MLMultiArrayDataTypeInt32 : MLMultiArrayDataTypeFloat32;
}

std::vector<int64_t> ToShapeVector(NSArray<NSNumber*>* values) {
  std::vector<int64_t> out;
  out.reserve(values.count);
  for (NSNumber* v in values) out.push_back(v.longLongValue);
  return out;
}

std::string ErrorMessage(NSError* error, const std::string& fallback) {
  if (error == nil) return fallback;
  const char* text = error.localizedDescription.UTF8String;
  return text != nullptr && text[0] != '\0' ? std::string(text) : fallback;
}

namespace {

template <typename Dst>
void ScatterHost(const HostData& host, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
                 void* bytes) {
  if (host.type == HostType::Float32) {
    ScatterStrided(static_cast<const float*>(host.data), shape, strides, static_cast<Dst*>(bytes));
  } else {
    ScatterStrided(static_cast<const int32_t*>(host.data), shape, strides, static_cast<Dst*>(bytes));
  }
}

}  // namespace

MLMultiArray* NewMultiArray(const std::vector<int64_t>& shape, MLMultiArrayDataType type,
                            const HostData& host, std::string* error) {
  size_t elementSize = 0;
  if (!ElementSize(type, &elementSize)) {
    *error = "unsupported MLMultiArray data type";
    return nil;
  }
  const size_t count = ElementCount(shape);
  if (host.length != count) {
    *error = "data length " + std::to_string(host.length) + " does not match shape (" +
             std::to_string(count) + " elements)";
    return nil;
  }
  NSMutableArray<NSNumber*>* nsShape = [NSMutableArray arrayWithCapacity:shape.size()];
  for (int64_t d : shape) [nsShape addObject:@(d)];

  NSError* nsError = nil;
  MLMultiArray* array = [[MLMultiArray alloc] initWithShape:nsShape dataType:type error:&nsError];
  if (array == nil && count == 0) {
    // Zero-length tensors (e.g. Mimi's [1,128,0] conv states) must still be fed; if CoreML will not
    // allocate one, wrap a dummy pointer that is never read or written (there are no elements).
    static uint64_t noElements = 0;
    NSMutableArray<NSNumber*>* nsStrides = [NSMutableArray arrayWithCapacity:shape.size()];
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      [nsStrides insertObject:@(stride) atIndex:0];
      stride *= shape[d] > 0 ? shape[d] : 1;
    }
    nsError = nil;
    array = [[MLMultiArray alloc] initWithDataPointer:&noElements shape:nsShape dataType:type strides:nsStrides
                                          deallocator:nil error:&nsError];
  }
  if (array == nil) {
    *error = ErrorMessage(nsError, "could not allocate an MLMultiArray");
    return nil;
  }
  // Zero-length: never touch the buffer.
  if (count == 0) return array;

  // Blocks capture C++ objects by const copy; pass pointers to avoid copying and to write results back.
  const std::vector<int64_t>* shapePtr = &shape;
  const HostData* hostPtr = &host;
  std::string* errorPtr = error;
  [array getMutableBytesWithHandler:^(void* bytes, NSInteger size, NSArray<NSNumber*>* nsStrides) {
    const std::vector<int64_t> strides = ToShapeVector(nsStrides);
    if (bytes == nullptr || !FitsBuffer(*shapePtr, strides, elementSize, size)) {
      *errorPtr = "MLMultiArray buffer does not match its shape and strides";
      return;
    }
    switch (type) {
      case MLMultiArrayDataTypeFloat32:
        if (hostPtr->type == HostType::Float32 && IsContiguous(*shapePtr, strides)) {
          std::memcpy(bytes, hostPtr->data, count * sizeof(float));
        } else {
          ScatterHost<float>(*hostPtr, *shapePtr, strides, bytes);
        }
        break;
      case MLMultiArrayDataTypeFloat16: ScatterHost<Half>(*hostPtr, *shapePtr, strides, bytes); break;
      case MLMultiArrayDataTypeDouble: ScatterHost<double>(*hostPtr, *shapePtr, strides, bytes); break;
      case MLMultiArrayDataTypeInt32:
        if (hostPtr->type == HostType::Int32 && IsContiguous(*shapePtr, strides)) {
          std::memcpy(bytes, hostPtr->data, count * sizeof(int32_t));
        } else {
          ScatterHost<int32_t>(*hostPtr, *shapePtr, strides, bytes);
        }
        break;
      default: *errorPtr = "unsupported MLMultiArray data type"; break;
    }
  }];
  return error->empty() ? array : nil;
}

bool CopyToFloat32(MLMultiArray* array, float* dst, size_t count, std::string* error) {
  const MLMultiArrayDataType type = array.dataType;
  size_t elementSize = 0;
  if (!ElementSize(type, &elementSize)) {
    *error = std::string("cannot read a tensor of data type ") + DataTypeName(type);
    return false;
  }
  const std::vector<int64_t> shape = ToShapeVector(array.shape);
  const std::vector<int64_t> strides = ToShapeVector(array.strides);
  if (ElementCount(shape) != count) {
    *error = "tensor element count changed";
    return false;
  }
  if (count == 0) return true;

  const std::vector<int64_t>* shapePtr = &shape;
  const std::vector<int64_t>* stridesPtr = &strides;
  std::string* errorPtr = error;
  [array getBytesWithHandler:^(const void* bytes, NSInteger size) {
    if (bytes == nullptr || !FitsBuffer(*shapePtr, *stridesPtr, elementSize, size)) {
      *errorPtr = "MLMultiArray buffer does not match its shape and strides";
      return;
    }
    switch (type) {
      case MLMultiArrayDataTypeFloat32:
        if (IsContiguous(*shapePtr, *stridesPtr)) {
          std::memcpy(dst, bytes, count * sizeof(float));
        } else {
          GatherStrided(static_cast<const float*>(bytes), *shapePtr, *stridesPtr, dst);
        }
        break;
      // Float16 must be converted, never reinterpreted (Mimi's audio output is float16).
      case MLMultiArrayDataTypeFloat16: GatherStrided(static_cast<const Half*>(bytes), *shapePtr, *stridesPtr, dst); break;
      case MLMultiArrayDataTypeDouble: GatherStrided(static_cast<const double*>(bytes), *shapePtr, *stridesPtr, dst); break;
      case MLMultiArrayDataTypeInt32: GatherStrided(static_cast<const int32_t*>(bytes), *shapePtr, *stridesPtr, dst); break;
      default: *errorPtr = "unsupported MLMultiArray data type"; break;
    }
  }];
  return error->empty();
}

}  // namespace pocket
