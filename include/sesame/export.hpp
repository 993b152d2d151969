// Sesame — symbol visibility for the C++ API. The library is built with hidden visibility;
// SESAME_CXX_API marks what the C++ API exports. libsesame.so exports those symbols under the
// version node SESAME_CXX_<major>.<minor> (capi/sesame.map.in), the C ABI under SESAME_<ABI>.
#pragma once

#if defined(_WIN32)
#define SESAME_CXX_API
#else
#define SESAME_CXX_API __attribute__((visibility("default")))
#endif
