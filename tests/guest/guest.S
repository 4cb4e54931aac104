/* A multiboot guest whose vCPUs each burn a chosen share of CPU time: `loads=60,0,30`. */

/*
 * Boot: a multiboot loader (QEMU's -kernel, libvirt's <kernel>) enters _start in 32-bit
 * protected mode on the boot vCPU. The kernel command line gives one load (0..100 %) per
 * vCPU, in APIC-ID order, which is libvirt's vCPU order; the number of entries is the number
 * of vCPUs. The boot vCPU starts the others with INIT-SIPI-SIPI and re-sends to each one that
 * has not checked in, because a vCPU thread on a saturated host CPU can miss the start signal.
 *
 * Duty cycle: the LAPIC timer ticks every TICK_COUNT APIC clocks (10 ms at the 1 GHz APIC
 * clock of KVM and QEMU). On each tick a vCPU busy-waits until it has received load % of a
 * tick in CPU time, then halts until the next tick. CPU time is counted from the TSC, but a
 * TSC step longer than the gap threshold (~40 us) means the host descheduled the vCPU, and is
 * not counted: otherwise two 40 % guests sharing one host CPU would consume less than 80 %.
 *
 * No `iret` anywhere (a 32-bit iret crashes guests under some nested KVMs): interrupts are
 * only enabled inside `sti; hlt`, so a handler knows where it came from, drops its frame by
 * resetting the stack and jumps on. No `pause` either (it traps slowly there).
 *
 * Serial port COM1 reports progress: "vst: up cpus=N ..." once every vCPU has checked in.
 */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0
#define MB_INFO_CMDLINE (1 << 2)

#define LAPIC 0xFEE00000
#define LAPIC_ID (LAPIC + 0x020)
#define LAPIC_TPR (LAPIC + 0x080)
#define LAPIC_EOI (LAPIC + 0x0B0)
#define LAPIC_SVR (LAPIC + 0x0F0)
#define LAPIC_ICR_LO (LAPIC + 0x300)
#define LAPIC_ICR_HI (LAPIC + 0x310)
#define LAPIC_LVT_TIMER (LAPIC + 0x320)
#define LAPIC_TIMER_INIT (LAPIC + 0x380)
#define LAPIC_TIMER_CUR (LAPIC + 0x390)
#define LAPIC_TIMER_DIV (LAPIC + 0x3E0)

#define ICR_INIT 0x00004500    /* INIT, level assert */
#define ICR_STARTUP 0x00004600 /* start-up IPI, vector in the low byte */
#define ICR_BUSY (1 << 12)

#define TIMER_VECTOR 0x40
#define SPURIOUS_VECTOR 0xFF
#define TIMER_PERIODIC (1 << 17)
#define TIMER_MASKED (1 << 16)
#define TICK_COUNT 10000000    /* APIC clocks per tick, divider 1 */
#define GAP_DIVISOR 250        /* gap threshold = tick / 250 = 40 us at a 10 ms tick */
#define CALIBRATION_ROUNDS 5

#define MAX_CPUS 16
#define STACK_SIZE 4096
#define TRAMPOLINE 0x8000      /* real-mode entry of secondary vCPUs; SIPI vector 0x08 */

#define COM1 0x3F8

#define CODE_SEL 0x08
#define DATA_SEL 0x10

/* Address of a trampoline symbol once the trampoline is copied to TRAMPOLINE. */
#define TRAMP(sym) (TRAMPOLINE + (sym - trampoline_start))

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .text
    .code32
    .globl _start
_start:
    cli
    cld
    mov %ebx, %esi                  /* multiboot info, kept across the bss wipe */
    lgdt gdt_ptr
    ljmp $CODE_SEL, $1f
1:  mov $DATA_SEL, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    /* A loader may or may not zero .bss; do not rely on it. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov $(stacks + STACK_SIZE), %esp
    mov %esi, mb_info

    call serial_init
    call quiet_legacy_timers
    call parse_cmdline
    call build_idt
    call calibrate
    call start_secondaries

    mov $msg_up, %esi
    call puts
    mov ncpus, %eax
    call putu
    mov $msg_tsc, %esi
    call puts
    mov tsc_per_tick, %eax
    call putu
    mov $msg_loads, %esi
    call puts
    xor %ebx, %ebx
2:  movzbl loads(%ebx), %eax
    call putu
    inc %ebx
    cmp ncpus, %ebx
    jae 3f
    mov $',', %al
    call putc
    jmp 2b
3:  mov $'\n', %al
    call putc
    jmp cpu_main

/* ---- every vCPU -------------------------------------------------------------------- */

