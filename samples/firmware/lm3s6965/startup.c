/* Vector table and reset handler: copy .data from its load address in flash to SRAM, zero
   .bss, then call main. Nothing from the C library is used. */
#include <stdint.h>

extern uint32_t data_start, data_end, data_load, bss_start, bss_end, stack_top;
int main(void);

void Reset_Handler(void);
void Default_Handler(void);

void Reset_Handler(void)
{
    uint32_t *src = &data_load;
    for (uint32_t *dst = &data_start; dst < &data_end; ) *dst++ = *src++;
    for (uint32_t *dst = &bss_start; dst < &bss_end; ) *dst++ = 0;
    main();
    for (;;) { }
}

void Default_Handler(void)
{
    for (;;) { }
}

__attribute__((section(".vectors"), used))
static void (*const vectors[16])(void) = {
    (void (*)(void))&stack_top, /* initial stack pointer */
    Reset_Handler,
    Default_Handler,            /* NMI */
    Default_Handler,            /* HardFault */
    Default_Handler,            /* MemManage */
    Default_Handler,            /* BusFault */
    Default_Handler,            /* UsageFault */
    0, 0, 0, 0,
    Default_Handler,            /* SVCall */
    Default_Handler,            /* DebugMon */
    0,
    Default_Handler,            /* PendSV */
    Default_Handler,            /* SysTick */
};
