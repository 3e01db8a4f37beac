// Checks the strided copy and float16 kernels of native/src/strided.h (no CoreML needed, any OS):
//   clang++ -std=c++17 -O1 -o /tmp/strided_test native/test/strided_test.cc && /tmp/strided_test
#include "../src/strided.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace pocket;

static int failures = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

int main() {
  // float16 bit patterns (round to nearest even).
  CHECK(FloatToHalf(1.0f) == 0x3C00);
  CHECK(FloatToHalf(-2.0f) == 0xC000);
  CHECK(FloatToHalf(65504.0f) == 0x7BFF);
  CHECK(FloatToHalf(0.1f) == 0x2E66);
  CHECK(FloatToHalf(5.9604645e-8f) == 0x0001);           // smallest subnormal
  CHECK(FloatToHalf(1.0f + 1.0f / 2048.0f) == 0x3C00);   // tie -> even
  CHECK(FloatToHalf(1e6f) == 0x7C00);                    // overflow -> inf
  CHECK(HalfToFloat(0x3C00) == 1.0f);
  CHECK(HalfToFloat(0xC000) == -2.0f);
  CHECK(HalfToFloat(0x7BFF) == 65504.0f);
  CHECK(HalfToFloat(0x0001) == 5.9604645e-8f);
  CHECK(HalfToFloat(0x3555) > 0.333f && HalfToFloat(0x3555) < 0.3334f);

  // Software binary16: every non-NaN half survives a round trip, and the (possibly hardware) default
  // conversions agree with it bit for bit.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t bits = static_cast<uint16_t>(h);
    const bool nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF) != 0;
    if (nan) {
      CHECK(HalfToFloatSoft(bits) != HalfToFloatSoft(bits));
      continue;
    }
    CHECK(FloatToHalfSoft(HalfToFloatSoft(bits)) == bits);
    CHECK(HalfToFloat(bits) == HalfToFloatSoft(bits));
  }
  {
    uint32_t state = 12345;
    for (int i = 0; i < 2000000; ++i) {
      state = state * 1664525u + 1013904223u;
      float f;
      std::memcpy(&f, &state, sizeof f);
      if (f != f) continue;
      CHECK(FloatToHalf(f) == FloatToHalfSoft(f));
      // The nearest half: the result must be at least as close as its neighbours (ties to even).
      const uint16_t h = FloatToHalfSoft(f);
      if ((h & 0x7C00) == 0x7C00) continue;
      const double x = f, v = HalfToFloatSoft(h);
      const double up = HalfToFloatSoft(static_cast<uint16_t>(h + 1));
      const double down = (h & 0x7FFF) ? HalfToFloatSoft(static_cast<uint16_t>(h - 1)) : v;
      CHECK(std::fabs(x - v) <= std::fabs(x - up) && std::fabs(x - v) <= std::fabs(x - down));
    }
  }

  // Padded 2x3 array (row stride 4), float16: gather skips the padding and converts.
  {
    const std::vector<int64_t> shape{2, 3}, strides{4, 1};
    std::vector<Half> src(8, Half{FloatToHalf(99.0f)});
    const float values[6] = {0.5f, -1.0f, 2.0f, 3.0f, -0.25f, 1024.0f};
    ScatterStrided(values, shape, strides, src.data());
    CHECK(HalfToFloat(src[3].bits) == 99.0f && HalfToFloat(src[7].bits) == 99.0f);  // padding untouched
    float out[6] = {};
    GatherStrided(src.data(), shape, strides, out);
    for (int i = 0; i < 6; ++i) CHECK(out[i] == values[i]);
    CHECK(!IsContiguous(shape, strides));
    CHECK(FitsBuffer(shape, strides, sizeof(Half), 8 * 2 - 2));  // last element is index 6
    CHECK(!FitsBuffer(shape, strides, sizeof(Half), 6 * 2));
  }

  // Rank-3 transposed-like layout (strides not decreasing) with int32 -> float and float -> int32.
  {
    const std::vector<int64_t> shape{2, 2, 3}, strides{1, 2, 4};  // column-major
    std::vector<int32_t> buf(12, -7);
    std::vector<float> values(12);
    for (int i = 0; i < 12; ++i) values[i] = static_cast<float>(i) + 0.4f;
    ScatterStrided(values.data(), shape, strides, buf.data());
    CHECK(buf[0] == 0 && buf[4] == 1 && buf[8] == 2 && buf[2] == 3 && buf[1] == 6 && buf[11] == 11);
    std::vector<float> back(12);
    GatherStrided(buf.data(), shape, strides, back.data());
    for (int i = 0; i < 12; ++i) CHECK(back[i] == static_cast<float>(i));
  }

  // Contiguity ignores the strides of size-1 dimensions; zero-length shapes visit nothing.
  {
    CHECK(IsContiguous({1, 3, 4}, {999, 4, 1}));
    CHECK(ElementCountOf({1, 128, 0}) == 0);
    int visits = 0;
    ForEachElement({1, 128, 0}, {0, 0, 1}, [&](size_t, int64_t) { ++visits; });
    CHECK(visits == 0);
    CHECK(FitsBuffer({1, 128, 0}, {0, 0, 1}, 4, 0));
    ForEachElement({}, {}, [&](size_t i, int64_t off) { visits += 1 + static_cast<int>(i + off); });
    CHECK(visits == 1);  // rank 0 = one scalar
  }

  // int32 rounding and saturation.
  CHECK(RoundToInt32(2.5f) == 2 && RoundToInt32(-1.6f) == -2 && RoundToInt32(1e20f) == 2147483647);
  CHECK(RoundToInt32(0.0f / 0.0f) == 0);

  std::printf(failures == 0 ? "strided_test: all passed\n" : "strided_test: %d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
