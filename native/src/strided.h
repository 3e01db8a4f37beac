// Strided copy + element conversion kernels (plain C++17, no CoreML), used by convert.mm.
// Kept free of Objective-C so native/test/strided_test.cc can check them on any OS.
//
// float16 is stored as `Half` (raw bits) and every access goes through HalfToFloat / FloatToHalf
// (reinterpreting fp16 data as float32 is the classic Mimi-output bug). __fp16 is used only as a local
// on arm64: it may not be a parameter/return type on x86_64, where the software path is used.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace pocket {

struct Half {
  uint16_t bits;
};
static_assert(sizeof(Half) == 2, "Half must be 2 bytes");

// Portable IEEE 754 binary16 conversions (round to nearest even), used where there is no hardware fp16.
inline float HalfToFloatSoft(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);  // inf / NaN (payload kept)
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;  // +-0
  } else {
    const float v = static_cast<float>(mantissa) * 5.9604644775390625e-8f;  // subnormal: mantissa * 2^-24
    std::memcpy(&bits, &v, sizeof bits);
    bits |= sign;
  }
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

inline uint16_t FloatToHalfSoft(float value) {
  uint32_t f;
  std::memcpy(&f, &value, sizeof f);
  const uint16_t sign = static_cast<uint16_t>((f >> 16) & 0x8000u);
  const uint32_t a = f & 0x7FFFFFFFu;
  if (a >= 0x7F800000u) {  // inf / NaN (NaN stays quiet NaN)
    return static_cast<uint16_t>(sign | 0x7C00u | (a > 0x7F800000u ? 0x200u | ((a >> 13) & 0x3FFu) : 0u));
  }
  if (a >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65520 rounds to inf
  if (a < 0x38800000u) {                                                // below 2^-14: subnormal or zero
    if (a < 0x33000000u) return sign;                                   // < 2^-25 rounds to zero
    const uint32_t mantissa = (a & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126u - (a >> 23);                            // 14..24
    uint32_t r = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1u);
    if (rest > halfway || (rest == halfway && (r & 1u))) ++r;
    return static_cast<uint16_t>(sign | r);
  }
  uint32_t h = (a >> 13) - (112u << 10);  // rebias the exponent, keep the top 10 mantissa bits
  const uint32_t rest = a & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is correct
  return static_cast<uint16_t>(sign | h);
}

// Hardware conversions on arm64 (Apple Silicon); the software ones elsewhere (x86_64, tests on Linux).
#if (defined(__aarch64__) || defined(__arm64__)) && !defined(POCKET_SOFT_FP16)
inline float HalfToFloat(uint16_t bits) {
  __fp16 h;
  std::memcpy(&h, &bits, sizeof h);
  return static_cast<float>(h);
}
inline uint16_t FloatToHalf(float value) {
  const __fp16 h = static_cast<__fp16>(value);
  uint16_t bits;
  std::memcpy(&bits, &h, sizeof bits);
  return bits;
}
#else
inline float HalfToFloat(uint16_t bits) { return HalfToFloatSoft(bits); }
inline uint16_t FloatToHalf(float value) { return FloatToHalfSoft(value); }
#endif

inline int32_t RoundToInt32(float v) {
  if (!std::isfinite(v)) return 0;
  const double r = std::nearbyint(static_cast<double>(v));
  if (r >= static_cast<double>(std::numeric_limits<int32_t>::max())) return std::numeric_limits<int32_t>::max();
  if (r <= static_cast<double>(std::numeric_limits<int32_t>::min())) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

// Element conversions: host (float32 / int32) -> array element, and array element -> float32.
inline void Assign(float& d, float v) { d = v; }
inline void Assign(float& d, int32_t v) { d = static_cast<float>(v); }
inline void Assign(float& d, double v) { d = static_cast<float>(v); }
inline void Assign(float& d, Half v) { d = HalfToFloat(v.bits); }
inline void Assign(double& d, float v) { d = v; }
inline void Assign(double& d, int32_t v) { d = v; }
inline void Assign(int32_t& d, int32_t v) { d = v; }
inline void Assign(int32_t& d, float v) { d = RoundToInt32(v); }
inline void Assign(Half& d, float v) { d.bits = FloatToHalf(v); }
inline void Assign(Half& d, int32_t v) { d.bits = FloatToHalf(static_cast<float>(v)); }

inline size_t ElementCountOf(const std::vector<int64_t>& shape) {
  size_t count = 1;
  for (int64_t d : shape) count *= static_cast<size_t>(d < 0 ? 0 : d);
  return count;
}

// Calls fn(i, offset) for every element: i in row-major order, offset = sum(index[d] * strides[d]).
template <typename Fn>
void ForEachElement(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, Fn fn) {
  const size_t rank = shape.size();
  if (ElementCountOf(shape) == 0) return;
  if (rank == 0) {
    fn(size_t{0}, int64_t{0});
    return;
  }
  std::vector<int64_t> index(rank, 0);
  const int64_t inner = shape[rank - 1];
  const int64_t innerStride = strides[rank - 1];
  size_t i = 0;
  int64_t base = 0;
  for (;;) {
    for (int64_t k = 0; k < inner; ++k) fn(i++, base + k * innerStride);
    int64_t d = static_cast<int64_t>(rank) - 2;
    for (; d >= 0; --d) {
      base += strides[d];
      if (++index[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

inline bool IsContiguous(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  if (strides.size() != shape.size()) return false;
  int64_t expected = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1 && strides[d] != expected) return false;
    expected *= shape[d];
  }
  return true;
}

// True if every element addressed by shape x strides lies inside a buffer of `bytes` bytes.
inline bool FitsBuffer(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
                       size_t elementSize, int64_t bytes) {
  if (strides.size() != shape.size() || bytes < 0) return false;
  if (ElementCountOf(shape) == 0) return true;
  int64_t last = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (strides[d] < 0) return false;
    last += (shape[d] - 1) * strides[d];
  }
  return static_cast<uint64_t>(last + 1) * elementSize <= static_cast<uint64_t>(bytes);
}

// Row-major `src` -> strided `dst`, converting each element.
template <typename Dst, typename Src>
void ScatterStrided(const Src* src, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, Dst* dst) {
  ForEachElement(shape, strides, [&](size_t i, int64_t off) { Assign(dst[off], src[i]); });
}

// Strided `src` -> row-major float32 `dst`, converting each element.
template <typename Src>
void GatherStrided(const Src* src, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, float* dst) {
  ForEachElement(shape, strides, [&](size_t i, int64_t off) { Assign(dst[i], src[off]); });
}

}  // namespace pocket
