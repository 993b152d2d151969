/* A host program built against an installed Sesame by tests/package/run.sh, once through CMake's
 * find_package(sesame) and once through pkg-config. It prints the version of the library it loaded
 * and checks that the status table is the one its header promised. */
#include <stdio.h>
#include <string.h>

#include <sesame/sesame.h>

int main(void) {
    const char *name = sesame_status_name(SESAME_E_RATE_LIMITED);
    printf("sesame %s\n", sesame_version_string());
    if (strcmp(name, "SESAME_E_RATE_LIMITED") != 0) {
        fprintf(stderr, "sesame_status_name(SESAME_E_RATE_LIMITED) is \"%s\"\n", name);
        return 1;
    }
    if (sesame_version_number() != SESAME_VERSION_NUMBER) {
        fprintf(stderr, "compiled against %d, loaded %d\n", (int)SESAME_VERSION_NUMBER, (int)sesame_version_number());
        return 1;
    }
    if (sesame_last_error_message() == NULL) {
        fprintf(stderr, "sesame_last_error_message() is NULL\n");
        return 1;
    }
    return 0;
}