/* Entered with a flat data segment and this vCPU's own stack. */
cpu_main:
    lidt idt_ptr
    movl $(0x100 | SPURIOUS_VECTOR), LAPIC_SVR   /* software-enable the LAPIC */
    movl $0, LAPIC_TPR
    call cpu_index
    movzbl loads(%eax), %ecx
    test %ecx, %ecx
    jz idle_forever
    cmp $100, %ecx
    jae busy_forever
    /* budget = tsc_per_tick * load / 100 */
    mov %eax, %ebx
    mov tsc_per_tick, %eax
    mul %ecx
    mov $100, %ecx
    div %ecx
    mov %eax, budgets(,%ebx,4)
    movl $0xB, LAPIC_TIMER_DIV                   /* divide by 1 */
    movl $(TIMER_VECTOR | TIMER_PERIODIC), LAPIC_LVT_TIMER
    movl $TICK_COUNT, LAPIC_TIMER_INIT
    jmp idle

idle_forever:
    cli
    hlt
    jmp idle_forever

busy_forever:
    jmp busy_forever

/* One tick: burn this vCPU's budget of received CPU time, then halt. Interrupts are off. */
tick:
    call cpu_index
    mov budgets(,%eax,4), %edi      /* budget */
    xor %ebp, %ebp                  /* CPU time received so far */
    rdtsc
    mov %eax, %ebx                  /* ecx:ebx = previous TSC */
    mov %edx, %ecx
1:  rdtsc
    mov %eax, %esi
    push %edx
    sub %ebx, %eax                  /* edx:eax = step */
    sbb %ecx, %edx
    pop %ecx
    mov %esi, %ebx
    test %edx, %edx
    jnz 1b                          /* huge step (or TSC went back): descheduled */
    cmp gap_tsc, %eax
    ja 1b                           /* descheduled: not CPU time we got */
    add %eax, %ebp
    cmp %edi, %ebp
    jb 1b
    /* fall through */

/* The only place interrupts are enabled; handlers discard their frame and jump on. */
idle:
    sti
    hlt
    cli
    jmp idle

/* eax = this vCPU's index (its APIC ID); halts for good if the ID is out of range. */
cpu_index:
    mov LAPIC_ID, %eax
    shr $24, %eax
    cmp $MAX_CPUS, %eax
    jae idle_forever
    ret

/* Point esp at the top of this vCPU's stack without using it (clobbers eax, ecx). */
.macro reset_stack
    mov LAPIC_ID, %eax
    shr $24, %eax
    cmp $MAX_CPUS, %eax
    jae idle_forever
    lea 1(%eax), %ecx
    shl $12, %ecx
    add $stacks, %ecx
    mov %ecx, %esp
.endm

timer_isr:
    movl $0, LAPIC_EOI
    reset_stack
    jmp tick

other_isr:
    movl $0, LAPIC_EOI
    reset_stack
    jmp idle

spurious_isr:
    reset_stack
    jmp idle

exception_isr:
    reset_stack
    mov $msg_exception, %esi
    call puts
    jmp idle_forever

/* ---- secondary vCPUs --------------------------------------------------------------- */

/* Copied to TRAMPOLINE; a secondary vCPU starts here in real mode at 0x0800:0000. */
    .code16
