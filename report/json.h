// JSON form of the report model, as PRODUCT.md specifies for `--format json`.
#pragma once

#include <nlohmann/json.hpp>

#include "report/finding.h"

namespace baton::report {

nlohmann::json to_json(const SourceLocation& location);
nlohmann::json to_json(const Finding& finding);

// The inverse of to_json (with check's found_in, fingerprint and accepted_by), for a report
// read back (`baton check` over many programs reads each program's JSON report). Frames come
// back without module and offset, which the JSON form does not carry; what is missing or of
// the wrong type stays empty.
SourceLocation location_from_json(const nlohmann::json& json);
Finding finding_from_json(const nlohmann::json& json);

}  // namespace baton::report
