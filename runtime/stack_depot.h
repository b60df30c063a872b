// Interned call stacks. A stack is a path in a trie of call sites; its id is the trie node.
// Access histories store a 32-bit id instead of a copy of the stack. Nodes are created only
// for stacks at which a shared access is recorded (CallStack interns lazily).
//
// Bounded: past kMaxNodes, new stacks are cut at the deepest known prefix, so a deeply
// recursive program degrades reports (shorter stacks), never memory.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/call_stack.h"

namespace baton::rt {

class StackDepot {
public:
    static constexpr uint32_t kEmpty = 0;
    static constexpr uint32_t kMaxNodes = 1u << 22;

    StackDepot();

    uint32_t intern(CallStack& stack);

    // The call sites of stack `id`, innermost first.
    void frames(uint32_t id, std::vector<uintptr_t>& out) const;

    void clear();

private:
    struct Node {
        uint32_t parent;
        uint32_t depth;
        uintptr_t pc;
    };

    uint32_t child(uint32_t parent, uintptr_t pc);
    void grow_table();

    std::vector<Node> nodes_;
    std::vector<uint32_t> table_;  // open addressing over (parent, pc); 0 = empty slot
};

}  // namespace baton::rt
