# Platform/WASI.cmake: tells CMake the WASI system exists (CMake before 3.27
# has no platform file for it); found through CMAKE_MODULE_PATH, which
# wasm/wasi.cmake points here. Everything else comes from the toolchain file.
set(WASI 1)
