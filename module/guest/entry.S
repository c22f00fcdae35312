/* Multiboot v1 entry and interrupt stubs for the lab guest. Everything else is in guest.c. */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, ask for the memory map (mem_upper) */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
stack_bottom:
    .skip 16384
stack_top:

    .section .text
    .global _start
_start:
    cli
    mov $stack_top, %esp
    push %ebx               /* multiboot info pointer */
    push %eax               /* multiboot magic */
    call guest_main
1:  cli
    hlt
    jmp 1b

/* Reload segment registers after lgdt: code selector 0x08, data 0x10. */
    .global load_segments
load_segments:
    ljmp $0x08, $2f
2:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    ret

/* IRQ0: the C handler counts ticks; EOI is sent here so the handler stays trivial. */
    .global isr_timer
isr_timer:
    pusha
    cld
    call on_timer_tick
    mov $0x20, %al
    outb %al, $0x20
    popa
    iret

/* Any other PIC line: acknowledge both PICs and return (spurious or unexpected). */
    .global isr_other_irq
isr_other_irq:
    push %eax
    mov $0x20, %al
    outb %al, $0xA0
    outb %al, $0x20
    pop %eax
    iret

/* CPU exceptions are bugs in this guest: report on serial and stop, so the fault is visible. */
    .global isr_exception
isr_exception:
    cld
    push %esp               /* the frame: [error code,] eip, cs, eflags */
    call on_exception
3:  cli
    hlt
    jmp 3b

    .section .note.GNU-stack, "", @progbits
