#!/usr/bin/env bash
# ctest embed_subdirectory: Sesame added to a host project with add_subdirectory()
# (tests/embed/CMakeLists.txt checks what it brings and what it leaves alone), then the program of
# docs/getting-started.md built against sesame::sesame and sesame::static and run.
#
#   run.sh <Sesame source dir> <C compiler> <C++ compiler> [SESAME_SANITIZE] [SESAME_WERROR]
#          [C flags] [C++ flags] [folder for Sesame's objects]
set -euo pipefail

source_dir=$1
cc=$2
cxx=$3
sanitize=${4:-}
werror=${5:-OFF}
cflags=${6:-}
cxxflags=${7:-}
sesame_build=${8:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/sesame-embed.XXXXXX")
if [[ -z "$sesame_build" ]]; then
  sesame_build=$work/build/sesame
fi
rm -rf "$sesame_build"
trap 'rm -rf "$work" "$sesame_build"' EXIT

die() {
  echo "FAIL: $*" >&2
  exit 1
}

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$source_dir} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi

echo "==> configure the host project (add_subdirectory of $source_dir), no build type of its own"
cmake -S "$here" -B "$work/build" -DSESAME_SOURCE_DIR="$source_dir" -DSESAME_BINARY_DIR="$sesame_build" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_CXX_COMPILER="$cxx" -DSESAME_SANITIZE="$sanitize" -DSESAME_WERROR="$werror" \
  -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cxxflags" "${launcher[@]}" >"$work/configure.log" 2>&1 || {
  cat "$work/configure.log"
  die "the host project does not configure with Sesame embedded"
}
grep -q "file(INSTALL" "$sesame_build/cmake_install.cmake" 2>/dev/null &&
  die "embedding Sesame added install rules to the host (SESAME_INSTALL should default to OFF)"

echo "==> build login_shared and login_static"
cmake --build "$work/build" -j 2 >"$work/build.log" 2>&1 || {
  tail -n 60 "$work/build.log"
  die "the getting-started program does not build with Sesame embedded"
}

for program in login_shared login_static; do
  echo "==> run $program"
  mkdir -p "$work/run-$program"
  out=$(cd "$work/run-$program" && "$work/build/$program") || die "$program exited with status $?"
  echo "$out" | sed 's/^/    /'
  grep -q "^Logged in; assurance" <<<"$out" || die "$program did not log the client in"
  grep -q "^Logout: SESAME_OK; the token now gives SESAME_E_SESSION_INVALID$" <<<"$out" ||
    die "$program: the logout line is not the expected one"
done
echo "embed: ok"
