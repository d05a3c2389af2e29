{
  "targets": [
    {
      "target_name": "ctrkit_sys",
      "sources": [
        "native/addon.cc",
        "native/constants.cc",
        "native/fs.cc",
        "native/fs_at.cc",
        "native/misc.cc",
        "native/ns.cc",
        "native/poll.cc",
        "native/sock.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=9", "NAPI_DISABLE_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-Wl,--exclude-libs,ALL"]
    }
  ]
}
