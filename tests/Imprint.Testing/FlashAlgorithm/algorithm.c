/*
 * A flash algorithm shaped like a CMSIS .FLM, for tests: the FlashDevice descriptor in section
 * DevDscr, the entry points as global functions, code in PrgCode and data in PrgData (placed
 * by algorithm.ld). It describes a 1 MiB flash at 0x08000000 with 4 x 16 KiB, 1 x 64 KiB and
 * 7 x 128 KiB sectors (the STM32F4 layout). The functions only touch their own state: the
 * tests parse the file, they do not run it.
 */
#define FLASH_DRV_VERS 0x0101
#define ONCHIP 1
#define SECTOR_END 0xFFFFFFFFu, 0xFFFFFFFFu

struct FlashSectors {
    unsigned long szSector;   /* sector size in bytes */
    unsigned long AddrSector; /* offset of the run's first sector from DevAdr */
};

struct FlashDevice {
    unsigned short Vers;
    char DevName[128];
    unsigned short DevType;
    unsigned long DevAdr;
    unsigned long szDev;
    unsigned long szPage;
    unsigned long Res;
    unsigned char valEmpty;
    unsigned long toProg;
    unsigned long toErase;
    struct FlashSectors sectors[4];
};

__attribute__((section("DevDscr"), used)) const struct FlashDevice FlashDevice = {
    FLASH_DRV_VERS,
    "Imprint Test 1MB Flash",
    ONCHIP,
    0x08000000,
    0x00100000,
    1024,
    0,
    0xFF,
    100,
    3000,
    {
        { 0x04000, 0x000000 },
        { 0x10000, 0x010000 },
        { 0x20000, 0x020000 },
        { SECTOR_END },
    },
};

static unsigned long base_address = 0x08000000; /* .data */
static volatile unsigned long last_function;    /* .bss */
static volatile unsigned long erased;           /* .bss */

int Init(unsigned long adr, unsigned long clk, unsigned long fnc) {
    (void)clk;
    base_address = adr;
    last_function = fnc;
    return 0;
}

int UnInit(unsigned long fnc) {
    last_function = fnc;
    return 0;
}

int EraseChip(void) {
    erased = 0xFFFFFFFFu;
    return 0;
}

int EraseSector(unsigned long adr) {
    erased = adr - base_address;
    return 0;
}

int ProgramPage(unsigned long adr, unsigned long sz, unsigned char *buf) {
    unsigned long sum = adr;
    for (unsigned long i = 0; i < sz; i++) sum += buf[i];
    last_function = sum;
    return 0;
}

unsigned long Verify(unsigned long adr, unsigned long sz, unsigned char *buf) {
    const unsigned char *flash = (const unsigned char *)adr;
    for (unsigned long i = 0; i < sz; i++) {
        if (flash[i] != buf[i]) return adr + i;
    }
    return adr + sz;
}

int BlankCheck(unsigned long adr, unsigned long sz, unsigned char pat) {
    const unsigned char *flash = (const unsigned char *)adr;
    for (unsigned long i = 0; i < sz; i++) {
        if (flash[i] != pat) return 1;
    }
    return 0;
}
