#include "runtime/report_channel.h"

#include <fcntl.h>
#include <link.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/execution.h"
#include "runtime/server.h"
#include "scheduler/protocol.h"

namespace baton::rt {

namespace {

std::string& signal_buffer() {
    static auto* buffer = [] {
        auto* text = new std::string();
        text->reserve(1 << 20);
        // Every record begins by clearing it: a reset need not copy its megabyte back
        // (runtime/server.h), which once was most of what a reset of a small program copied.
        exclude_from_snapshot(text->data(), text->capacity() + 1);
        return text;
    }();
    return *buffer;
}

}  // namespace

Record::Record(const char* rec, bool signal_safe)
    : text_(signal_safe ? signal_buffer() : owned_), signal_safe_(signal_safe) {
    text_.clear();
    text_ += "{\"rec\":\"";
    text_ += rec;
    text_ += '"';
    first_ = false;
}

void Record::number(uint64_t value) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) text_ += digits[--n];
}

void Record::key(const char* key) {
    if (!first_) text_ += ',';
    first_ = false;
    if (key) {
        text_ += '"';
        text_ += key;
        text_ += "\":";
    }
}

Record& Record::field(const char* name, uint64_t value) {
    key(name);
    number(value);
    return *this;
}

Record& Record::field(const char* name, int64_t value) {
    key(name);
    if (value < 0) text_ += '-';
    number(value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
    return *this;
}

Record& Record::field(const char* name, bool value) {
    key(name);
    text_ += value ? "true" : "false";
    return *this;
}

Record& Record::field(const char* name, const char* value) {
    key(name);
    text_ += '"';
    for (const char* p = value ? value : ""; *p; ++p) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\') {
            text_ += '\\';
            text_ += static_cast<char>(c);
        } else if (c < 0x20) {
            char escaped[8];
            snprintf(escaped, sizeof escaped, "\\u%04x", c);
            text_ += escaped;
        } else {
            text_ += static_cast<char>(c);
        }
    }
    text_ += '"';
    return *this;
}

Record& Record::pcs(const char* name, const std::vector<uintptr_t>& pcs) {
    begin_array(name);
    for (uintptr_t pc : pcs) field(nullptr, uint64_t{pc});
    return end_array();
}

Record& Record::stack(const char* name, const Thread& thread, uintptr_t pc) {
    begin_array(name);
    if (pc) field(nullptr, uint64_t{pc});
    for (uint32_t i = thread.calls.depth(); i-- > 0;) field(nullptr, uint64_t{thread.calls.frame(i)});
    return end_array();
}

Record& Record::begin_object(const char* name) {
    key(name);
    text_ += '{';
    first_ = true;
    return *this;
}

Record& Record::end_object() {
    text_ += '}';
    first_ = false;
    return *this;
}

Record& Record::begin_array(const char* name) {
    key(name);
    text_ += '[';
    first_ = true;
    return *this;
}

Record& Record::end_array() {
    text_ += ']';
    first_ = false;
    return *this;
}

Record& Record::creation_sites(std::span<const Thread* const> threads) {
    begin_array("created");
    for (const Thread* thread : threads) {
        begin_object(nullptr).field("thread", thread->id);
        if (thread->parent != kNoThread) field("parent", thread->parent);
        field("pc", uint64_t{thread->create_pc}).end_object();
    }
    return end_array();
}

const std::string& Record::text() {
    text_ += "}\n";
    return text_;
}

void Record::send() {
    bool is_finding = text_.compare(0, 17, "{\"rec\":\"finding\",") == 0;
    ReportChannel& channel = execution().channel();
    if (is_finding) {
        channel.count_finding();
        // A library loaded by dlopen since: describe it (not from a signal handler).
        if (!signal_safe_) channel.describe_modules();
    }
    channel.write_line(text());
}

void ReportChannel::open() {
    signal_buffer();  // reserved now: a signal handler must not allocate (the fault may be in malloc)
    const char* text = getenv(protocol::kEnvReportFd);
    if (!text || !*text) return;
    int fd = atoi(text);
    if (fcntl(fd, F_GETFD) < 0) return;  // not open: run as if standalone
    fcntl(fd, F_SETFD, FD_CLOEXEC);      // programs it execs must not write records
    fd_ = fd;
    describe_modules();
}

void ReportChannel::write_line(const std::string& line) {
    if (fd_ < 0) {
        // Standalone (not under `baton check`): name the finding, nothing more.
        const char* kind = strstr(line.c_str(), "\"kind\":\"");
        if (line.compare(0, 17, "{\"rec\":\"finding\",") == 0 && kind) {
            kind += 8;
            fprintf(stderr, "baton: found a %.*s\n", static_cast<int>(strcspn(kind, "\"")), kind);
        }
        return;
    }
    const char* data = line.data();
    size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, data, left);
        if (n <= 0) return;  // the parent is gone: nothing more to tell
        data += n;
        left -= static_cast<size_t>(n);
    }
}

void ReportChannel::describe_modules() {
    if (fd_ < 0) return;
    struct Collected {
        std::vector<std::pair<std::string, uintptr_t>> modules;
    } collected;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            auto* out = static_cast<Collected*>(data);
            std::string path = info->dlpi_name ? info->dlpi_name : "";
            if (path.empty() && out->modules.empty()) {
                char exe[4096];
                ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
                if (n > 0) path.assign(exe, static_cast<size_t>(n));
            }
            out->modules.emplace_back(path, info->dlpi_addr);
            return 0;
        },
        &collected);
    for (size_t i = modules_described_; i < collected.modules.size(); ++i) {
        if (collected.modules[i].first.empty()) continue;
        Record record("module");
        record.field("path", collected.modules[i].first)
            .field("base", uint64_t{collected.modules[i].second});
        write_line(record.text());
    }
    modules_described_ = collected.modules.size();
}

void ReportChannel::after_fork() {
    Record("start").field("pid", static_cast<int64_t>(getpid())).field("forked", true).send();
}

}  // namespace baton::rt