trampoline_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TRAMP(trampoline_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $CODE_SEL, $secondary_entry
trampoline_gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
trampoline_end:
    .code32

secondary_entry:
    mov $DATA_SEL, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    reset_stack
    call cpu_index
    movb $1, checked_in(%eax)
    jmp cpu_main

/* Start vCPUs 1..ncpus-1; re-send INIT-SIPI-SIPI to each one not yet checked in. */
start_secondaries:
    mov $trampoline_start, %esi
    mov $TRAMPOLINE, %edi
    mov $(trampoline_end - trampoline_start), %ecx
    rep movsb
    movl $5, wait_ticks             /* first wait 50 ms, then doubling up to 1.28 s */
1:  mov $1, %ebx
2:  cmp ncpus, %ebx
    jae 4f
    cmpb $0, checked_in(%ebx)
    jne 3f
    mov %ebx, %eax
    mov $ICR_INIT, %edx
    call send_ipi
    mov $1, %eax                    /* 10 ms */
    call delay_ticks
    mov %ebx, %eax
    mov $(ICR_STARTUP | (TRAMPOLINE >> 12)), %edx
    call send_ipi
    mov $50, %eax                   /* 200 us */
    call delay_tick_div
    mov %ebx, %eax
    mov $(ICR_STARTUP | (TRAMPOLINE >> 12)), %edx
    call send_ipi
3:  inc %ebx
    jmp 2b
4:  /* wait for check-ins, up to wait_ticks */
    mov wait_ticks, %eax
    call all_checked_in_within
    test %eax, %eax
    jnz 5f
    incl start_rounds
    mov $msg_resend, %esi
    call puts
    mov wait_ticks, %eax
    cmp $128, %eax
    jae 1b
    shl $1, %eax
    mov %eax, wait_ticks
    jmp 1b
5:  ret

/* eax = APIC ID, edx = ICR low word. */
send_ipi:
1:  testl $ICR_BUSY, LAPIC_ICR_LO
    jnz 1b
    shl $24, %eax
    mov %eax, LAPIC_ICR_HI
    mov %edx, LAPIC_ICR_LO
2:  testl $ICR_BUSY, LAPIC_ICR_LO
    jnz 2b
    ret

/* eax = 1 when every vCPU has checked in within eax ticks, else 0. */
all_checked_in_within:
    push %ebx
    push %esi
    push %edi
    mull tsc_per_tick
    mov %eax, %esi                  /* edi:esi = deadline span */
    mov %edx, %edi
    rdtsc
    add %eax, %esi
    adc %edx, %edi
1:  mov $1, %ebx
2:  cmp ncpus, %ebx
    jae 3f
    cmpb $0, checked_in(%ebx)
    je 4f
    inc %ebx
    jmp 2b
3:  mov $1, %eax
    jmp 6f
4:  rdtsc
    cmp %edi, %edx
    jb 1b
    ja 5f
    cmp %esi, %eax
    jb 1b
5:  xor %eax, %eax
6:  pop %edi
    pop %esi
    pop %ebx
    ret

/* Busy-wait eax ticks. */
delay_ticks:
    mull tsc_per_tick
    jmp delay_tsc

/* Busy-wait 1/eax of a tick. */
delay_tick_div:
    mov %eax, %ecx
    mov tsc_per_tick, %eax
    xor %edx, %edx
    div %ecx
    xor %edx, %edx
    /* fall through */

/* Busy-wait edx:eax TSC cycles. */
delay_tsc:
    push %esi
    push %edi
    mov %eax, %esi
    mov %edx, %edi
    rdtsc
    add %eax, %esi
    adc %edx, %edi
1:  rdtsc
    cmp %edi, %edx
    jb 1b
    ja 2f
    cmp %esi, %eax
    jb 1b
2:  pop %edi
    pop %esi
    ret

/* ---- boot vCPU set-up --------------------------------------------------------------- */

/* Mask the 8259 PICs and leave the PIT in one-shot mode so it stops interrupting QEMU. */
quiet_legacy_timers:
    mov $0xFF, %al
    out %al, $0x21
    out %al, $0xA1
    mov $0x30, %al                  /* channel 0, lo/hi byte, mode 0 (one-shot) */
    out %al, $0x43
    xor %al, %al
    out %al, $0x40
    out %al, $0x40
    ret

/* Measure TSC cycles per tick against the LAPIC timer; keep the smallest of several rounds
 * because a deschedule between the paired reads can only make a round read long. */
calibrate:
    push %ebx
    push %esi
    push %edi
    push %ebp
    movl $0xB, LAPIC_TIMER_DIV
    movl $(TIMER_VECTOR | TIMER_MASKED), LAPIC_LVT_TIMER
    movl $0xFFFFFFFF, tsc_per_tick
    movl $CALIBRATION_ROUNDS, rounds
1:  movl $0xFFFFFFFF, LAPIC_TIMER_INIT
    rdtsc
    mov %eax, %esi                  /* edi:esi = start TSC */
    mov %edx, %edi
    mov LAPIC_TIMER_CUR, %ebx       /* start count */
2:  mov LAPIC_TIMER_CUR, %ebp
    mov %ebx, %eax
    sub %ebp, %eax
    cmp $TICK_COUNT, %eax
    jb 2b
    rdtsc
    sub %esi, %eax
    sbb %edi, %edx
    test %edx, %edx
    jnz 3f                          /* absurdly long round: ignore it */
    /* cycles per tick = tsc * TICK_COUNT / counts */
    mov %ebx, %ecx
    sub %ebp, %ecx
    mov $TICK_COUNT, %edx
    mul %edx
    cmp %ecx, %edx
    jae 3f                          /* quotient would overflow */
    div %ecx
    cmp tsc_per_tick, %eax
    jae 3f
    mov %eax, tsc_per_tick
3:  decl rounds
    jnz 1b
    movl $0, LAPIC_TIMER_INIT
    mov tsc_per_tick, %eax
    xor %edx, %edx
    mov $GAP_DIVISOR, %ecx
    div %ecx
    mov %eax, gap_tsc
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

/* Every vector gets a gate: exceptions report and stop, the timer ticks, the rest resume. */
build_idt:
    xor %ecx, %ecx
1:  mov $exception_isr, %eax
    cmp $32, %ecx
    jb 2f
    mov $other_isr, %eax
    cmp $TIMER_VECTOR, %ecx
    jne 3f
    mov $timer_isr, %eax
3:  cmp $SPURIOUS_VECTOR, %ecx
    jne 2f
    mov $spurious_isr, %eax
2:  mov %eax, %edx
    and $0xFFFF, %eax
    or $(CODE_SEL << 16), %eax
    and $0xFFFF0000, %edx
    or $0x8E00, %edx                /* present, ring 0, 32-bit interrupt gate */
    mov %eax, idt(,%ecx,8)
    mov %edx, idt+4(,%ecx,8)
    inc %ecx
    cmp $256, %ecx
    jb 1b
    ret

/* Read `loads=a,b,c` from the multiboot command line into loads[] and ncpus. Without it the
 * guest is one idle vCPU. */
parse_cmdline:
    movl $1, ncpus
    mov mb_info, %ebx
    testl $MB_INFO_CMDLINE, (%ebx)
    jz 9f
    mov 16(%ebx), %esi
    /* find "loads=" at the start or after a space */
    mov $' ', %dl                   /* previous character */
1:  cmpb $0, (%esi)
    je 9f
    cmp $' ', %dl
    jne 2f
    cmpl $0x64616f6c, (%esi)        /* "load" */
    jne 2f
    cmpw $0x3d73, 4(%esi)           /* "s=" */
    je 3f
2:  mov (%esi), %dl
    inc %esi
    jmp 1b
3:  add $6, %esi
    xor %ebx, %ebx                  /* vCPU index */
4:  xor %eax, %eax                  /* value */
5:  movzbl (%esi), %ecx
    sub $'0', %ecx
    cmp $9, %ecx
    ja 6f
    imul $10, %eax
    add %ecx, %eax
    inc %esi
    cmp $100, %eax
    jbe 5b
    mov $100, %eax
    jmp 5b
6:  cmp $MAX_CPUS, %ebx
    jae 7f
    mov %al, loads(%ebx)
    inc %ebx
7:  cmpb $',', (%esi)
    jne 8f
    inc %esi
    jmp 4b
8:  mov %ebx, ncpus
9:  ret

/* ---- serial output (boot vCPU only, plus fatal reports) ---------------------------- */

serial_init:
    mov $(COM1 + 1), %dx
    xor %al, %al
    out %al, %dx                    /* no interrupts */
    mov $(COM1 + 3), %dx
    mov $0x80, %al
    out %al, %dx                    /* DLAB */
    mov $(COM1 + 0), %dx
    mov $1, %al
    out %al, %dx                    /* 115200 baud */
    mov $(COM1 + 1), %dx
    xor %al, %al
    out %al, %dx
    mov $(COM1 + 3), %dx
    mov $3, %al
    out %al, %dx                    /* 8N1 */
    ret

/* al = character */
putc:
    push %edx
    push %eax
    mov $(COM1 + 5), %dx
1:  in %dx, %al
    test $0x20, %al
    jz 1b
    pop %eax
    mov $COM1, %dx
    out %al, %dx
    pop %edx
    ret

/* esi = NUL-terminated string */
puts:
    push %eax
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  pop %eax
    ret

/* eax = unsigned number, printed in decimal */
putu:
    push %ebx
    push %ecx
    push %edx
    mov $10, %ebx
    xor %ecx, %ecx
1:  xor %edx, %edx
    div %ebx
    push %edx
    inc %ecx
    test %eax, %eax
    jnz 1b
2:  pop %eax
    add $'0', %al
    call putc
    loop 2b
    pop %edx
    pop %ecx
    pop %ebx
    ret

    .section .rodata
msg_up:        .asciz "vst: up cpus="
msg_tsc:       .asciz " tsc_per_tick="
msg_loads:     .asciz " loads="
msg_resend:    .asciz "vst: re-sending start-up to missing vCPUs\n"
msg_exception: .asciz "vst: exception, vCPU stopped\n"

    .data
    .align 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* flat 32-bit code */
    .quad 0x00CF92000000FFFF        /* flat data */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
idt_ptr:
    .word 256 * 8 - 1
    .long idt

    .bss
    .align 4096
stacks:        .skip MAX_CPUS * STACK_SIZE
idt:           .skip 256 * 8
budgets:       .skip MAX_CPUS * 4
loads:         .skip MAX_CPUS
checked_in:    .skip MAX_CPUS
mb_info:       .skip 4
ncpus:         .skip 4
tsc_per_tick:  .skip 4
gap_tsc:       .skip 4
wait_ticks:    .skip 4
start_rounds:  .skip 4
rounds:        .skip 4
