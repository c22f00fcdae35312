/*
 * The VmMigration lab guest: a freestanding 32-bit multiboot v1 kernel that keeps a known pattern in memory
 * and rewrites it at a requested rate, so a test can check a live migration moved the memory intact.
 *
 * Layout (guest-physical, little-endian; the engine's LabGuestLayout mirrors these numbers):
 *   0x200000  header (see struct lab_header)
 *   0x400000  working set: page_count pages of 4 KiB; each page holds a record at its start and a copy at its end.
 * Parameters come from the multiboot command line: wss_mb=<MiB> rate_mbps=<MiB/s> mode=paced|touchall.
 * Pass 1 is written at full speed before the header's magic is published, so a reader never sees a half-made set.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define HEADER_ADDR       0x200000u
#define WORKING_SET_ADDR  0x400000u
#define PAGE_SIZE         4096u
#define MEMORY_MARGIN     (1u << 20)     /* keep the top MiB free: firmware tables may live there */
#define HEADER_VERSION    1u
#define RECORD_MAGIC      0x50474D56u    /* "VMGP" */
#define TICK_HZ           200u           /* timer interrupt rate: the heartbeat and the pacing granularity */
#define PIT_HZ            1193182u
#define MODE_PACED        0u
#define MODE_TOUCHALL     1u

struct lab_header {
    char magic[8];          /*  0 "VMMIGLAB", written last at boot */
    u32 version;            /*  8 */
    u32 header_size;        /* 12 */
    u64 ws_base;            /* 16 */
    u32 page_count;         /* 24 */
    u32 page_size;          /* 28 */
    u32 rate_mbps;          /* 32 MiB/s; 0 = write once */
    u32 mode;               /* 36 */
    u64 pass;               /* 40 the pass being written (pages hold pass or pass-1) */
    u64 heartbeat;          /* 48 timer ticks since boot, TICK_HZ per second */
    u64 pages_written;      /* 56 page records written since boot */
    u32 tsc_khz;            /* 64 */
    u32 tick_hz;            /* 68 */
    u32 memory_mb;          /* 72 what multiboot reported */
    u32 requested_wss_mb;   /* 76 before capping */
} __attribute__((packed));

struct page_record {
    u32 magic;
    u32 index;
    u64 pass;
    u32 checksum;
} __attribute__((packed));

#define RECORD_TAIL_OFFSET (PAGE_SIZE - sizeof(struct page_record))

static volatile struct lab_header *const header = (volatile struct lab_header *)HEADER_ADDR;

/* ---- port I/O and the TSC ---- */
static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }

/* ---- serial (COM1), the only way this guest talks ---- */
static void serial_init(void)
{
    outb(0x3f9, 0x00);  /* no interrupts */
    outb(0x3fb, 0x80);  /* DLAB */
    outb(0x3f8, 0x01);  /* 115200 baud */
    outb(0x3f9, 0x00);
    outb(0x3fb, 0x03);  /* 8N1 */
    outb(0x3fa, 0xC7);  /* FIFO */
    outb(0x3fc, 0x03);
}

static void serial_putc(char c)
{
    while ((inb(0x3fd) & 0x20) == 0) { }
    outb(0x3f8, (u8)c);
}

static void serial_puts(const char *s) { while (*s) serial_putc(*s++); }

static void serial_putu(u32 v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do { buf[--i] = (char)('0' + v % 10); v /= 10; } while (v != 0);
    serial_puts(&buf[i]);
}

static void serial_kv(const char *key, u32 v) { serial_puts(key); serial_putu(v); }

/* ---- descriptor tables, PIC and PIT: just enough for a timer interrupt that wakes hlt ---- */
struct gdt_entry { u64 raw; };
struct idt_entry { u16 offset_low; u16 selector; u8 zero; u8 type; u16 offset_high; } __attribute__((packed));
struct table_pointer { u16 limit; u32 base; } __attribute__((packed));

static struct gdt_entry gdt[3] = {
    { 0 },
    { 0x00CF9A000000FFFFull },  /* 0x08: flat 4 GiB code */
    { 0x00CF92000000FFFFull },  /* 0x10: flat 4 GiB data */
};
static struct idt_entry idt[256];

extern void load_segments(void);
extern void isr_timer(void);
extern void isr_other_irq(void);
extern void isr_exception(void);

static void idt_set(int vector, void (*handler)(void))
{
    u32 addr = (u32)handler;
    idt[vector].offset_low = (u16)(addr & 0xFFFF);
    idt[vector].selector = 0x08;
    idt[vector].zero = 0;
    idt[vector].type = 0x8E;  /* present, ring 0, 32-bit interrupt gate */
    idt[vector].offset_high = (u16)(addr >> 16);
}

