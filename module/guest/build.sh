#!/bin/sh
# Builds the lab guest: module/guest/build.sh <outdir>  ->  <outdir>/vmmig-guest.elf
# Uses the machine's own gcc and ld in 32-bit mode; no multilib or libgcc is needed (the guest avoids 64-bit division).
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 <outdir>" >&2
    exit 2
fi
outdir=$1
src=$(cd "$(dirname "$0")" && pwd)
for tool in gcc ld; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: '$tool' not found; install it (Debian: apt-get install gcc binutils)" >&2
        exit 1
    fi
done
mkdir -p "$outdir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cflags="-m32 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -O2 -Wall -Wextra -Werror -fno-asynchronous-unwind-tables"
gcc $cflags -c "$src/entry.S" -o "$tmp/entry.o"
gcc $cflags -c "$src/guest.c" -o "$tmp/guest.o"
ld -m elf_i386 --no-warn-rwx-segments -T "$src/link.ld" -o "$outdir/vmmig-guest.elf" "$tmp/entry.o" "$tmp/guest.o"
echo "built $outdir/vmmig-guest.elf"
