// Starting the portal server from a command line: shared by `sesame-portal` and `sesame serve`.
#pragma once

#include <string>
#include <vector>

namespace portal {

// Reads the configuration from `args` (the flags after the program name), opens the database and
// serves until SIGINT or SIGTERM. Messages go to stderr prefixed with `program`.
// Returns the exit code: 0 stopped cleanly; 1 the server could not start (the reason on stderr);
// 2 the configuration or command line was wrong.
int run(const std::vector<std::string>& args, const std::string& program);

}  // namespace portal
