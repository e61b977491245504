/// A machine architecture. Each format spells it its own way (`amd64`, `x86_64`, ...).
public enum Architecture: String, CaseIterable, Hashable, Sendable {
    case x86_64
    case aarch64
    /// Architecture-independent.
    case all
}
