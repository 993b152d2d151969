// Sesame — symbol visibility for the C++ API. The library is built with hidden visibility; only
// what is marked SESAME_CXX_API (and, in sesame.h, SESAME_API) is exported from the shared library.
#pragma once

#if defined(_WIN32)
#define SESAME_CXX_API
#else
#define SESAME_CXX_API __attribute__((visibility("default")))
#endif
