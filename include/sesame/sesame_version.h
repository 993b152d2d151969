/* Sesame — compile-time version numbers. Compare with sesame_version_number() at run time. */
#ifndef SESAME_VERSION_H
#define SESAME_VERSION_H

#define SESAME_VERSION_MAJOR 0
#define SESAME_VERSION_MINOR 1
#define SESAME_VERSION_PATCH 0
/* MAJOR * 1000000 + MINOR * 1000 + PATCH */
#define SESAME_VERSION_NUMBER (SESAME_VERSION_MAJOR * 1000000 + SESAME_VERSION_MINOR * 1000 + SESAME_VERSION_PATCH)
#define SESAME_VERSION_STRING "0.1.0"
/* The ABI major: the shared library's SONAME is libsesame.so.<SESAME_ABI_VERSION>. */
#define SESAME_ABI_VERSION 0

#endif /* SESAME_VERSION_H */
