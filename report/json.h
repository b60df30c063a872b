// JSON form of the report model, as PRODUCT.md specifies for `--format json`.
#pragma once

#include <nlohmann/json.hpp>

#include "report/finding.h"

namespace baton::report {

nlohmann::json to_json(const SourceLocation& location);
nlohmann::json to_json(const Finding& finding);

}  // namespace baton::report
