# wasi.cmake: the CMake toolchain file for the wasm32-wasi module, built by
# clang and lld against Debian's wasi-libc (headers in
# /usr/include/wasm32-wasi, libraries in /usr/lib/wasm32-wasi, so the
# sysroot is /usr). Use it as:
#
#   cmake -S . -B build/wasi -DCMAKE_TOOLCHAIN_FILE=wasm/wasi.cmake
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}") # Platform/WASI.cmake

set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT /usr)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")

# A wasm executable needs exports that a probe program lacks: let CMake's
# compiler checks build a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Programs come from the build host; headers and libraries from the sysroot.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
