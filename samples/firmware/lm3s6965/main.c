/* Prints the firmware version and the unit's serial number (a uint32, little-endian, at the
   fixed flash address 0x0003F000) to UART0:
       Imprint sample v1.0.0
       serial=<N>            (or serial=unset when the word is erased or zero)
   The banner lives in .data (copied from flash by the reset handler) and the digit buffer in
   .bss (its terminator relies on .bss being zeroed), so a wrong load of either shows up in
   the output. */
#include <stdint.h>

#define UART0_DR   (*(volatile uint32_t *)0x4000C000u)
#define UART0_FR   (*(volatile uint32_t *)0x4000C018u)
#define UART_FR_TXFF (1u << 5)
#define SERIAL_NUMBER (*(volatile const uint32_t *)0x0003F000u)

char banner[] = "Imprint sample v1.0.0";
static const char serial_label[] = "serial=";
static char digits[11]; /* ten digits of a uint32 plus the terminator left zero by startup */

static void put_char(char c)
{
    while (UART0_FR & UART_FR_TXFF) { }
    UART0_DR = (uint32_t)(unsigned char)c;
}

static void put_string(const char *s)
{
    while (*s) put_char(*s++);
}

static const char *format_decimal(uint32_t value)
{
    int i = 10; /* digits[10] stays 0: the terminator */
    do {
        digits[--i] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    return &digits[i];
}

int main(void)
{
    put_string(banner);
    put_string("\n");
    put_string(serial_label);
    uint32_t serial = SERIAL_NUMBER;
    if (serial == 0xFFFFFFFFu || serial == 0u) put_string("unset");
    else put_string(format_decimal(serial));
    put_string("\n");
    for (;;) { __asm__ volatile ("wfi"); }
}
