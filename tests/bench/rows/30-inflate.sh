# 30-inflate.sh: our inflate vs zlib uncompress vs libdeflate on the same
# 64 KiB grains (the non-zero grains of 10-sparse.sh's content, compressed
# by zlib at level 6 like qemu-img's streamOptimized grains), in MiB/s of
# output, CPU time; ratio: time / libdeflate's. The goal is <= 1.25x.
raw=$BENCH_RAW
bench_inflate="$(dirname "$VMDK")/tests/bench/bench_inflate"
bench_need_raw
BENCH_ROUNDS=$BENCH_ROUNDS "$bench_inflate" "$raw" 512 65536 6
