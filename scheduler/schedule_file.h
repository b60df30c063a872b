// Schedule files: what `baton check` saves next to a program for every finding, and what
// `baton replay` reads. Text, one "key value" per line after a version line:
//
//   baton-schedule 2
//   program /home/ana/race.c
//   program-hash fnv1a64:9c1f0e3a5b7d2c41
//   arguments []
//   input /home/ana/numbers.txt
//   input-hash fnv1a64:0b5e3c1d2a4f6e87
//   finding data-race: data race on 'mails': thread 2 writes while thread 1 reads
//   found-in dpor execution 3
//   preempt-on 93824992247900
//   schedule 0x9 1x4 2x3 1x2 0x4
//
// `preempt-on` lists the racy locations whose plain accesses were scheduling points in that
// execution (the schedule counts those steps too); `preempt-all true` (`check --preempt all`)
// says every shared access was one.
// The hash is of the file named by `program` (the source when baton built it), so a schedule
// recorded before the program was edited is refused instead of replayed wrongly. `input` (only
// with `check --stdin`) is the file the program read as standard input, hashed the same way.
#pragma once

#include <string>
#include <vector>

namespace baton::scheduler {

struct ScheduleFile {
    std::string program;
    std::string program_hash;
    std::vector<std::string> arguments;
    std::string input, input_hash;  // standard input's file ("": /dev/null)
    std::string finding;
    std::string found_in;
    std::vector<uint64_t> preempt_on;
    bool preempt_all = false;
    std::string schedule;
};

constexpr const char* kScheduleSuffix = ".baton-schedule";

// Return false with `error` (one sentence naming the file).
bool write_schedule_file(const std::string& path, const ScheduleFile& file, std::string& error);
bool read_schedule_file(const std::string& path, ScheduleFile& file, std::string& error);

// Whether the file's program (and input) are still the ones the schedule was recorded for
// (false with `error`, one sentence, when one cannot be read or has changed).
bool schedule_fits_program(const ScheduleFile& file, std::string& error);

// "fnv1a64:<16 hex digits>" of the file's bytes, or "" (with `error`) if it cannot be read.
std::string hash_file(const std::string& path, std::string& error);

}  // namespace baton::scheduler
