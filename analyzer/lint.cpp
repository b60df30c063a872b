#include "analyzer/lint.h"

#include <cstdio>

namespace baton::analyzer {

int lint_main(int, const char**) {
    std::fprintf(stderr, "baton lint: not built yet\n");
    return 2;
}

}  // namespace baton::analyzer
