import CLZMAShim
import Glibc

/// Memory for liblzma, backed by 2 MiB pages where the kernel has them. An xz `-6` encoder walks 94 MiB of
/// hash table and binary tree at random; with 4 KiB pages most of those steps miss the TLB.
/// Asking for huge pages (`MADV_HUGEPAGE`, as Debian's default `madvise` policy wants) takes about 5% off the
/// encoder's CPU time and changes no byte. Small allocations go to malloc.
enum HugePages {
    static let pageSize = 2 << 20
    /// Before every allocation: how it was made, so `free` can undo it.
    private static let headerSize = 16
    private static let mapped: UInt64 = 1, malloced: UInt64 = 0

    static func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        guard size >= pageSize else {
            guard let base = malloc(size + headerSize) else { return nil }
            base.storeBytes(of: malloced, as: UInt64.self)
            return base + headerSize
        }
        let length = size + headerSize
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != MAP_FAILED else { return nil }
        // Advice only: without huge pages the memory is the same, just slower.
        _ = madvise(base, length, MADV_HUGEPAGE)
        base.storeBytes(of: mapped, as: UInt64.self)
        base.storeBytes(of: UInt64(length), toByteOffset: 8, as: UInt64.self)
        return base + headerSize
    }

    static func free(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        let base = pointer - headerSize
        if base.load(as: UInt64.self) == mapped {
            munmap(base, Int(base.load(fromByteOffset: 8, as: UInt64.self)))
        } else {
            Glibc.free(base)
        }
    }

    /// For `lzma_stream.allocator`; liblzma only reads it.
    nonisolated(unsafe) static let lzmaAllocator: UnsafeMutablePointer<lzma_allocator> = {
        let allocator = UnsafeMutablePointer<lzma_allocator>.allocate(capacity: 1)
        allocator.initialize(to: lzma_allocator(
            alloc: { _, count, size in
                let (total, overflow) = count.multipliedReportingOverflow(by: size)
                return overflow ? nil : HugePages.allocate(total)
            },
            free: { _, pointer in HugePages.free(pointer) },
            opaque: nil))
        return allocator
    }()
}
