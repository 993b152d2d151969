/* Sesame — symbol export for the C ABI. */
#ifndef SESAME_EXPORT_H
#define SESAME_EXPORT_H

#if defined(_WIN32)
#define SESAME_API
#elif defined(__GNUC__) || defined(__clang__)
#define SESAME_API __attribute__((visibility("default")))
#else
#define SESAME_API
#endif

#if defined(__GNUC__) || defined(__clang__)
/* Marks a function that will go away; the message names its replacement. */
#define SESAME_DEPRECATED(replacement) __attribute__((deprecated("use " #replacement)))
#else
#define SESAME_DEPRECATED(replacement)
#endif

#endif /* SESAME_EXPORT_H */
