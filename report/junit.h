// JUnit XML, as CI servers read test results (GitLab's `artifacts:reports:junit`, Jenkins'
// junit step): one <testsuite> of <testcase>s, each failing once per <failure>. The element
// and attribute set is the one Jenkins' junit-10.xsd and GitLab's parser accept.
#pragma once

#include <string>
#include <vector>

namespace baton::report {

struct JunitFailure {
    std::string type;     // the finding kind
    std::string message;  // one line
    std::string text;     // the full report of the finding
};

struct JunitCase {
    std::string name;       // the program
    std::string classname;  // groups cases in the CI server's view
    double seconds = 0;
    std::vector<JunitFailure> failures;
    std::string system_out;  // what the run printed that is not a failure
};

std::string to_junit(const std::string& suite_name, const std::vector<JunitCase>& cases);

}  // namespace baton::report
