#include "runtime/stack_depot.h"

#include <cstddef>

namespace baton::rt {
using std::size_t;
namespace {

uint64_t hash_edge(uint32_t parent, uintptr_t pc) {
    uint64_t h = (static_cast<uint64_t>(parent) << 32) ^ pc;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

}  // namespace

StackDepot::StackDepot() { clear(); }

void StackDepot::clear() {
    nodes_.clear();
    nodes_.push_back({0, 0, 0});  // the empty stack
    table_.assign(1024, 0);
}

void StackDepot::grow_table() {
    std::vector<uint32_t> old = std::move(table_);
    table_.assign(old.size() * 2, 0);
    size_t mask = table_.size() - 1;
    for (uint32_t id : old) {
        if (id == 0) continue;
        size_t i = hash_edge(nodes_[id].parent, nodes_[id].pc) & mask;
        while (table_[i] != 0) i = (i + 1) & mask;
        table_[i] = id;
    }
}

uint32_t StackDepot::child(uint32_t parent, uintptr_t pc) {
    size_t mask = table_.size() - 1;
    size_t i = hash_edge(parent, pc) & mask;
    for (; table_[i] != 0; i = (i + 1) & mask) {
        const Node& node = nodes_[table_[i]];
        if (node.parent == parent && node.pc == pc) return table_[i];
    }
    if (nodes_.size() >= kMaxNodes) return parent;  // full: cut the stack here
    uint32_t id = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back({parent, nodes_[parent].depth + 1, pc});
    table_[i] = id;
    if (nodes_.size() * 2 > table_.size()) grow_table();
    return id;
}

uint32_t StackDepot::intern(CallStack& stack) {
    uint32_t depth = stack.depth();
    if (stack.valid_depth == depth && stack.node_depth == depth) return stack.node;
    uint32_t valid = stack.valid_depth < stack.node_depth ? stack.valid_depth : stack.node_depth;
    while (nodes_[stack.node].depth > valid) stack.node = nodes_[stack.node].parent;
    uint32_t d = nodes_[stack.node].depth;
    while (d < depth) {
        uint32_t next = child(stack.node, stack.frame(d));
        if (next == stack.node) break;  // depot full: keep the prefix
        stack.node = next;
        ++d;
    }
    stack.node_depth = stack.valid_depth = d;
    return stack.node;
}

void StackDepot::frames(uint32_t id, std::vector<uintptr_t>& out) const {
    for (; id != kEmpty && id < nodes_.size(); id = nodes_[id].parent) out.push_back(nodes_[id].pc);
}

}  // namespace baton::rt
