/* Guest entry: the tender jumps here with %rdi = struct nabla_boot_info *
 * and %rsp at the top of the guest stack. */
    .text
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp
    and $-16, %rsp
    call nabla_platform_start
    ud2
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
