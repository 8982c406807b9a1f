/*
 * Spinformer: let the oneMKL inside libtorch use its AVX-512 / AVX2 kernels on AMD CPUs.
 *
 * oneMKL picks its code path with mkl_serv_intel_cpu_true(); on a non-Intel CPU it returns 0 and MKL falls
 * back to a generic path even when the CPU has AVX-512 (AMD Zen 4/5). libtorch_cpu.so exports the symbol, so a
 * preloaded definition takes precedence. The kernels then chosen still check the CPU's feature flags (CPUID)
 * for every instruction set they use. Measured on the 2-core AMD EPYC build VM: float32 GEMM 1.7-1.8x faster
 * (see README, "Speed"). Loaded by ./spinformer and benchmarks/run through LD_PRELOAD (native/env.sh);
 * SPINFORMER_MKL_SHIM=0 turns it off.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