static void tables_init(void)
{
    struct table_pointer gp = { sizeof(gdt) - 1, (u32)gdt };
    __asm__ volatile("lgdt %0" : : "m"(gp));
    load_segments();

    for (int v = 0; v < 256; v++)
        idt_set(v, v < 32 ? isr_exception : isr_other_irq);
    idt_set(32, isr_timer);
    struct table_pointer ip = { sizeof(idt) - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(ip));
}

static void pic_init(void)
{
    /* Remap IRQ 0-15 to vectors 32-47 so they do not collide with CPU exceptions; unmask only IRQ0. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xFE); outb(0xA1, 0xFF);
}

static void pit_timer_init(void)
{
    u32 divisor = PIT_HZ / TICK_HZ;
    outb(0x43, 0x34);  /* channel 0, lo/hi byte, mode 2 (rate generator) */
    outb(0x40, (u8)(divisor & 0xFF));
    outb(0x40, (u8)(divisor >> 8));
}

/* Measures TSC cycles over ~50 ms of PIT channel 2 (one-shot, gate via port 0x61). */
static u32 calibrate_tsc_khz(void)
{
    const u32 window_ms = 50;
    const u32 count = PIT_HZ * window_ms / 1000;
    outb(0x61, (u8)((inb(0x61) & ~0x02) | 0x01));  /* gate on, speaker off */
    outb(0x43, 0xB0);                               /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, (u8)(count & 0xFF));
    outb(0x42, (u8)(count >> 8));
    u64 start = rdtsc();
    while ((inb(0x61) & 0x20) == 0) { }
    u64 cycles = rdtsc() - start;
    u32 khz = (cycles > 0xFFFFFFFFull ? 0xFFFFFFFFu : (u32)cycles) / window_ms;
    return khz != 0 ? khz : 1;
}

/* ---- ticks ---- */
void on_timer_tick(void)
{
    /* The heartbeat lives here so it advances even while the main loop is busy (touchall) or idle (rate 0). */
    header->heartbeat = header->heartbeat + 1;
}

static void serial_puthex(u32 v)
{
    serial_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) serial_putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

/* The vector is not known (one stub serves all 32), so print the top of the frame: it shows eip whether or not there is an error code. */
void on_exception(const u32 *frame)
{
    serial_puts("vmmig-guest: CPU exception, halting; frame");
    for (int i = 0; i < 4; i++) serial_putc(' '), serial_puthex(frame[i]);
    serial_kv(" pass ", (u32)header->pass);
    serial_puts("\n");
}

/* ---- command line ---- */
struct params {
    u32 wss_mb;
    u32 rate_mbps;
    u32 mode;
};

static int starts_with(const char *s, const char *prefix)
{
    while (*prefix) if (*s++ != *prefix++) return 0;
    return 1;
}

static u32 parse_u32(const char *s)
{
    u32 v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (u32)(*s++ - '0');
    return v;
}

static void parse_cmdline(const char *s, struct params *p)
{
    while (*s) {
        while (*s == ' ') s++;
        if (starts_with(s, "wss_mb=")) p->wss_mb = parse_u32(s + 7);
        else if (starts_with(s, "rate_mbps=")) p->rate_mbps = parse_u32(s + 10);
        else if (starts_with(s, "mode=touchall")) p->mode = MODE_TOUCHALL;
        else if (starts_with(s, "mode=paced")) p->mode = MODE_PACED;
        while (*s && *s != ' ') s++;
    }
}

/* ---- the pattern ---- */
static u32 mix(u32 h, u32 v)
{
    h ^= v;
    h *= 0x9E3779B1u;
    h ^= h >> 15;
    return h;
}

static u32 record_checksum(u32 index, u64 pass)
{
    return mix(mix(mix(mix(0x811C9DC5u, RECORD_MAGIC), index), (u32)pass), (u32)(pass >> 32));
}

static u32 page_count;
static u32 next_page;   /* next page to write; page_count means "the current pass is complete" */
static u64 current_pass;

static void write_record(volatile struct page_record *r, u32 index, u64 pass, u32 checksum)
{
    r->magic = RECORD_MAGIC;
    r->index = index;
    r->pass = pass;
    r->checksum = checksum;
}

static void write_next_page(void)
{
    if (next_page == page_count) {
        next_page = 0;
        current_pass++;
        header->pass = current_pass;  /* before the first page of the pass: pages are always pass or pass-1 */
    }
    u32 index = next_page++;
    u8 *page = (u8 *)(WORKING_SET_ADDR + index * PAGE_SIZE);
    u32 checksum = record_checksum(index, current_pass);
    write_record((volatile struct page_record *)page, index, current_pass, checksum);
    write_record((volatile struct page_record *)(page + RECORD_TAIL_OFFSET), index, current_pass, checksum);
    header->pages_written = header->pages_written + 1;
}

