import CMallocShim

/// Buffers of 1 MiB or more (encoders, compressed units) go back to the system when freed. By default glibc raises
/// this threshold to 32 MiB after the first such free; freed buffers then stay in the arenas of the threads that
/// used them, and peak memory grows with the number of units a build compresses. Process-wide, set once, before
/// the first engine compresses anything.
enum MemoryTuning {
    static let applied: Bool = mallopt(fp_M_MMAP_THRESHOLD, 1 << 20) == 1
}
