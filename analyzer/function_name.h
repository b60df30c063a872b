// How reports name a function: `routine`, `Queue::push`, or `lambda at main.cpp:12` for a
// lambda's call operator (whose real name, `operator()`, tells a reader nothing).
#pragma once

#include <string>

namespace clang {
class FunctionDecl;
}

namespace baton::analyzer {

std::string function_name(const clang::FunctionDecl& function);

}  // namespace baton::analyzer
