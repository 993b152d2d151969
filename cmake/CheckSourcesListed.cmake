# ctest sources_listed: the build lists its sources instead of globbing them, so a new file that is
# not added to a CMakeLists.txt would be silently left out (and its tests never run). This finds
# every .c and .cpp under the given folders and fails for each one whose name no CMakeLists.txt
# in its folder or above names.
#   cmake -DROOT=<source dir> -P CheckSourcesListed.cmake
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT)
  message(FATAL_ERROR "CheckSourcesListed.cmake: -DROOT=<source dir> is required")
endif()

file(GLOB_RECURSE sources RELATIVE "${ROOT}" "${ROOT}/src/*.cpp" "${ROOT}/capi/*.cpp" "${ROOT}/tests/*.c"
  "${ROOT}/tests/*.cpp" "${ROOT}/examples/*.c" "${ROOT}/examples/*.cpp" "${ROOT}/bench/*.c" "${ROOT}/bench/*.cpp"
  "${ROOT}/fuzz/*.cpp")
set(missing "")
set(count 0)
foreach(source IN LISTS sources)
  # Programs that outside projects build (the package and embedding checks), not this build.
  if(source MATCHES "^tests/(package|embed)/" OR source MATCHES "/node_modules/")
    continue()
  endif()
  math(EXPR count "${count} + 1")
  get_filename_component(name "${source}" NAME)
  get_filename_component(dir "${source}" DIRECTORY)
  set(found FALSE)
  while(TRUE)
    if(EXISTS "${ROOT}/${dir}/CMakeLists.txt")
      file(READ "${ROOT}/${dir}/CMakeLists.txt" text)
      string(FIND "${text}" "${name}" at)
      if(at GREATER -1)
        set(found TRUE)
        break()
      endif()
    endif()
    if(dir STREQUAL "")
      break()
    endif()
    get_filename_component(dir "${dir}" DIRECTORY)
  endwhile()
  if(NOT found)
    string(APPEND missing "  ${source}\n")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "Sources that no CMakeLists.txt lists (add each to its target's list):\n${missing}")
endif()
message(STATUS "${count} sources, each listed in a CMakeLists.txt")
