#!/usr/bin/env bash
# ctest package_consumers: installs a build of Sesame under a scratch prefix, checks what the
# install laid down, then builds tests/package/consumer.c against it the two ways a host does —
# CMake's find_package(sesame) (tests/package/CMakeLists.txt) and pkg-config — and runs each.
#
#   run.sh <build dir> <C compiler> <C++ compiler> [compiler and linker flags]
#
# The README's C++ program is built the same two ways through find_package (shared and static) and
# run against a demo database made by the build's `sesame` command (drive_readme.py).
#
# The flags are the build's sanitizer flags, if any: a program that loads a sanitized libsesame.so
# must itself be built with the same sanitizers.
set -euo pipefail

build=$1
cc=$2
cxx=$3
flags=${4:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/sesame-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

step() { echo "==> $*"; }
die() {
  echo "FAIL: $*" >&2
  exit 1
}

step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || {
  cat "$work/install.log"
  die "cmake --install failed"
}

pc=$(find "$prefix" -path '*/pkgconfig/sesame.pc' | head -n 1)
[[ -n "$pc" ]] || die "no pkgconfig/sesame.pc under $prefix"
libdir=$(dirname "$(dirname "$pc")")
for f in "$prefix/include/sesame/sesame.h" "$prefix/include/sesame/sesame_version.h" \
  "$prefix/include/sesame/sesame_export.h" "$prefix/include/sesame/engine.hpp" \
  "$prefix/include/sesame/testing/store_conformance.hpp" "$prefix/include/sesame/testing/vtable_store.hpp" \
  "$libdir/libsesame.a" "$libdir/libsesame.so" "$libdir/libsesame.so.0" \
  "$libdir/cmake/sesame/sesameConfig.cmake" "$libdir/cmake/sesame/sesameConfigVersion.cmake" \
  "$libdir/cmake/sesame/sesameTargets.cmake"; do
  [[ -e "$f" ]] || die "the install has no ${f#"$prefix"/}"
done
# The shared library's SONAME carries the ABI major (SESAME_ABI_VERSION).
readelf -d "$libdir/libsesame.so" | grep -q 'SONAME.*\[libsesame\.so\.0\]' || die "libsesame.so's SONAME is not libsesame.so.0"

export PKG_CONFIG_PATH=$libdir/pkgconfig
version=$(pkg-config --modversion sesame)

# check_run <program>: runs it and checks what it printed.
check_run() {
  local out
  out=$("$@") || die "$* exited with status $?"
  echo "$out"
  [[ "$out" == "sesame $version" ]] || die "$* printed \"$out\", expected \"sesame $version\""
}

step "find_package(sesame): consumer_shared (sesame::sesame) and consumer_static (sesame::static)"
cmake -S "$here" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DSESAME_SOURCE_DIR="$here/../.." >"$work/configure.log" 2>&1 || {
  cat "$work/configure.log"
  die "the consumer project does not configure against the installed package"
}
cmake --build "$work/cmake-build" >"$work/build.log" 2>&1 || {
  cat "$work/build.log"
  die "the consumer project does not build against the installed package"
}
readelf -d "$work/cmake-build/consumer_shared" | grep -q 'NEEDED.*\[libsesame\.so\.0\]' ||
  die "consumer_shared does not load libsesame.so.0"
check_run "$work/cmake-build/consumer_shared"
check_run "$work/cmake-build/consumer_static"

step "the installed store conformance suite against a store behind sesame_store_vtable"
"$work/cmake-build/store_conformance" --no-intro >"$work/conformance.log" 2>&1 || {
  cat "$work/conformance.log"
  die "the installed conformance suite failed"
}
tail -n 3 "$work/conformance.log"
grep -q 'test cases: *[1-9][0-9]* | *[1-9][0-9]* passed | 0 failed' "$work/conformance.log" ||
  die "the installed conformance suite ran no case"

step "the README's C++ program: readme_shared (sesame::sesame) and readme_static (sesame::static)"
readelf -d "$work/cmake-build/readme_shared" | grep -q 'NEEDED.*\[libsesame\.so\.0\]' ||
  die "readme_shared does not load libsesame.so.0"
# The C++ API comes from the shared library under its own version node.
nm -D --undefined-only "$work/cmake-build/readme_shared" | grep -q '@SESAME_CXX_' ||
  die "readme_shared takes no symbol of the SESAME_CXX_ version node from libsesame.so"
cli=$build/examples/cli/sesame
[[ -x "$cli" ]] || die "no $cli to make the demo database with (configure with SESAME_BUILD_EXAMPLES=ON)"
for program in readme_shared readme_static; do
  /usr/bin/python3 "$here/drive_readme.py" "$work/cmake-build/$program" "$cli" "$work/run-$program" ||
    die "$program did not log the demo client in"
done

step "pkg-config: $cc consumer.c \$(pkg-config --cflags --libs sesame)"
# shellcheck disable=SC2086 # the flags are words
"$cc" -std=c99 -pedantic -Wall -Wextra -Werror $flags "$here/consumer.c" $(pkg-config --cflags --libs sesame) \
  -o "$work/consumer_pc" || die "the consumer does not build with pkg-config's flags"
check_run env LD_LIBRARY_PATH="$libdir" "$work/consumer_pc"

echo "package consumers: ok (sesame $version)"
