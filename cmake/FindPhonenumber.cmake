# libphonenumber ships no CMake config on Debian: find its header and library and make an IMPORTED
# target, phonenumber::phonenumber. Its headers include protobuf and abseil headers, whose
# libraries it links itself.
find_path(Phonenumber_INCLUDE_DIR phonenumbers/phonenumberutil.h)
find_library(Phonenumber_LIBRARY NAMES phonenumber)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Phonenumber REQUIRED_VARS Phonenumber_LIBRARY Phonenumber_INCLUDE_DIR)
if(Phonenumber_FOUND AND NOT TARGET phonenumber::phonenumber)
  add_library(phonenumber::phonenumber UNKNOWN IMPORTED)
  set_target_properties(phonenumber::phonenumber PROPERTIES
    IMPORTED_LOCATION "${Phonenumber_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Phonenumber_INCLUDE_DIR}")
endif()
mark_as_advanced(Phonenumber_INCLUDE_DIR Phonenumber_LIBRARY)
