#include "report/story.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/runtime_findings.h"

namespace baton::report {
namespace {

using nlohmann::json;
using scheduler::OpKind;
using scheduler::Trace;
using scheduler::TraceStep;

uint64_t number(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<uint64_t>() : 0;
}

std::string text(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool is_access(OpKind kind) {
    return kind == OpKind::PlainRead || kind == OpKind::PlainWrite || kind == OpKind::AtomicLoad ||
           kind == OpKind::AtomicStore || kind == OpKind::AtomicRmw;
}
bool is_write(OpKind kind) {
    return kind == OpKind::PlainWrite || kind == OpKind::AtomicStore || kind == OpKind::AtomicRmw;
}
bool is_acquire(OpKind kind) {
    return kind == OpKind::MutexLock || kind == OpKind::MutexTryLock || kind == OpKind::WriteLock ||
           kind == OpKind::ReadLock;
}
bool is_release(OpKind kind) { return kind == OpKind::MutexUnlock || kind == OpKind::RwUnlock; }

// Data-race preemption points name the 8-byte granule; atomics name their address.
bool same_location(uint64_t object, uint64_t address) {
    return object != 0 && (object & ~uint64_t{7}) == (address & ~uint64_t{7});
}

// Names as sentences quote them: 'mails'.
std::string in_quotes(const std::string& name) { return "'" + name + "'"; }

std::string target_name(const scheduler::Operation& op, const TraceNames& names) {
    if (op.object == 0) return "";
    if (op.object <= scheduler::kMaxThreadObject) return fmt::format("thread {}", op.object - 1);
    return names.object(op.object);
}

// The steps chosen so far, kept in execution order without repeats.
class Selection {
public:
    Selection(const Trace& trace, const TraceNames& names) : trace_(trace), names_(names) {}

    void add(size_t index, std::string note) {
        for (Step& step : steps_)
            if (step.index == index + 1) {
                if (step.note.empty()) step.note = std::move(note);
                return;
            }
        Step step = trace_step(trace_, index, names_);
        step.note = std::move(note);
        steps_.push_back(std::move(step));
    }
    // A thread's unfinished operation at the end of the execution (it never completed).
    void add_pending(uint32_t thread, std::string note) {
        for (const scheduler::PendingOperation& pending : trace_.pending) {
            if (pending.thread != thread) continue;
            Step step;
            step.thread = static_cast<int>(thread);
            step.op = scheduler::op_name(pending.op.kind);
            step.target = target_name(pending.op, names_);
            if (pending.pc) step.location = names_.location(pending.pc);
            step.note = std::move(note);
            pending_.push_back(std::move(step));
            return;
        }
    }
    std::vector<Step> take() {
        std::sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) { return a.index < b.index; });
        for (Step& step : pending_) steps_.push_back(std::move(step));
        return std::move(steps_);
    }

private:
    const Trace& trace_;
    const TraceNames& names_;
    std::vector<Step> steps_;
    std::vector<Step> pending_;
};

int64_t value_of(const TraceStep& step) { return static_cast<int64_t>(step.value.value_or(0)); }

// The first program pc of a record's stack that names a source line.
SourceLocation record_location(const json& record, const TraceNames& names) {
    for (const json& pc : record.value("stack", json::array()))
        if (pc.is_number())
            if (SourceLocation location = names.location(pc.get<uint64_t>()); location.known()) return location;
    return {};
}

// A thread has the location's value N in hand (it read it, or wrote it and reloaded it: a
// load that a store covers is no scheduling point under ThreadSanitizer's instrumentation),
// other threads write the location, then the first thread writes what it computed from N:
// the other threads' writes are lost. `known` is the last step at or before the thread last
// ran that shows the location's value.
struct LostUpdate {
    size_t known = 0, first_other = 0, last_other_write = 0, write = 0;
    size_t other_writes = 0;
};

std::optional<LostUpdate> find_lost_update(const Trace& trace, uint64_t address) {
    const std::vector<TraceStep>& steps = trace.steps;
    std::optional<size_t> known;                   // the last step showing the location's value
    std::map<uint32_t, size_t> last_step;          // each thread's last step so far
    std::map<uint32_t, std::optional<size_t>> known_when_ran;  // `known` at that step
    for (size_t j = 0; j < steps.size(); ++j) {
        const TraceStep& step = steps[j];
        uint32_t thread = step.choice.thread;
        bool access = is_access(step.op.kind) && same_location(step.op.object, address);
        if (access && step.op.kind == OpKind::PlainWrite && step.value && last_step.count(thread) &&
            known_when_ran[thread]) {
            LostUpdate found{*known_when_ran[thread], 0, 0, j, 0};
            for (size_t k = last_step[thread] + 1; k < j; ++k) {
                if (found.first_other == 0) found.first_other = k;
                if (is_write(steps[k].op.kind) && same_location(steps[k].op.object, address) && steps[k].value) {
                    found.last_other_write = k;
                    ++found.other_writes;
                }
            }
            if (found.other_writes > 0) return found;
        }
        if (access && step.value) known = j;
        last_step[thread] = j;
        known_when_ran[thread] = known;
    }
    return std::nullopt;
}

Story race_story(const json& record, const Trace& trace, const TraceNames& names) {
    Story story;
    uint64_t address = number(record, "address");
    std::string variable = in_quotes(names.object(address));
    Selection selection(trace, names);
    if (auto lost = find_lost_update(trace, address)) {
        const TraceStep& known = trace.steps[lost->known];
        const TraceStep& other = trace.steps[lost->last_other_write];
        const TraceStep& write = trace.steps[lost->write];
        uint32_t t = write.choice.thread, u = other.choice.thread;
        int64_t n = value_of(known), m = value_of(other), w = value_of(write);
        selection.add(lost->known, fmt::format("{} is {}", variable, n));
        selection.add(lost->first_other,
                      fmt::format("thread {} has loaded {} = {} and is preempted before it stores; thread {} runs", t,
                                  variable, n, trace.steps[lost->first_other].choice.thread));
        selection.add(lost->last_other_write,
                      fmt::format("{} write{} by other threads since thread {} loaded it; {} is now {}",
                                  lost->other_writes, lost->other_writes == 1 ? "" : "s", t, variable, m));
        selection.add(lost->write, fmt::format("thread {} stores {}, computed from the {} it loaded", t, w, n));
        story.steps = selection.take();
        // The trace names the location's 8-byte granule; the record names the variable.
        for (Step& step : story.steps)
            if (step.index > 0 && is_access(trace.steps[step.index - 1].op.kind)) step.target = names.object(address);
        // Count from the values: for a counter, the increments the stale write undid.
        std::string lost_what;
        if (w == n + 1 && m > n) lost_what = fmt::format("{} increment{} {} lost", m - n, m - n == 1 ? "" : "s", m - n == 1 ? "was" : "were");
        else if (w == n - 1 && m < n) lost_what = fmt::format("{} decrement{} {} lost", n - m, n - m == 1 ? "" : "s", n - m == 1 ? "was" : "were");
        else lost_what = fmt::format("{} write{} of other threads {} lost", lost->other_writes,
                                     lost->other_writes == 1 ? "" : "s", lost->other_writes == 1 ? "was" : "were");
        story.summary = fmt::format("thread {}'s write of {} to {} overwrote thread {}'s {}: {}", t, w, variable, u, m,
                                    lost_what);
        return story;
    }
    // No lost update in this execution: the accesses to the location it shows, last ones first.
    std::vector<size_t> accesses;
    for (size_t i = trace.steps.size(); i-- > 0 && accesses.size() < 4;)
        if (is_access(trace.steps[i].op.kind) && same_location(trace.steps[i].op.object, address))
            accesses.push_back(i);
    for (size_t i : accesses) selection.add(i, "");
    story.steps = selection.take();
    // The trace names the granule, which may hold other variables too: a step is the racing
    // variable's when it is where one of the racing accesses was made.
    std::vector<SourceLocation> racing;
    for (const char* side : {"current", "previous"})
        if (record.contains(side)) racing.push_back(record_location(record[side], names));
    for (Step& step : story.steps)
        for (const SourceLocation& where : racing)
            if (where.known() && where.file == step.location.file && where.line == step.location.line)
                step.target = names.object(address);
    const json& current = record.contains("current") ? record["current"] : json();
    const json& previous = record.contains("previous") ? record["previous"] : json();
    auto access = [&](const json& side) {
        std::string what = side.value("write", false) ? "wrote" : "read";
        if (side.contains("value"))
            return fmt::format("{} {} = {}", what, variable, signed_value(number(side, "value"), number(record, "size")));
        return fmt::format("{} {}", what, variable);
    };
    if (current.is_object() && previous.is_object())
        story.summary = fmt::format("thread {} {} and thread {} {} with nothing ordering the two accesses: "
                                    "which comes first, and so the result, depends on the schedule",
                                    number(previous, "thread"), access(previous), number(current, "thread"),
                                    access(current));
    return story;
}

// Who holds each lock at the end of the trace, and the step where each got it. A condition
// wait's release and retaking of its mutex are steps of their own (unlock, lock).
std::map<uint64_t, std::map<uint32_t, size_t>> held_locks(const Trace& trace) {
    std::map<uint32_t, std::vector<std::pair<uint64_t, size_t>>> stacks;  // per thread, in order
    for (size_t i = 0; i < trace.steps.size(); ++i) {
        const TraceStep& step = trace.steps[i];
        auto& stack = stacks[step.choice.thread];
        if (step.choice.kind == scheduler::Option::Kind::Run && is_acquire(step.op.kind)) {
            stack.push_back({step.op.object, i});
        } else if (is_release(step.op.kind)) {
            for (size_t k = stack.size(); k-- > 0;)
                if (stack[k].first == step.op.object) {
                    stack.erase(stack.begin() + static_cast<std::ptrdiff_t>(k));
                    break;
                }
        }
    }
    std::map<uint64_t, std::map<uint32_t, size_t>> held;
    for (const auto& [thread, stack] : stacks)
        for (const auto& [lock, step] : stack) held[lock][thread] = step;
    return held;
}

// Why thread `id`, waiting on condition variable `object` at the end, was never woken. The
// waiters are replayed as the runtime keeps them: a wait (cond-wait) joins them, a return
// (cond-wake) leaves; a signal wakes the oldest not yet woken, a broadcast all. Either the
// signals after the wait began woke other threads (a signal wakes one waiter), or the last
// signal came before the wait and woke nobody (a lost wakeup), or none is left to come.
std::string condition_wait_story(const Trace& trace, uint64_t object, uint32_t id, Selection& selection) {
    struct Waiter {
        uint32_t thread;
        bool woken;
    };
    std::vector<Waiter> waiters;
    size_t wait_step = SIZE_MAX, last_signal = SIZE_MAX, waking_other = SIZE_MAX;
    bool last_lost = false;  // the last signal woke nobody
    std::vector<uint32_t> woken_instead;
    for (size_t i = 0; i < trace.steps.size(); ++i) {
        const TraceStep& step = trace.steps[i];
        if (step.op.object != object) continue;
        const uint32_t thread = step.choice.thread;
        if (step.op.kind == OpKind::CondWait) {
            waiters.push_back({thread, false});
            if (thread == id) wait_step = i, woken_instead.clear(), waking_other = SIZE_MAX;
        } else if (step.op.kind == OpKind::CondWake) {
            std::erase_if(waiters, [&](const Waiter& waiter) { return waiter.thread == thread; });
        } else if (step.op.kind == OpKind::CondSignal || step.op.kind == OpKind::CondBroadcast) {
            std::vector<uint32_t> woken;
            for (Waiter& waiter : waiters) {
                if (waiter.woken) continue;
                waiter.woken = true;
                woken.push_back(waiter.thread);
                if (step.op.kind == OpKind::CondSignal) break;
            }
            last_signal = i;
            last_lost = woken.empty();
            if (woken.empty()) {
                selection.add(i, "a signal nobody waits for: it is lost");
            } else {
                selection.add(i, fmt::format("wakes thread {}", fmt::join(woken, ", thread ")));
                if (wait_step != SIZE_MAX && i > wait_step) {
                    waking_other = i;
                    woken_instead.insert(woken_instead.end(), woken.begin(), woken.end());
                }
            }
        }
    }
    if (wait_step == SIZE_MAX) return ", which no thread is left to signal";
    selection.add(wait_step, fmt::format("thread {} begins to wait", id));
    if (waking_other != SIZE_MAX)
        return fmt::format(", but the signal of thread {} at step {} woke thread {} instead (a signal wakes "
                           "only one waiter), and no thread is left to signal",
                           trace.steps[waking_other].choice.thread, waking_other + 1,
                           fmt::join(woken_instead, ", thread "));
    if (last_signal != SIZE_MAX && last_signal < wait_step && last_lost)
        return fmt::format(", but thread {} signalled it at step {}, before the wait began at step {}: the "
                           "wakeup was lost",
                           trace.steps[last_signal].choice.thread, last_signal + 1, wait_step + 1);
    return ", which no thread is left to signal";
}

Story no_progress_story(const json& record, const Trace& trace, const TraceNames& names) {
    Story story;
    Selection selection(trace, names);
    auto held = held_locks(trace);
    std::vector<std::string> parts, joins;  // joins: told only when nothing else explains it
    bool livelock = text(record, "kind") == "livelock";
    for (const json& thread : record.value("threads", json::array())) {
        auto id = static_cast<uint32_t>(number(thread, "thread"));
        std::string state = text(thread, "state"), waits = text(thread, "waits_for");
        uint64_t object = number(thread, "object");
        std::vector<std::string> holds;
        for (const auto& [lock, holders] : held)
            if (auto it = holders.find(id); it != holders.end()) {
                holds.push_back(in_quotes(names.object(lock)));
                selection.add(it->second, fmt::format("thread {} takes {}", id, in_quotes(names.object(lock))));
            }
        std::string holding = holds.empty() ? "" : fmt::format("holds {} and ", fmt::join(holds, ", "));
        if (state == "spinning") {
            std::vector<std::string> reads;
            for (const json& read : thread.value("reads", json::array())) {
                uint64_t address = number(read, "address");
                int64_t value = signed_value(number(read, "value"), number(read, "size"));
                reads.push_back(fmt::format("{} (= {})", in_quotes(names.object(address)), value));
                size_t shown = 0;
                for (size_t i = trace.steps.size(); i-- > 0;) {
                    const TraceStep& step = trace.steps[i];
                    if (!is_access(step.op.kind) || !same_location(step.op.object, address)) continue;
                    if (is_write(step.op.kind)) {
                        selection.add(i, fmt::format("the last write to {} before the spin", in_quotes(names.object(address))));
                        break;
                    }
                    if (step.choice.thread == id && shown++ < 2)
                        selection.add(i, fmt::format("thread {} reads {} again", id, in_quotes(names.object(address))));
                }
            }
            selection.add_pending(id, fmt::format("thread {} is parked: it only re-reads what nobody will change", id));
            parts.push_back(fmt::format("thread {} {}spins re-reading {}, which no thread left will ever write",
                                        id, holding, fmt::join(reads, ", ")));
        } else if (waits == "join") {
            selection.add_pending(id, fmt::format("thread {} waits to join thread {}", id, object));
            joins.push_back(fmt::format("thread {} {}waits to join thread {}", id, holding, object));
        } else if (state == "waiting") {
            std::string name = in_quotes(names.object(object));
            std::string wait = fmt::format("thread {} {}waits {} {} {}", id, holding,
                                           waits == "condition variable" || waits == "barrier" || waits == "futex" ? "on" : "for",
                                           waits, name);
            if (thread.contains("holder")) {
                uint64_t holder = number(thread, "holder");
                wait += holder == id ? ", which it holds itself" : fmt::format(", held by thread {}", holder);
            } else if (waits == "condition variable") {
                wait += condition_wait_story(trace, object, id, selection);
            }
            selection.add_pending(id, wait);
            parts.push_back(wait);
        }
    }
    story.steps = selection.take();
    if (parts.empty()) parts = joins;
    if (!parts.empty())
        story.summary = fmt::format("{}: {}", fmt::join(parts, "; "),
                                    livelock ? "no thread makes progress" : "no thread can go on");
    return story;
}

Story misuse_story(const json& record, const Trace& trace, const TraceNames& names) {
    Story story;
    Selection selection(trace, names);
    uint64_t object = number(record, "object");
    auto thread = static_cast<uint32_t>(number(record, "thread"));
    std::string name = in_quotes(names.object(object));
    std::vector<size_t> on_object;
    for (size_t i = 0; i < trace.steps.size(); ++i)
        if (trace.steps[i].op.object == object) on_object.push_back(i);
    size_t first = on_object.size() > 6 ? on_object.size() - 6 : 0;
    for (size_t k = first; k < on_object.size(); ++k) selection.add(on_object[k], "");
    story.steps = selection.take();
    Step misuse;
    misuse.thread = static_cast<int>(thread);
    misuse.op = "misuse";
    misuse.target = names.object(object);
    misuse.location = record_location(record, names);
    misuse.note = replace_all(replace_all(text(record, "message"), "{object}", name), "{other}",
                              std::to_string(number(record, "other")));
    story.steps.push_back(misuse);
    auto held = held_locks(trace);
    if (auto it = held.find(object); it != held.end() && !it->second.empty()) {
        auto [holder, step] = *it->second.begin();
        if (holder != thread)
            story.summary = fmt::format("{} was locked by thread {} at step {} and is still held by it", name,
                                        holder, step + 1);
    } else if (!on_object.empty()) {
        const TraceStep& last = trace.steps[on_object.back()];
        if (is_release(last.op.kind))
            story.summary = fmt::format("{} was already unlocked by thread {} at step {}", name, last.choice.thread,
                                        on_object.back() + 1);
    }
    return story;
}

// Assertion failures, crashes, hangs: the last steps the threads took before it.
Story ending_story(const json& record, const Trace& trace, const TraceNames& names) {
    Story story;
    Selection selection(trace, names);
    auto thread = static_cast<uint32_t>(number(record, "thread"));
    std::vector<size_t> chosen;
    for (size_t i = trace.steps.size(); i-- > 0 && chosen.size() < 8;) {
        OpKind kind = trace.steps[i].op.kind;
        if (kind != OpKind::Yield && kind != OpKind::Start) chosen.push_back(i);
    }
    std::optional<size_t> other;  // the last step of another thread: what may have changed the state
    for (size_t i : chosen) {
        selection.add(i, "");
        if (!other && trace.steps[i].choice.thread != thread) other = i;
    }
    story.steps = selection.take();
    std::string kind = text(record, "kind");
    Step end;
    end.thread = static_cast<int>(thread);
    end.op = kind == "assertion-failure" ? "assert" : kind == "crash" ? "crash" : "running";
    end.location = record_location(record, names);
    end.note = text(record, "message");
    story.steps.push_back(end);
    if (other) {
        const TraceStep& step = trace.steps[*other];
        std::string target = target_name(step.op, names);
        if (step.op.object > scheduler::kMaxThreadObject) target = in_quotes(target);
        story.summary = fmt::format("thread {} {} here after thread {}'s {}{} at step {}", thread,
                                    kind == "assertion-failure" ? "fails its assertion"
                                    : kind == "crash"           ? "crashes"
                                                                : "is still running",
                                    step.choice.thread, scheduler::op_name(step.op.kind),
                                    target.empty() ? "" : " of " + target, *other + 1);
    }
    return story;
}

// A hang: the thread the limit caught was running a loop. Its last steps repeat with some
// period (one turn of the loop, compared by pc, operation and object); the locations a turn
// reads and nobody writes during the loop are what it waits for in vain. A thread with no
// visible step at the end (no synchronization, atomic or racy access) loops on its own state.
struct Loop {
    size_t first = 0, period = 0;  // the loop's first step (a trace index), steps per turn
    std::vector<size_t> turn;      // the last turn's steps
    size_t turns = 0;
};

std::optional<Loop> find_loop(const Trace& trace, uint32_t thread) {
    constexpr size_t kMaxPeriod = 64;
    std::vector<size_t> own;  // the thread's steps, newest first (a told hang's trace is short)
    for (size_t i = trace.steps.size(); i-- > 0;)
        if (trace.steps[i].choice.thread == thread) own.push_back(i);
    auto same = [&](size_t a, size_t b) {
        const TraceStep& x = trace.steps[own[a]];
        const TraceStep& y = trace.steps[own[b]];
        return x.pc == y.pc && x.op.kind == y.op.kind && x.op.object == y.op.object;
    };
    for (size_t period = 1; period <= kMaxPeriod && 2 * period <= own.size(); ++period) {
        size_t length = 0;  // how far back the steps repeat with this period
        while (length + period < own.size() && same(length, length + period)) ++length;
        if (length < period) continue;
        Loop loop;
        loop.period = period;
        loop.first = own[length + period - 1];
        loop.turns = (length + period) / period;
        for (size_t k = period; k-- > 0;) loop.turn.push_back(own[k]);
        return loop;
    }
    return std::nullopt;
}

Story hang_story(const json& record, const Trace& trace, const TraceNames& names) {
    auto thread = static_cast<uint32_t>(number(record, "thread"));
    SourceLocation where = record_location(record, names);
    std::string at = where.known() ? fmt::format(" at {}:{}", where.file, where.line) : "";
    std::optional<Loop> loop = find_loop(trace, thread);
    size_t last_own = SIZE_MAX;
    for (size_t i = trace.steps.size(); i-- > 0;)
        if (trace.steps[i].choice.thread == thread) {
            last_own = i;
            break;
        }
    // A loop with visible steps must reach to the end of the trace to be the one that hangs.
    bool stepless = last_own == SIZE_MAX || trace.steps.size() - last_own > 64 || !loop;
    if (stepless) {
        Story story = ending_story(record, trace, names);
        story.summary = last_own == SIZE_MAX
                            ? fmt::format("thread {} never reached a visible operation (synchronization, an atomic, a "
                                          "racy access): it loops{} on its own state and did not end within the limit",
                                          thread, at)
                            : fmt::format("after its step {} (the {}) thread {} reached no visible operation "
                                          "(synchronization, an atomic, a racy access): it loops{} on its own state "
                                          "and did not end within the limit",
                                          last_own + 1, scheduler::op_name(trace.steps[last_own].op.kind), thread, at);
        return story;
    }
    // The limit may have caught the thread inside the runtime, between two steps: the loop is
    // where its steps are.
    if (SourceLocation step_at = names.location(trace.steps[loop->turn.front()].pc); step_at.known()) {
        where = step_at;
        at = fmt::format(" at {}:{}", where.file, where.line);
    }
    Story story;
    Selection selection(trace, names);
    // What a turn reads, and whether anyone else writes it while the loop runs.
    // A spin the runtime parked reads what it spins on, and a parked thread runs again only
    // once another thread has written what it read: a turn that is a busy-wait was woken by a
    // write, traced or not (plain writes are steps only on locations already found racy).
    std::vector<uint64_t> read, written_by_loop, woken;
    for (size_t i : loop->turn) {
        const TraceStep& step = trace.steps[i];
        if (step.op.kind == OpKind::BusyWait) woken.push_back(step.op.object);
        if (!is_access(step.op.kind) && step.op.kind != OpKind::BusyWait) continue;
        std::vector<uint64_t>& list = is_write(step.op.kind) ? written_by_loop : read;
        if (std::find(list.begin(), list.end(), step.op.object) == list.end()) list.push_back(step.op.object);
    }
    std::vector<std::string> unchanged, changing;
    for (uint64_t object : read) {
        if (std::find(written_by_loop.begin(), written_by_loop.end(), object) != written_by_loop.end()) continue;
        std::string name = in_quotes(names.object(object));
        std::optional<size_t> other_write, before;
        for (size_t i = 0; i < trace.steps.size(); ++i) {
            const TraceStep& step = trace.steps[i];
            if (!is_write(step.op.kind) || !same_location(step.op.object, object)) continue;
            if (i < loop->first) before = i;
            else if (step.choice.thread != thread) other_write = i;
        }
        if (before) selection.add(*before, fmt::format("the last write to {} before the loop", name));
        if (other_write) {
            selection.add(*other_write, fmt::format("thread {} writes {} while the loop runs",
                                                    trace.steps[*other_write].choice.thread, name));
            changing.push_back(name);
        } else if (std::find(woken.begin(), woken.end(), object) != woken.end()) {
            changing.push_back(name);
        } else {
            std::optional<uint64_t> value;
            for (size_t i : loop->turn)
                if (same_location(trace.steps[i].op.object, object) && trace.steps[i].value) value = trace.steps[i].value;
            unchanged.push_back(value ? fmt::format("{} (= {})", name, static_cast<int64_t>(*value)) : name);
        }
    }
    selection.add(loop->first, fmt::format("thread {}'s loop begins: the same {} step{}, {} times over", thread,
                                           loop->period, loop->period == 1 ? "" : "s", loop->turns));
    for (size_t i : loop->turn) selection.add(i, "");
    selection.add(loop->turn.front(), "the last turn the trace shows");
    story.steps = selection.take();
    Step end;
    end.thread = static_cast<int>(thread);
    end.op = "running";
    end.location = where;
    end.note = text(record, "message");
    story.steps.push_back(end);
    std::string loops = fmt::format("thread {} loops{} from step {} on", thread, at, loop->first + 1);
    if (!unchanged.empty())
        story.summary = fmt::format("{}, re-reading {}, which no other thread writes while it loops: the loop "
                                    "waits for a change nobody will make",
                                    loops, fmt::join(unchanged, ", "));
    else if (!changing.empty())
        story.summary = fmt::format("{}; other threads still change {}: the execution was making progress "
                                    "when the limit ran out (a longer --time-limit may let it end)",
                                    loops, fmt::join(changing, ", "));
    else
        story.summary = fmt::format("{}, its turns reading nothing another thread writes: it did not end "
                                    "within the limit",
                                    loops);
    return story;
}

}  // namespace

Step trace_step(const Trace& trace, size_t index, const TraceNames& names) {
    const TraceStep& traced = trace.steps[index];
    Step step;
    step.thread = static_cast<int>(traced.choice.thread);
    step.op = scheduler::op_name(traced.op.kind);
    if (traced.choice.kind == scheduler::Option::Kind::Timeout) step.op += " (timeout)";
    if (traced.choice.kind == scheduler::Option::Kind::SpuriousWakeup) step.op += " (spurious)";
    step.target = target_name(traced.op, names);
    if (traced.value) step.value = static_cast<int64_t>(*traced.value);
    if (traced.pc) step.location = names.location(traced.pc);
    step.index = index + 1;
    return step;
}

Story tell_story(const json& record, const Trace& trace, const TraceNames& names) {
    std::string kind = text(record, "kind");
    if (kind == "data-race") return race_story(record, trace, names);
    if (kind == "deadlock" || kind == "livelock") return no_progress_story(record, trace, names);
    if (kind == "lock-misuse") return misuse_story(record, trace, names);
    if (kind == "nontermination") return hang_story(record, trace, names);
    if (kind == "assertion-failure" || kind == "crash") return ending_story(record, trace, names);
    return {};
}

}  // namespace baton::report
