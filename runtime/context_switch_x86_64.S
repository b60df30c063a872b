// User-level context switch for x86-64 (System V ABI).
//
// void baton_context_switch(void** save_sp, void* load_sp)
//   Saves the callee-saved registers, MXCSR and the x87 control word on the current stack,
//   stores the stack pointer in *save_sp, loads load_sp and restores the same set from it.
//   Caller-saved registers need no saving: the C++ caller already assumes they are clobbered.
//   No system call: a round trip is a few dozen instructions.
//
// void baton_context_entry(void)
//   First code a new context runs (via `ret` from baton_context_switch): calls the function in
//   %rbx with the argument in %r12. That function never returns (it switches away for good).
        .text
        .globl  baton_context_switch
        .type   baton_context_switch, @function
        .p2align 4
baton_context_switch:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .cfi_endproc
        .size   baton_context_switch, .-baton_context_switch

        .globl  baton_context_entry
        .type   baton_context_entry, @function
        .p2align 4
baton_context_entry:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r12, %rdi
        callq   *%rbx
        ud2
        .cfi_endproc
        .size   baton_context_entry, .-baton_context_entry

        .section .note.GNU-stack,"",@progbits
