// `sesame-portal`: the example client portal over a local SQLite database.
//
// Exit codes: 0 stopped cleanly; 1 the server could not start (the reason on stderr); 2 the
// configuration or command line was wrong.
#include <string>
#include <vector>

#include "src/run.hpp"

int main(int argc, char** argv) {
    return portal::run(std::vector<std::string>(argv + 1, argv + argc), "sesame-portal");
}
