#include "scheduler/schedule.h"

#include <charconv>

namespace baton::scheduler {
namespace {

const char* kind_suffix(Option::Kind kind) {
    switch (kind) {
    case Option::Kind::Run: return "";
    case Option::Kind::Timeout: return "t";
    case Option::Kind::SpuriousWakeup: return "s";
    }
    return "";
}

std::string format_choice(Choice choice) {
    return std::to_string(choice.thread) + kind_suffix(choice.kind);
}

bool parse_number(std::string_view& text, uint64_t& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data()) return false;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    return true;
}

// One token: "3", "3t", "3s", "3x120", "3tx2".
bool parse_token(std::string_view token, Choice& choice, uint64_t& count) {
    uint64_t thread = 0;
    if (!parse_number(token, thread) || thread > UINT32_MAX) return false;
    choice.thread = static_cast<ThreadId>(thread);
    choice.kind = Option::Kind::Run;
    if (!token.empty() && (token[0] == 't' || token[0] == 's')) {
        choice.kind = token[0] == 't' ? Option::Kind::Timeout : Option::Kind::SpuriousWakeup;
        token.remove_prefix(1);
    }
    count = 1;
    if (!token.empty() && token[0] == 'x') {
        token.remove_prefix(1);
        if (!parse_number(token, count) || count == 0) return false;
    }
    return token.empty();
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    while (!text.empty()) {
        size_t end = text.find(separator);
        std::string_view part = text.substr(0, end);
        if (!part.empty()) parts.push_back(part);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return parts;
}

}  // namespace

void ScheduleWriter::append_run(std::string& text, Choice choice, uint64_t run) {
    if (run == 0) return;
    if (!text.empty()) text += ' ';
    text += format_choice(choice);
    if (run > 1) text += "x" + std::to_string(run);
}

void ScheduleWriter::flush_run() {
    append_run(text_, last_, run_);
    run_ = 0;
}

void ScheduleWriter::add(Choice choice) {
    if (run_ > 0 && choice == last_) {
        ++run_;
        return;
    }
    flush_run();
    last_ = choice;
    run_ = 1;
}

std::string ScheduleWriter::text() const {
    std::string text = text_;
    append_run(text, last_, run_);
    return text;
}

std::string format_choices(const std::vector<Choice>& choices) {
    ScheduleWriter writer;
    for (Choice choice : choices) writer.add(choice);
    return writer.text();
}

bool parse_choices(std::string_view text, std::vector<Choice>& choices, std::string& error) {
    choices.clear();
    for (std::string_view token : split(text, ' ')) {
        Choice choice;
        uint64_t count = 0;
        if (!parse_token(token, choice, count) || count > (1u << 30)) {
            error = "'" + std::string(token) + "' is not a scheduling choice";
            return false;
        }
        choices.insert(choices.end(), count, choice);
    }
    return true;
}

std::string format_plan_end(const PlanEnd& end) {
    std::string text = std::to_string(end.steps);
    if (end.only_thread) text += " thread " + std::to_string(*end.only_thread);
    return text;
}

bool parse_plan_end(std::string_view text, PlanEnd& end, std::string& error) {
    end = PlanEnd{};
    std::vector<std::string_view> words = split(text, ' ');
    uint64_t steps = 0, thread = 0;
    std::string_view count = words.empty() ? "" : words[0];
    std::string_view who = words.size() == 3 ? words[2] : "";
    bool ok = parse_number(count, steps) && count.empty() &&
              (words.size() == 1 || (words.size() == 3 && words[1] == "thread" &&
                                     parse_number(who, thread) && who.empty() && thread <= UINT32_MAX));
    if (!ok) {
        error = "'" + std::string(text) + "' is not where a plan ends (\"STEPS [thread T]\")";
        return false;
    }
    end.steps = steps;
    if (words.size() == 3) end.only_thread = static_cast<ThreadId>(thread);
    return true;
}

OpKind op_kind_from_name(std::string_view name, bool& ok) {
    for (int kind = 0; kind < static_cast<int>(OpKind::kCount); ++kind) {
        if (name == op_name(static_cast<OpKind>(kind))) {
            ok = true;
            return static_cast<OpKind>(kind);
        }
    }
    ok = false;
    return OpKind::Yield;
}

std::string format_plan(const Plan& plan) {
    std::string text = "follow " + format_choices(plan.follow) + "\n";
    if (!plan.asleep.empty()) {
        text += "asleep";
        for (const SleepingThread& sleeper : plan.asleep)
            text += " " + format_choice(sleeper.choice) + " " + op_name(sleeper.op.kind) + " " +
                    std::to_string(sleeper.op.object);
        text += "\n";
    }
    if (plan.wakeup_from) text += "wakeup " + std::to_string(*plan.wakeup_from) + "\n";
    if (plan.end_repeated_waits) text += "end-repeated-waits\n";
    return text;
}

bool parse_plan(std::string_view text, Plan& plan, std::string& error) {
    plan = Plan{};
    for (std::string_view line : split(text, '\n')) {
        std::vector<std::string_view> words = split(line, ' ');
        if (words.empty()) continue;
        if (words[0] == "follow") {
            std::string_view rest = line.substr(std::min(line.size(), line.find(' ') + 1));
            if (words.size() > 1 && !parse_choices(rest, plan.follow, error)) return false;
        } else if (words[0] == "asleep") {
            if ((words.size() - 1) % 3 != 0) {
                error = "'asleep' takes choice, operation, object triples";
                return false;
            }
            for (size_t i = 1; i < words.size(); i += 3) {
                SleepingThread sleeper;
                uint64_t count = 0;
                bool ok = parse_token(words[i], sleeper.choice, count) && count == 1;
                sleeper.op.kind = op_kind_from_name(words[i + 1], ok);
                std::string_view object = words[i + 2];
                ok = ok && parse_number(object, sleeper.op.object) && object.empty();
                if (!ok) {
                    error = "bad sleeping choice '" + std::string(words[i]) + " " +
                            std::string(words[i + 1]) + " " + std::string(words[i + 2]) + "'";
                    return false;
                }
                plan.asleep.push_back(sleeper);
            }
        } else if (words[0] == "wakeup" && words.size() == 2) {
            std::string_view number = words[1];
            if (!parse_number(number, plan.wakeup_from.emplace()) || !number.empty()) {
                error = "bad wakeup index '" + std::string(words[1]) + "'";
                return false;
            }
        } else if (words[0] == "end-repeated-waits" && words.size() == 1) {
            plan.end_repeated_waits = true;
        } else {
            error = "unknown plan line '" + std::string(line) + "'";
            return false;
        }
    }
    return true;
}

const char* op_name(OpKind kind) {
    switch (kind) {
    case OpKind::Start: return "start";
    case OpKind::Yield: return "yield";
    case OpKind::ThreadCreate: return "create";
    case OpKind::ThreadJoin: return "join";
    case OpKind::ThreadExit: return "exit";
    case OpKind::MutexLock: return "lock";
    case OpKind::MutexTryLock: return "trylock";
    case OpKind::MutexUnlock: return "unlock";
    case OpKind::CondWait: return "cond-wait";
    case OpKind::CondWake: return "cond-wake";
    case OpKind::CondSignal: return "cond-signal";
    case OpKind::CondBroadcast: return "cond-broadcast";
    case OpKind::ReadLock: return "read-lock";
    case OpKind::WriteLock: return "write-lock";
    case OpKind::RwUnlock: return "rw-unlock";
    case OpKind::SemWait: return "sem-wait";
    case OpKind::SemPost: return "sem-post";
    case OpKind::BarrierWait: return "barrier-wait";
    case OpKind::Once: return "once";
    case OpKind::AtomicLoad: return "atomic-load";
    case OpKind::AtomicStore: return "atomic-store";
    case OpKind::AtomicRmw: return "atomic-rmw";
    case OpKind::Fence: return "fence";
    case OpKind::FutexWait: return "futex-wait";
    case OpKind::FutexWake: return "futex-wake";
    case OpKind::Sleep: return "sleep";
    case OpKind::BusyWait: return "busy-wait";
    case OpKind::PlainRead: return "read";
    case OpKind::PlainWrite: return "write";
    case OpKind::kCount: break;
    }
    return "?";
}

}  // namespace baton::scheduler