static void write_whole_pass(void)
{
    do write_next_page(); while (next_page != page_count);
}

/* A progress line at most every 10 s: enough to see the guest live in its serial log without growing it unboundedly. */
static void report_progress(void)
{
    static u64 last_report;
    u64 now = header->heartbeat;
    if (now - last_report < 10u * TICK_HZ) return;
    last_report = now;
    serial_kv("vmmig-guest: pass ", (u32)current_pass);
    serial_kv(" heartbeat ", (u32)now);
    serial_puts("\n");
}

static inline void wait_for_tick(void) { __asm__ volatile("sti; hlt" : : : "memory"); }

void guest_main(u32 multiboot_magic, u32 multiboot_info)
{
    serial_init();
    serial_puts("vmmig-guest: boot\n");
    if (multiboot_magic != 0x2BADB002u) {
        serial_puts("vmmig-guest: not started by a multiboot loader, halting\n");
        return;
    }

    const u32 *mbi = (const u32 *)multiboot_info;
    u32 flags = mbi[0];
    u32 memory_kb = (flags & 1u) ? mbi[2] + 1024u : 0;  /* mem_upper counts from 1 MiB */
    struct params p = { 64, 0, MODE_PACED };
    if (flags & 4u) {
        const char *cmdline = (const char *)mbi[4];
        serial_puts("vmmig-guest: cmdline ");
        serial_puts(cmdline);
        serial_puts("\n");
        parse_cmdline(cmdline, &p);
    }

    u32 usable = memory_kb * 1024u > WORKING_SET_ADDR + MEMORY_MARGIN
        ? memory_kb * 1024u - WORKING_SET_ADDR - MEMORY_MARGIN : 0;
    u32 wss_bytes = p.wss_mb > (usable >> 20) ? usable & ~(PAGE_SIZE - 1) : p.wss_mb << 20;
    page_count = wss_bytes / PAGE_SIZE;
    if (page_count == 0) page_count = 1;  /* a working set of zero would make "intact" meaningless */

    tables_init();
    pic_init();
    u32 tsc_khz = calibrate_tsc_khz();

    /* Header fields first, magic last: a reader that sees the magic sees a complete first pass. */
    for (int i = 0; i < 8; i++) header->magic[i] = 0;
    header->version = HEADER_VERSION;
    header->header_size = sizeof(struct lab_header);
    header->ws_base = WORKING_SET_ADDR;
    header->page_count = page_count;
    header->page_size = PAGE_SIZE;
    header->rate_mbps = p.rate_mbps;
    header->mode = p.mode;
    header->pass = 0;
    header->heartbeat = 0;
    header->pages_written = 0;
    header->tsc_khz = tsc_khz;
    header->tick_hz = TICK_HZ;
    header->memory_mb = memory_kb >> 10;
    header->requested_wss_mb = p.wss_mb;

    serial_kv("vmmig-guest: memory_mb=", memory_kb >> 10);
    serial_kv(" wss_mb=", wss_bytes >> 20);
    serial_kv(" pages=", page_count);
    serial_kv(" rate_mbps=", p.rate_mbps);
    serial_puts(p.mode == MODE_TOUCHALL ? " mode=touchall" : " mode=paced");
    serial_kv(" tsc_khz=", tsc_khz);
    serial_puts("\n");

    pit_timer_init();
    next_page = page_count;
    current_pass = 0;
    write_whole_pass();
    const char magic[8] = { 'V', 'M', 'M', 'I', 'G', 'L', 'A', 'B' };
    for (int i = 0; i < 8; i++) header->magic[i] = magic[i];
    serial_puts("vmmig-guest: ready, pass 1 written\n");

    if (p.mode == MODE_TOUCHALL) {
        for (;;) {
            __asm__ volatile("sti");
            write_whole_pass();
            report_progress();
        }
    }

    /* Paced: earn credit in TSC cycles, spend one page per cycles_per_page, sleep in hlt between ticks.
       cycles_per_page = tsc_hz / (rate * 256 pages per MiB), written so it cannot overflow 32 bits. */
    u32 cycles_per_page = p.rate_mbps ? tsc_khz * 125u / (p.rate_mbps * 32u) : 0;
    if (p.rate_mbps && cycles_per_page == 0) cycles_per_page = 1;
    const u64 max_credit = (u64)tsc_khz * 100u;  /* after a pause (migration, host stall) do not burst: drop debt over 100 ms */
    u64 last = rdtsc();
    u64 credit = 0;
    for (;;) {
        wait_for_tick();
        report_progress();
        if (!p.rate_mbps) continue;
        u64 now = rdtsc();
        credit += now - last;
        last = now;
        if (credit > max_credit) credit = max_credit;
        while (credit >= cycles_per_page) {
            write_next_page();
            credit -= cycles_per_page;
        }
    }
}
