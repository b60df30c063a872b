#include "scheduler/schedule_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scheduler/schedule.h"

namespace baton::scheduler {
namespace {

// 2: a condition wait is four steps (cond-wait, unlock, cond-wake, lock); in version 1 it was
// two or three, so a version-1 schedule of a program that waits would not fit.
constexpr const char* kVersionLine = "baton-schedule 2";
constexpr const char* kOldVersionLine = "baton-schedule 1";

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

}  // namespace

std::string hash_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read '" + path + "': " + strerror(errno);
        return "";
    }
    uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a: enough to notice an edit, not a signature
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            hash ^= static_cast<unsigned char>(buffer[i]);
            hash *= 0x100000001b3ull;
        }
    }
    char text[32];
    snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
    return text;
}

bool write_schedule_file(const std::string& path, const ScheduleFile& file, std::string& error) {
    std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        if (!out) {
            error = "cannot write '" + path + "': " + strerror(errno);
            return false;
        }
        out << kVersionLine << "\n"
            << "program " << file.program << "\n"
            << "program-hash " << file.program_hash << "\n"
            << "arguments " << nlohmann::json(file.arguments).dump() << "\n";
        if (!file.input.empty()) out << "input " << file.input << "\n" << "input-hash " << file.input_hash << "\n";
        out << "finding " << one_line(file.finding) << "\n"
            << "found-in " << one_line(file.found_in) << "\n";
        if (!file.preempt_on.empty()) {
            out << "preempt-on";
            for (uint64_t address : file.preempt_on) out << " " << address;
            out << "\n";
        }
        if (file.preempt_all) out << "preempt-all true\n";
        out << "schedule " << file.schedule << "\n";
        if (!out.flush()) {
            error = "cannot write '" + path + "': " + strerror(errno);
            std::remove(temporary.c_str());
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = "cannot write '" + path + "': " + strerror(errno);
        std::remove(temporary.c_str());
        return false;
    }
    return true;
}

bool read_schedule_file(const std::string& path, ScheduleFile& file, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot read '" + path + "': " + strerror(errno);
        return false;
    }
    std::string line;
    if (std::getline(in, line) && line == kOldVersionLine) {
        error = "'" + path + "' was written by an older baton, whose steps differ: run baton check again";
        return false;
    }
    if (in.fail() || line != kVersionLine) {
        error = "'" + path + "' is not a baton schedule (expected '" + kVersionLine + "' first)";
        return false;
    }
    file = ScheduleFile{};
    bool has_program = false, has_schedule = false;
    int number = 1;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        size_t space = line.find(' ');
        std::string key = line.substr(0, space);
        std::string value = space == std::string::npos ? "" : line.substr(space + 1);
        auto bad = [&](const std::string& why) {
            error = "'" + path + "' line " + std::to_string(number) + ": " + why;
            return false;
        };
        if (key == "program") {
            file.program = value;
            has_program = !value.empty();
        } else if (key == "program-hash") {
            file.program_hash = value;
        } else if (key == "arguments") {
            nlohmann::json arguments = nlohmann::json::parse(value, nullptr, false);
            if (!arguments.is_array()) return bad("arguments must be a JSON array of strings");
            for (const auto& argument : arguments) {
                if (!argument.is_string()) return bad("arguments must be a JSON array of strings");
                file.arguments.push_back(argument.get<std::string>());
            }
        } else if (key == "input") {
            file.input = value;
        } else if (key == "input-hash") {
            file.input_hash = value;
        } else if (key == "finding") {
            file.finding = value;
        } else if (key == "found-in") {
            file.found_in = value;
        } else if (key == "preempt-on") {
            std::istringstream words(value);
            std::string word;
            while (words >> word) {
                char* end = nullptr;
                unsigned long long address = strtoull(word.c_str(), &end, 10);
                if (*end != '\0') return bad("preempt-on takes addresses, not '" + word + "'");
                file.preempt_on.push_back(address);
            }
        } else if (key == "preempt-all") {
            if (value != "true" && value != "false") return bad("preempt-all must be true or false, not '" + value + "'");
            file.preempt_all = value == "true";
        } else if (key == "schedule") {
            std::vector<Choice> choices;
            std::string why;
            if (!parse_choices(value, choices, why)) return bad(why);
            file.schedule = value;
            has_schedule = true;
        } else {
            return bad("unknown key '" + key + "'");
        }
    }
    if (!has_program || !has_schedule) {
        error = "'" + path + "' has no " + (has_program ? "schedule" : "program") + " line";
        return false;
    }
    return true;
}

bool schedule_fits_program(const ScheduleFile& file, std::string& error) {
    std::string hash = hash_file(file.program, error);
    if (hash.empty()) {
        error = "the schedule's program: " + error;
        return false;
    }
    if (hash != file.program_hash) {
        error = "'" + file.program + "' has changed since the schedule was recorded; run baton check on it again";
        return false;
    }
    if (file.input.empty()) return true;
    hash = hash_file(file.input, error);
    if (hash.empty()) {
        error = "the schedule's input: " + error;
        return false;
    }
    if (hash != file.input_hash) {
        error = "the input '" + file.input + "' has changed since the schedule was recorded; run baton check again";
        return false;
    }
    return true;
}

}  // namespace baton::scheduler
