# Sourced by ./spinformer and benchmarks/run.
# 1. Transparent huge pages for malloc (glibc >= 2.35; ignored by older glibc): libtorch allocates every temporary
#    afresh, and on the build VM a first-touch page fault costs ~25 us per 4 KiB page, so without this page faults
#    dominate ops on more than a few MiB. And one malloc arena (arena_max=1): a JVM's threads are not the process's
#    first thread, so glibc gives them their own arenas, whose heaps got neither huge pages nor reuse here: a loop
#    of ops writing 4 x 3 MB + 2 x 12.6 MB and freeing them took 50 ms per iteration in a thread arena, 5 ms in the
#    main one (Python's main thread always uses the main arena). And no mmap'd chunks, no trimming (mmap_max=0,
#    trim_threshold=16 GiB): glibc serves allocations above 128 KiB-32 MiB with mmap and unmaps them on free, so
#    every large temporary of every step (the SR Jacobian's 252 MB blocks) was faulted in afresh; from the heap
#    they are reused. The resident size stays at the peak (SR steps 6x6, M=1024: 2.18 GB, flat over 40 steps).
#    An existing GLIBC_TUNABLES is kept.
# 2. On AMD CPUs, preloads native/mkl_amd_shim.c (built here with cc on first use) so that libtorch's oneMKL uses
#    its fast kernels (see that file). SPINFORMER_MKL_SHIM=0 turns it off, =1 forces it on any CPU. Without a C
#    compiler nothing changes (MKL's generic path, slower GEMM).
spinformer_native_env() {
  local root="$1" mode="${SPINFORMER_MKL_SHIM:-auto}"
  export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184}"
  [ "$mode" = 0 ] && return 0
  if [ "$mode" != 1 ] && ! grep -q AuthenticAMD /proc/cpuinfo 2>/dev/null; then
    return 0
  fi
  local src="$root/native/mkl_amd_shim.c" so="$root/native/target/libspinformer-mklshim.so"
  if [ ! -f "$so" ] || [ "$src" -nt "$so" ]; then
    local cc_bin
    cc_bin="$(command -v cc || command -v gcc || true)"
    if [ -z "$cc_bin" ]; then
      echo "spinformer: no C compiler, so libtorch's MKL stays on its generic AMD path (GEMM ~1.7x slower)" >&2
      return 0
    fi
    mkdir -p "$root/native/target"
    "$cc_bin" -shared -fPIC -O2 -o "$so.tmp" "$src" 2>/dev/null && mv "$so.tmp" "$so" || { rm -f "$so.tmp"; return 0; }
  fi
  export LD_PRELOAD="$so${LD_PRELOAD:+:$LD_PRELOAD}"
}
