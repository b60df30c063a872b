// Text inside XML and HTML markup (JUnit reports, the HTML report): one escape for both, so a
// program's output or a variable's name can never break either document.
#pragma once

#include <string>

namespace baton::report {

// `text` with &, <, >, " and ' escaped (entities XML 1.0 and HTML5 both define) and the
// characters XML 1.0 forbids (control characters other than tab, newline and carriage
// return) dropped, so any program output stays well-formed, in an element or an attribute.
std::string xml_escape(const std::string& text);

}  // namespace baton::report
