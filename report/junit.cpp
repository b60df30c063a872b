#include "report/junit.h"

#include <fmt/format.h>

#include "report/markup.h"

namespace baton::report {

std::string to_junit(const std::string& suite_name, const std::vector<JunitCase>& cases) {
    size_t failures = 0;
    double seconds = 0;
    for (const JunitCase& test : cases) {
        failures += test.failures.size();
        seconds += test.seconds;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"0\" time=\"{3:.3f}\">\n"
                       "  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"0\" skipped=\"0\" "
                       "time=\"{3:.3f}\">\n",
                       xml_escape(suite_name), cases.size(), failures, seconds);
    for (const JunitCase& test : cases) {
        out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\">\n", xml_escape(test.name),
                           xml_escape(test.classname), test.seconds);
        for (const JunitFailure& failure : test.failures)
            out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", xml_escape(failure.type),
                               xml_escape(failure.message), xml_escape(failure.text));
        if (!test.system_out.empty())
            out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(test.system_out));
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace baton::report
