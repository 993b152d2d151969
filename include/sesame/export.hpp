// Sesame — symbol visibility for the C++ API. The library is built with hidden visibility, and the
// shared library's version script exports only the C ABI (sesame_*). C++ programs link the static
// library (CMake target sesame::static); SESAME_CXX_API marks the C++ API for builds that export it.
#pragma once

#if defined(_WIN32)
#define SESAME_CXX_API
#else
#define SESAME_CXX_API __attribute__((visibility("default")))
#endif
