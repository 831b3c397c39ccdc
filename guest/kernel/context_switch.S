/*
 * Switching stacks between cooperative threads (kernel/scheduler.cpp).
 * A switched-out thread's stack holds what the SysV ABI says a called
 * function must preserve: rbx, rbp, r12-r15, the MXCSR and the x87 control
 * word, below the address to return to; its saved %rsp points at them.
 * Every other register the caller of nabla_context_switch has given up.
 *
 *   sp + 0   MXCSR (4 bytes), x87 control word (2)
 *   sp + 8   r15, r14, r13, r12, rbx, rbp
 *   sp + 56  return address
 */
    .text

/* void nabla_context_switch(uintptr_t *save_sp, uintptr_t next_sp) */
    .globl nabla_context_switch
    .type nabla_context_switch, @function
nabla_context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size nabla_context_switch, . - nabla_context_switch

/*
 * uintptr_t nabla_context_init(uintptr_t stack_top, void *entry, void *a, void *b)
 * Lays a switched-out frame below stack_top (rounded down to 16) whose
 * first switch "returns" into nabla_thread_entry with entry, a and b in
 * r12, r13 and r14. The MXCSR and control word are the caller's, as a
 * clone child inherits them. Returns the saved stack pointer.
 */
    .globl nabla_context_init
    .type nabla_context_init, @function
nabla_context_init:
    and $-16, %rdi
    lea nabla_thread_entry(%rip), %rax
    mov %rax, -8(%rdi)     /* return address */
    movq $0, -16(%rdi)     /* rbp */
    movq $0, -24(%rdi)     /* rbx */
    mov %rsi, -32(%rdi)    /* r12: entry */
    mov %rdx, -40(%rdi)    /* r13: a */
    mov %rcx, -48(%rdi)    /* r14: b */
    movq $0, -56(%rdi)     /* r15 */
    stmxcsr -64(%rdi)
    fnstcw -60(%rdi)
    lea -64(%rdi), %rax
    ret
    .size nabla_context_init, . - nabla_context_init

/* A new thread's first instruction; %rsp is stack_top, 16-byte aligned. */
    .type nabla_thread_entry, @function
nabla_thread_entry:
    xor %ebp, %ebp         /* the end of the frame chain */
    mov %r12, %rdi
    mov %r13, %rsi
    mov %r14, %rdx
    call nabla_kernel_thread_start
    ud2
    .size nabla_thread_entry, . - nabla_thread_entry

    .section .note.GNU-stack, "", @progbits
