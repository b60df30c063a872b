// A thread's shadow call stack, maintained by __tsan_func_entry/__tsan_func_exit, and its
// interned form for access histories.
//
// Each entry is the return address into the caller (the call site), innermost last. The
// interned id (StackDepot) is computed lazily: only when an access is recorded, and only for
// the frames pushed since the last time, so loops inside one function pay nothing.
#pragma once

#include <cstdint>
#include <vector>

namespace baton::rt {

class CallStack {
public:
    void push(uintptr_t return_address) {
        if (depth_ < frames_.size())
            frames_[depth_] = return_address;
        else
            frames_.push_back(return_address);
        ++depth_;
    }

    void pop() {
        if (depth_ == 0) return;  // unbalanced exit (longjmp, exceptions): tolerate
        --depth_;
        if (valid_depth > depth_) valid_depth = depth_;
    }

    uint32_t depth() const { return depth_; }
    uintptr_t frame(uint32_t i) const { return frames_[i]; }  // 0 = outermost

    // Forget frames above `depth` (longjmp, thread exit).
    void truncate(uint32_t depth) {
        if (depth < depth_) depth_ = depth;
        if (valid_depth > depth_) valid_depth = depth_;
    }

    // Interning state, owned by StackDepot: `node` is the depot node of the path of
    // `node_depth` frames whose first `valid_depth` frames still match this stack.
    uint32_t node = 0;
    uint32_t node_depth = 0;
    uint32_t valid_depth = 0;

private:
    std::vector<uintptr_t> frames_;
    uint32_t depth_ = 0;
};

}  // namespace baton::rt
