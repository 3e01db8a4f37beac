# The CoreML addon is macOS-only. On every other OS the target is `type: none`, so node-gyp compiles
# nothing (scripts/build-native.mjs does not even run node-gyp off darwin).
{
  "targets": [
    {
      "target_name": "pocket_coreml",
      "conditions": [
        ["OS=='mac'", {
          "sources": [
            "src/addon.mm",
            "src/compile_cache.mm",
            "src/convert.mm",
            "src/model.mm",
            "src/tensor.mm"
          ],
          "include_dirs": [
            "<!(node -p \"require('node-addon-api').include_dir\")"
          ],
          "defines": [
            "NAPI_VERSION=8",
            "NODE_ADDON_API_CPP_EXCEPTIONS",
            "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
            "NODE_ADDON_API_DISABLE_DEPRECATED"
          ],
          "cflags!": ["-fno-exceptions"],
          "cflags_cc!": ["-fno-exceptions"],
          "xcode_settings": {
            "CLANG_ENABLE_OBJC_ARC": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "CLANG_CXX_LIBRARY": "libc++",
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "14.0",
            "OTHER_CFLAGS": ["-fobjc-arc"],
            "OTHER_LDFLAGS": [
              "-framework CoreML",
              "-framework Foundation",
              "-framework Accelerate"
            ]
          }
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
