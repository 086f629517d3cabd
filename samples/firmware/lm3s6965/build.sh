#!/usr/bin/env bash
# Builds the sample firmware: ELF plus Intel HEX, S-record and raw binary made by objcopy.
#   ./build.sh            -> build/firmware.{elf,hex,srec,bin}
#   ./build.sh /some/dir  -> the same files in another folder (the tests do this)
# Only bash and the Arm GNU toolchain are needed (no make), so the tests can call it anywhere.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/build}"
cross="${CROSS:-arm-none-eabi-}"
mkdir -p "$out"

"${cross}gcc" -mcpu=cortex-m3 -mthumb -O2 -g -std=c11 -Wall -Wextra -Werror \
  -ffreestanding -ffunction-sections -fdata-sections \
  -nostdlib -nostartfiles -T "$here/lm3s6965.ld" -Wl,--gc-sections -Wl,-Map="$out/firmware.map" \
  -o "$out/firmware.elf" "$here/startup.c" "$here/main.c" -lgcc

"${cross}objcopy" -O ihex "$out/firmware.elf" "$out/firmware.hex"
"${cross}objcopy" -O srec "$out/firmware.elf" "$out/firmware.srec"
"${cross}objcopy" -O binary "$out/firmware.elf" "$out/firmware.bin"
