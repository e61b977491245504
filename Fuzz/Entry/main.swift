import FuzzHarness
import Foundation

/// The libFuzzer entry point; FALCOPACK_FUZZ_TARGET chooses the reader (scripts/fuzz.sh sets it).
nonisolated(unsafe) let target = ProcessInfo.processInfo.environment["FALCOPACK_FUZZ_TARGET"] ?? ""

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzHarness.run(target, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// One empty input before fuzzing starts, so the readers' one-time tables (schemas, lookup tables) are made
/// outside the leak check libFuzzer runs around each input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<Arguments?>?) -> CInt {
    // FALCOPACK_FUZZ_SEED_OUT: write the target's own seed there (scripts/fuzz.sh, for the publish target).
    if let out = ProcessInfo.processInfo.environment["FALCOPACK_FUZZ_SEED_OUT"], let seed = try? FuzzHarness.seed(target) {
        FileManager.default.createFile(atPath: out, contents: Data(seed))
    }
    FuzzHarness.run(target, UnsafeRawBufferPointer(start: nil, count: 0))
    return 0
}

public typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<Arguments?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`; this one hands the process to libFuzzer's driver.
@_cdecl("falcopack_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: Arguments) -> CInt {
    var count = argc
    var arguments: Arguments? = argv
    return runDriver(&count, &arguments, fuzzOne)
}
