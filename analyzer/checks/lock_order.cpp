#include "analyzer/checks/lock_order.h"

#include <map>
#include <set>

#include "analyzer/lock_key.h"

namespace baton::analyzer {

namespace {

// "`to` was locked while `from` was held": where each was taken, and the call that led there.
struct Edge {
    std::string from, to;
    SourceLocation first, second;
    const Function* function = nullptr;  // where the edge arises (for the thread model)
    unsigned offset = 0;
    std::string via;                     // the callee that locks `to`, when not `function`
    SourceLocation call;
};

using Graph = std::map<std::pair<std::string, std::string>, Edge>;

class LockGraph {
public:
    LockGraph(const Program& program, const ThreadModel& threads)
        : program_(program), threads_(threads) {
        for (const auto& [usr, function] : program.functions)
            if (!threads.contexts_of(usr).empty()) add_edges(function);
    }

    const Graph& edges() const { return edges_; }

private:
    void add(Edge edge) {
        if (edge.from == edge.to || is_parameter_key(edge.from) || is_parameter_key(edge.to)) return;
        edges_.try_emplace({edge.from, edge.to}, std::move(edge));
    }

    void add_edges(const Function& function) {
        for (const Acquire& acquire : function.acquires) {
            std::string lock = threads_.resolve(function.usr, acquire.lock);
            for (const auto& [held, where] : threads_.effective(function.usr, acquire.held))
                add({held, lock, where, acquire.where, &function, acquire.offset, {}, {}});
        }
        for (const Call& call : function.calls) {
            auto callee = program_.functions.find(call.callee);
            if (callee == program_.functions.end()) continue;
            Lockset held = threads_.effective(function.usr, call.held);
            if (held.empty()) continue;
            for (const auto& [lock, where] : acquired_within(callee->second))
                for (const auto& [outer, outer_where] : held)
                    add({outer, lock, outer_where, where, &function, call.offset,
                         callee->second.name, call.where});
        }
    }

    // Every lock `function` or its callees take, resolved, with one place it is taken.
    const Lockset& acquired_within(const Function& function) {
        auto [slot, fresh] = within_.try_emplace(function.usr);
        if (!fresh) return slot->second;  // done, or in progress (still empty): cuts recursion
        Lockset found;
        for (const Acquire& acquire : function.acquires)
            found.emplace(threads_.resolve(function.usr, acquire.lock), acquire.where);
        for (const Call& call : function.calls)
            if (auto callee = program_.functions.find(call.callee); callee != program_.functions.end())
                for (const auto& entry : acquired_within(callee->second)) found.insert(entry);
        slot->second = std::move(found);
        return slot->second;
    }

    const Program& program_;
    const ThreadModel& threads_;
    Graph edges_;
    std::map<std::string, Lockset> within_;
};

void add_edge_notes(const Edge& edge, const Program& program, report::Finding& finding) {
    std::string from = program.lock_name(edge.from);
    std::string to = program.lock_name(edge.to);
    finding.notes.push_back({"'" + from + "' is locked here", edge.first});
    if (!edge.via.empty())
        finding.notes.push_back({"'" + edge.via + "' is called here with '" + from + "' held", edge.call});
    finding.notes.push_back({"then '" + to + "' is locked here, with '" + from + "' held", edge.second});
}

// Cycles of two to four locks, each found once (starting from its smallest lock).
void find_cycles(const Graph& graph, const std::string& start, std::vector<const Edge*>& path,
                 std::vector<std::vector<const Edge*>>& cycles) {
    const std::string& at = path.empty() ? start : path.back()->to;
    for (auto it = graph.lower_bound({at, ""}); it != graph.end() && it->first.first == at; ++it) {
        const Edge& edge = it->second;
        if (edge.to == start) {
            path.push_back(&edge);
            cycles.push_back(path);
            path.pop_back();
            continue;
        }
        bool seen = edge.to < start;
        for (const Edge* step : path) seen |= step->from == edge.to;
        if (seen || path.size() >= 3) continue;
        path.push_back(&edge);
        find_cycles(graph, start, path, cycles);
        path.pop_back();
    }
}

}  // namespace

void LockOrderCheck::run(const Program& program, const ThreadModel& threads,
                         std::vector<report::Finding>& findings) const {
    LockGraph graph(program, threads);
    std::set<std::string> starts;
    for (const auto& [ends, edge] : graph.edges()) starts.insert(ends.first);
    for (const std::string& start : starts) {
        std::vector<const Edge*> path;
        std::vector<std::vector<const Edge*>> cycles;
        find_cycles(graph.edges(), start, path, cycles);
        for (const auto& cycle : cycles) {
            // Deadlock needs two of the orders to be taken at the same time.
            std::optional<std::pair<int, int>> together;
            for (std::size_t i = 0; i < cycle.size() && !together; ++i)
                for (std::size_t j = i + 1; j < cycle.size() && !together; ++j)
                    together = threads.parallel({cycle[i]->function->usr, cycle[i]->offset},
                                                {cycle[j]->function->usr, cycle[j]->offset});
            if (!together) continue;
            std::string order;
            for (const Edge* edge : cycle) order += "'" + program.lock_name(edge->from) + "' -> ";
            order += "'" + program.lock_name(start) + "'";
            report::Finding finding;
            finding.kind = id();
            // Where the first order is taken in the thread's own code: the acquisition, or the
            // call that leads to it.
            const Edge& first = *cycle.front();
            finding.location = first.via.empty() ? first.second : first.call;
            finding.message = "lock order inversion: " + order +
                              " are taken in a cycle by threads that can run together, so each "
                              "can hold one lock and wait forever for the next; take them in one "
                              "global order";
            for (const Edge* edge : cycle) add_edge_notes(*edge, program, finding);
            add_thread_notes(threads, *together, finding);
            findings.push_back(std::move(finding));
        }
    }
}

}  // namespace baton::analyzer
