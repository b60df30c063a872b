// `baton check --html FILE`, rendered by a real browser: headless Debian chromium loads the
// page from disk (no network), runs its script, and the dumped DOM must hold the drawn
// swimlane; the screenshot is kept under the build's test output for a person to look at.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::run_command;
using baton::e2e::TempDir;

namespace {

std::string chromium() {
    for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (fs::exists(path)) return path;
    return "";
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

size_t count(const std::string& text, const std::regex& pattern) {
    return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

TEST(HtmlReport, RendersTheSwimlanesInHeadlessChromium) {
    TempDir directory;
    std::string program = directory.file("lock_order.c");
    fs::copy_file(baton::e2e::source_path("testcases/deadlock/lock_order.c"), program);
    std::string page = directory.file("report.html");
    auto checked = run_command({baton_binary("baton"), "check", "--html", page, program}, directory.path());
    ASSERT_EQ(checked.status, 1) << checked.err;
    std::string html = read(page);
    // Self-contained: nothing is fetched.
    EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "only the SVG namespace URI";
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    // The story as a paragraph, its quotes escaped as in XML (report/markup.h).
    EXPECT_NE(html.find("<p class=\"story\">thread 1 holds &apos;a&apos; and waits"), std::string::npos) << "the story";

    std::string browser = chromium();
    if (browser.empty()) GTEST_SKIP() << "chromium is not installed (scripts/bootstrap installs it)";
    // Root needs --no-sandbox; no GPU in a container.
    std::vector<std::string> base = {browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                     "--window-size=1400,1000", "--user-data-dir=" + directory.file("profile")};
    auto dump = base;
    dump.push_back("--dump-dom");
    dump.push_back("file://" + page);
    auto dom = run_command(dump, directory.path());
    ASSERT_EQ(dom.status, 0) << dom.err;
    // The script ran and drew one diagram: its marker, the SVG, a lane heading per thread and
    // a box per step (2 acquisitions, 3 waits that never complete).
    EXPECT_NE(dom.out.find("data-rendered=\"1\""), std::string::npos) << dom.out;
    EXPECT_EQ(count(dom.out, std::regex("<svg[^>]*class=\"swimlane\"")), 1u) << dom.out;
    EXPECT_EQ(count(dom.out, std::regex("<g class=\"step\"")), 2u) << dom.out;
    EXPECT_EQ(count(dom.out, std::regex("<g class=\"step pending\"")), 3u) << dom.out;
    EXPECT_EQ(count(dom.out, std::regex(">thread [012]</text>")), 3u) << dom.out;
    EXPECT_NE(dom.out.find("pthread_mutex_lock(&amp;b);"), std::string::npos) << "source beside the steps";

    fs::path output = fs::path(BATON_BINARY_DIR) / "test-output";
    fs::create_directories(output);
    std::string screenshot = (output / "html_report.png").string();
    fs::remove(screenshot);
    auto shot = base;
    shot.push_back("--screenshot=" + screenshot);
    shot.push_back("file://" + page);
    auto taken = run_command(shot, directory.path());
    ASSERT_EQ(taken.status, 0) << taken.err;
    ASSERT_TRUE(fs::exists(screenshot));
    EXPECT_GT(fs::file_size(screenshot), 10'000u) << "a blank page is smaller";
}

TEST(HtmlReport, AFileThatCannotBeWrittenIsAUsageErrorBeforeAnythingRuns) {
    TempDir directory;
    std::string program = directory.file("lock_order.c");
    fs::copy_file(baton::e2e::source_path("testcases/deadlock/lock_order.c"), program);
    for (const std::string& bad : {directory.file("missing/report.html"), directory.path()}) {
        auto result = run_command({baton_binary("baton"), "check", "--html", bad, program}, directory.path());
        EXPECT_EQ(result.status, 2) << result.out;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find("baton check: cannot write '" + bad + "'"), std::string::npos) << result.err;
        EXPECT_TRUE(result.out.empty()) << result.out;
    }
    // Nothing half-written or left behind: only the program and nothing else.
    size_t entries = 0;
    for (const auto& entry : fs::directory_iterator(directory.path())) entries += entry.path().filename() != "lock_order.c";
    EXPECT_EQ(entries, 0u);
}

}  // namespace
